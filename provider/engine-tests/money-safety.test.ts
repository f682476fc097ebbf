// Money safety with the real engine: whatever is interrupted or misconfigured, the deployments
// active on the API are exactly the ones in state (0 after destroy), and no stack touches
// another's. Each test reproduces one way money was lost before (issue 11).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { startPostgresTestCluster, type PostgresTestCluster } from "../../server/db/postgres-test-cluster";
import { startUp } from "./background-run";
import { killProcessTree } from "./harness";
import { apiHoldingCreates, HOLD_MS, waitUntil } from "./holding-proxy";
import { openProject } from "./project";
import { referenceApi } from "./reference-api";
import { serverProcess } from "./server-process";
import { activeDseqs, dseqsInState } from "./stack-checks";

/** examples/nginx against an API whose answers to creates can be held. */
async function nginxBehindHoldingProxy() {
  const api = await apiHoldingCreates();
  const project = await openProject("examples/nginx", { url: api.url, apiKey: api.ref.apiKey });
  return {
    ref: api.ref,
    hold: api.hold,
    project,
    close: async () => {
      project.cleanup();
      await api.close();
    },
  };
}

describe("money safety with the real engine", () => {
  test("an up killed after a destroy, once the server created the deployment, leaks nothing", async () => {
    // Holding the create's answer makes the kill land after the server made the deployment and
    // before the engine heard of it.
    const { ref, hold, project, close } = await nginxBehindHoldingProxy();
    try {
      for (let round = 1; round <= 2; round++) {
        await project.must(["up", "--yes", "--skip-preview"]);
        await project.must(["destroy", "--yes", "--skip-preview"]);
        hold.holding = true;
        const killed = startUp(project);
        await waitUntil(
          "the server created the deployment",
          async () => (await activeDseqs(ref.client)).length === 1,
          4 * HOLD_MS,
          killed.output,
        );
        killProcessTree(killed.pid);
        await killed.exited;
        hold.holding = false;

        await project.must(["cancel", "--yes"]);
        await project.must(["up", "--yes", "--skip-preview"]);
        const active = await activeDseqs(ref.client);
        assert.equal(active.length, 1, `round ${round}: one active deployment, the killed run's adopted`);
        assert.deepEqual(active, await dseqsInState(project), `round ${round}: the active one is in state`);
        await project.must(["destroy", "--yes", "--skip-preview"]);
        assert.deepEqual(await activeDseqs(ref.client), [], `round ${round}: nothing active after destroy`);
      }
    } finally {
      await close();
    }
  });

  test("an up --replace killed once the server created the new deployment: running it again adopts it, nothing leaks", async () => {
    const { ref, hold, project, close } = await nginxBehindHoldingProxy();
    try {
      await project.must(["up", "--yes", "--skip-preview"]);
      const [first] = await dseqsInState(project);
      const urn = JSON.parse((await project.must(["stack", "export"])).stdout).deployment.resources.find(
        (r: { urn: string }) => r.urn.includes("akash:Deployment::"),
      ).urn as string;

      hold.holding = true;
      const killed = startUp(project, ["--replace", urn]);
      await waitUntil(
        "the server created the replacement",
        async () => (await activeDseqs(ref.client)).length === 2,
        4 * HOLD_MS,
        killed.output,
      );
      const made = (await activeDseqs(ref.client)).find((d) => d !== first)!;
      killProcessTree(killed.pid);
      await killed.exited;
      hold.holding = false;

      await project.must(["cancel", "--yes"]);
      await project.must(["up", "--yes", "--skip-preview", "--replace", urn]);
      assert.deepEqual(
        await dseqsInState(project),
        [made],
        "the interrupted run's deployment is the replacement",
      );
      assert.deepEqual(
        await activeDseqs(ref.client),
        [made],
        "the replaced one is closed, no third one made",
      );
      await project.must(["destroy", "--yes", "--skip-preview"]);
      assert.deepEqual(await activeDseqs(ref.client), []);
    } finally {
      await close();
    }
  });

  test("a wrong base URL changes nothing: up, refresh and destroy fail naming the URL, state keeps every resource", async () => {
    const ref = await referenceApi();
    const project = await openProject("examples/nginx", { url: ref.server.url, apiKey: ref.apiKey });
    try {
      await project.must(["up", "--yes", "--skip-preview"]);
      const inState = await dseqsInState(project);
      const wrong = `${ref.server.url}/nope`;
      await project.must(["config", "set", "akash:baseUrl", wrong]);
      for (const command of [
        ["up", "--yes", "--skip-preview"],
        ["refresh", "--yes", "--skip-preview"],
        ["destroy", "--yes", "--skip-preview"],
      ]) {
        const result = await project.run(command);
        const output = result.stdout + result.stderr;
        assert.notEqual(result.code, 0, `${command[0]} must fail:\n${output}`);
        assert.ok(
          output.includes(`${wrong} does not answer as an Akash Console managed-wallet API`),
          `${command[0]} names the URL:\n${output}`,
        );
        assert.doesNotMatch(output, /Error: .*: Error: /, `${command[0]}: the error is said once`);
        assert.doesNotMatch(output, /\.ts:\d+/, `${command[0]}: no stack trace`);
        assert.deepEqual(await dseqsInState(project), inState, `${command[0]} kept the state`);
        assert.deepEqual(await activeDseqs(ref.client), inState, `${command[0]} closed nothing`);
      }
      // The failed up recorded the wrong URL as the provider's configuration: destroy runs the
      // program to use the fixed one, as the error advises.
      await project.must(["config", "set", "akash:baseUrl", ref.server.url]);
      const stale = await project.run(["destroy", "--yes", "--skip-preview"]);
      assert.match(stale.stdout + stale.stderr, /run them with `--run-program`/);
      await project.must(["destroy", "--yes", "--skip-preview", "--run-program"]);
      assert.deepEqual(await activeDseqs(ref.client), []);
    } finally {
      project.cleanup();
      await ref.close();
    }
  });

  test("two stacks with the same organization, project, stack and names never share a deployment", async () => {
    const ref = await referenceApi();
    // Two checkouts of one program, each with its own file:// backend and stack `dev`, one API key.
    const a = await openProject("examples/nginx", { url: ref.server.url, apiKey: ref.apiKey });
    const b = await openProject("examples/nginx", { url: ref.server.url, apiKey: ref.apiKey });
    try {
      await a.must(["up", "--yes", "--skip-preview"]);
      await b.must(["up", "--yes", "--skip-preview"]);
      const [inA, inB] = [await dseqsInState(a), await dseqsInState(b)];
      assert.equal(inA.length, 1);
      assert.equal(inB.length, 1);
      assert.notDeepEqual(inA, inB, "each stack has its own deployment");
      assert.deepEqual(await activeDseqs(ref.client), [...inA, ...inB].sort());

      await b.must(["destroy", "--yes", "--skip-preview"]);
      assert.deepEqual(await activeDseqs(ref.client), inA, "destroying one stack left the other's running");
      // An interrupted-and-retried up of one stack still never duplicates.
      await b.must(["up", "--yes", "--skip-preview"]);
      await b.must(["up", "--yes", "--skip-preview"]);
      assert.equal((await activeDseqs(ref.client)).length, 2);
      await a.must(["destroy", "--yes", "--skip-preview"]);
      await b.must(["destroy", "--yes", "--skip-preview"]);
      assert.deepEqual(await activeDseqs(ref.client), []);
    } finally {
      a.cleanup();
      b.cleanup();
      await ref.close();
    }
  });
});

for (const store of ["sqlite", "postgres"] as const) {
  describe(`a reference API killed mid-up [${store}]`, () => {
    let cluster: PostgresTestCluster | undefined;
    const dirs: string[] = [];
    after(async () => {
      await cluster?.stop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    test("restarted on the same store, the next up converges: as many active deployments as in state", async () => {
      let storeOptions: { dataDir?: string; databaseUrl?: string; secretsKey?: string };
      if (store === "postgres") {
        cluster = await startPostgresTestCluster();
        storeOptions = {
          databaseUrl: await cluster.createDatabase(),
          secretsKey: "money-safety-secrets-key",
        };
      } else {
        const dir = mkdtempSync(path.join(tmpdir(), "akash-crash-"));
        dirs.push(dir);
        storeOptions = { dataDir: dir };
      }
      // A little latency keeps several creates in flight when the server dies.
      const server = await serverProcess({ ...storeOptions, faults: { latencyMs: 300 } });
      const project = await openProject(
        "examples/fleet",
        { url: server.url, apiKey: server.apiKey },
        { count: "5" },
      );
      try {
        const run = startUp(project);
        await waitUntil(
          "the first deployments exist",
          async () => (await activeDseqs(server.client)).length >= 2,
        );
        await server.crash();
        await server.restart();
        await run.exited;
        const again = await project.run(["up", "--yes", "--skip-preview"]);
        assert.equal(again.code, 0, again.stdout + again.stderr);
        assert.doesNotMatch(again.stdout + again.stderr, /idempotency_in_progress/);
        const inState = await dseqsInState(project);
        assert.equal(inState.length, 5);
        assert.deepEqual(await activeDseqs(server.client), inState, "active deployments = the ones in state");
        await project.must(["destroy", "--yes", "--skip-preview"]);
        assert.deepEqual(await activeDseqs(server.client), []);
      } finally {
        project.cleanup();
        await server.stop();
      }
    });
  });
}
