// Money safety, round 2, with the real engine (issue 21): another account's key never empties a stack,
// and a kill in the instant between the creation journal's record and the engine's checkpoint leaks
// nothing.
import assert from "node:assert/strict";
import { mkdirSync, watch } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { startUp } from "./background-run";
import { killProcessTree } from "./harness";
import { openProject } from "./project";
import { referenceApi } from "./reference-api";
import { activeDseqs, dseqsInState } from "./stack-checks";

describe("money safety with the real engine: accounts and the kill window", () => {
  test("another account's key: refresh and destroy (with and without --run-program) refuse, keep state and close nothing", async () => {
    const ref = await referenceApi();
    const project = await openProject("examples/nginx", { url: ref.server.url, apiKey: ref.apiKey });
    try {
      await project.must(["up", "--yes", "--skip-preview"]);
      const inState = await dseqsInState(project);
      assert.equal(inState.length, 1);
      const owner = (await ref.client.getDeployment(inState[0]!)).deployment.id.owner;
      const { apiKey: teamKey } = await ref.server.createUser("team@example.test", 100);
      await project.must(["config", "set", "--secret", "akash:apiKey", teamKey]);

      const refuses = async (command: string[]) => {
        const result = await project.run(command);
        const output = result.stdout + result.stderr;
        assert.notEqual(result.code, 0, `${command.join(" ")} must fail:\n${output}`);
        assert.match(
          output,
          new RegExp(`belongs to account ${owner}`),
          `${command.join(" ")} names the owner`,
        );
        assert.match(output, /which reaches account akash1/, `${command.join(" ")} names the key's account`);
        assert.doesNotMatch(output, /no longer exists on the API/);
        assert.deepEqual(await dseqsInState(project), inState, `${command.join(" ")} kept the state`);
        assert.deepEqual(await activeDseqs(ref.client), inState, `${command.join(" ")} closed nothing`);
      };
      await refuses(["refresh", "--yes", "--skip-preview", "--run-program"]);
      await refuses(["destroy", "--yes", "--skip-preview", "--run-program"]);
      // An up with the team key records it as the provider's configuration: plain refresh and
      // destroy then use it, and refuse the same way.
      await project.must(["up", "--yes", "--skip-preview"]);
      await refuses(["refresh", "--yes", "--skip-preview"]);
      await refuses(["destroy", "--yes", "--skip-preview"]);

      await project.must(["config", "set", "--secret", "akash:apiKey", ref.apiKey]);
      await project.must(["destroy", "--yes", "--skip-preview", "--run-program"]);
      assert.deepEqual(await activeDseqs(ref.client), []);
    } finally {
      project.cleanup();
      await ref.close();
    }
  });

  test("a kill at the creation journal's record, before the engine's checkpoint: the next up adopts the deployment, nothing leaks", async () => {
    const ref = await referenceApi();
    const project = await openProject("examples/nginx", { url: ref.server.url, apiKey: ref.apiKey });
    const journalDir = path.join(project.sandbox.env.PULUMI_HOME!, "pulumi-akash", "created-deployments");
    mkdirSync(journalDir, { recursive: true });
    try {
      // The checkpoint follows the journal's record within milliseconds: a round whose kill came
      // after it is not the case under test, and is tried again.
      let windowHit = 0;
      for (let round = 1; round <= 8 && windowHit < 2; round++) {
        const run = startUp(project);
        await new Promise<void>((resolve) => {
          const watcher = watch(journalDir, (_event, name) => {
            if (!name || !/^[0-9a-f]{32}\.json$/.test(name)) return;
            killProcessTree(run.pid);
            watcher.close();
            resolve();
          });
          void run.exited.then(() => {
            watcher.close();
            resolve();
          });
        });
        await run.exited;
        const active = await activeDseqs(ref.client);
        const saved = await dseqsInState(project);
        if (active.length === 1 && saved.length === 0) windowHit++;
        await project.run(["cancel", "--yes"]);
        const rerun = await project.must(["up", "--yes", "--skip-preview"]);
        assert.deepEqual(
          await activeDseqs(ref.client),
          await dseqsInState(project),
          `round ${round}: exactly the deployment in state is active:\n${rerun.stdout}`,
        );
        if (active.length === 1 && saved.length === 0) {
          assert.deepEqual(
            await dseqsInState(project),
            active,
            `round ${round}: the killed run's is adopted`,
          );
          assert.match(rerun.stdout + rerun.stderr, /interrupted before the engine saved it; adopting it/);
        }
        // What docs/reliability.md tells unattended runs to do after a kill: clear the engine's note of
        // the create it never saw finish, once the provider has adopted it.
        await project.must(["refresh", "--yes", "--skip-preview", "--clear-pending-creates"]);
        const clean = await project.must(["up", "--yes", "--skip-preview"]);
        assert.doesNotMatch(clean.stdout + clean.stderr, /pending operations/);
        await project.must(["destroy", "--yes", "--skip-preview"]);
        assert.deepEqual(await activeDseqs(ref.client), [], `round ${round}: nothing active after destroy`);
      }
      assert.ok(windowHit >= 1, "at least one kill landed between the journal's record and the checkpoint");
    } finally {
      project.cleanup();
      await ref.close();
    }
  });
});
