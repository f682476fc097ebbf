// Today's Console API through the real engine (examples/secrets): a named deployment with a runtime
// limit and a sealed secret, changed in place, drift made in the Console, the 409 of a stale update;
// automatic funding; and an API with only the AEP-63 surface. Every secret value is then searched
// for in the state export, the state files, Pulumi's output, the server's log and its store: 0 times.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import type { CliResult } from "./harness";
import { aep63Api } from "./aep63-api";
import { openProject, type Project } from "./project";
import { referenceApi } from "./reference-api";

/** Runs pulumi and keeps what it printed, for the secret search. */
function recorded(project: Project, printed: string[]) {
  const keep = (result: CliResult) => {
    printed.push(result.stdout, result.stderr);
    return result;
  };
  return {
    run: async (args: string[]) => keep(await project.run(args)),
    must: async (args: string[]) => keep(await project.must(args)),
  };
}

const filesUnder = (dir: string): Buffer[] =>
  readdirSync(dir, { recursive: true, encoding: "utf8" }).flatMap((f) => {
    try {
      return [readFileSync(path.join(dir, f))];
    } catch {
      return [];
    }
  });

describe("today's Console API with the real engine", () => {
  test("name, runtime limit and a sealed secret: in place changes, Console drift, a stale update's 409; no secret value anywhere", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "akash-store-"));
    const serverLog: string[] = [];
    const ref = await referenceApi({
      dataDir,
      logLevel: "trace",
      logDestination: { write: (line: string) => void serverLog.push(line) },
    });
    const project = await openProject(
      "examples/secrets",
      { url: ref.server.url, apiKey: ref.apiKey },
      {
        name: "shop",
        runtimeLimitHours: "60",
      },
    );
    const printed: string[] = [];
    const cli = recorded(project, printed);
    const values = [`pw-${randomUUID()}`, `pw-${randomUUID()}`];
    try {
      await cli.must(["config", "set", "--secret", "dbPassword", values[0]!]);
      const first = await cli.must(["up", "--yes", "--skip-preview"]);
      // The runtime clock starts with the lease, after the Deployment was made: no output is undefined.
      assert.doesNotMatch(first.stdout + first.stderr, /Undefined value/);
      assert.equal((await project.outputs()).runtimeEndsAt, null, "not read yet: null until a refresh");
      const dseq = String((await project.outputs()).dseq);
      const live = await ref.client.getDeployment(dseq);
      assert.equal(live.name, "shop");
      assert.equal(live.settings?.runtimeLimitHours, 60, "48 hours at create, then extended by 12");
      assert.match(live.consoleSettings!.sdl, /DB_PASSWORD=ac-secret:\/\/DB_PASSWORD/);
      // Stack outputs are the program's: an up after the refresh shows what the refresh read.
      await cli.must(["refresh", "--yes", "--skip-preview"]);
      await cli.must(["up", "--yes", "--skip-preview"]);
      const outputs = await project.outputs();
      assert.equal(outputs.name, "shop");
      assert.equal(outputs.funding, "deposit");
      assert.ok(
        Date.parse(String(outputs.runtimeEndsAt)) > Date.now(),
        "the runtime clock started with the lease",
      );
      await cli.must(["preview", "--expect-no-changes"]);

      // A new secret value, a new name and a longer limit: all in place.
      await cli.must(["config", "set", "--secret", "dbPassword", values[1]!]);
      await cli.must(["config", "set", "name", "shop-eu"]);
      await cli.must(["config", "set", "runtimeLimitHours", "100"]);
      const changed = await cli.must(["up", "--yes", "--skip-preview"]);
      assert.match(changed.stdout, /updated in place \(name; secrets DB_PASSWORD\)/);
      assert.equal(String((await project.outputs()).dseq), dseq, "same deployment");
      assert.equal((await ref.client.getDeployment(dseq)).name, "shop-eu");
      assert.equal((await ref.client.getDeployment(dseq)).settings?.runtimeLimitHours, 100);
      await cli.must(["config", "set", "runtimeLimitHours", "50"]);
      const lower = await cli.run(["preview"]);
      assert.notEqual(lower.code, 0);
      assert.match(lower.stdout + lower.stderr, /runtimeLimitHours cannot go down from 100 to 50/);
      await cli.must(["config", "set", "runtimeLimitHours", "100"]);

      // Changed in the Console: a rename and a new image. Refresh shows it; up puts the program's back.
      await ref.client.patchDeployment(dseq, {
        name: "console-rename",
        services: { web: { image: "nginx:elsewhere" } },
      });
      const refreshed = await cli.must(["refresh", "--yes", "--skip-preview"]);
      assert.match(refreshed.stdout, /~ 1 updated|1 updated/);
      await cli.must(["up", "--yes", "--skip-preview"]);
      const restored = await ref.client.getDeployment(dseq);
      assert.equal(restored.name, "shop-eu");
      assert.match(restored.consoleSettings!.sdl, /image: nginx:1\.25\.3/);

      // Changed in the Console again, then a program change without a refresh: the API's 409, in words.
      await ref.client.patchDeployment(dseq, { services: { web: { image: "nginx:elsewhere" } } });
      await cli.must(["config", "set", "image", "nginx:1.27"]);
      const stale = await cli.run(["up", "--yes", "--skip-preview"]);
      assert.notEqual(stale.code, 0);
      assert.match(
        stale.stdout + stale.stderr,
        /changed outside Pulumi since the last refresh.*pulumi refresh/s,
      );
      assert.match(
        (await ref.client.getDeployment(dseq)).consoleSettings!.sdl,
        /nginx:elsewhere/,
        "not overwritten",
      );
      await cli.must(["refresh", "--yes", "--skip-preview"]);
      await cli.must(["up", "--yes", "--skip-preview"]);
      assert.match((await ref.client.getDeployment(dseq)).consoleSettings!.sdl, /image: nginx:1\.27/);

      printed.push((await project.must(["stack", "export"])).stdout);
      await cli.must(["destroy", "--yes", "--skip-preview"]);
      assert.equal((await ref.client.getDeployment(dseq)).deployment.state, "closed");
    } finally {
      await ref.close();
    }
    const haystacks: [string, Buffer][] = [
      ["Pulumi's output and the state export", Buffer.from(printed.join("\n"))],
      ["the server's log", Buffer.from(serverLog.join(""))],
      ...filesUnder(dataDir).map((content, i): [string, Buffer] => [`store file ${i}`, content]),
    ];
    try {
      assert.ok(haystacks[0]![1].includes("DB_PASSWORD"), "the search sees names: it reads what it should");
      assert.ok(serverLog.length > 10, "the server logged");
      for (const value of values) {
        for (const [where, content] of haystacks)
          assert.equal(content.indexOf(value), -1, `a secret value in ${where}`);
      }
    } finally {
      project.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("automatic funding: the ignored deposit is said once, funding is automatic, and nothing drifts", async () => {
    const ref = await referenceApi({ funding: "auto" });
    const project = await openProject("examples/secrets", { url: ref.server.url, apiKey: ref.apiKey });
    try {
      await project.must(["config", "set", "--secret", "dbPassword", `pw-${randomUUID()}`]);
      const first = await project.must(["up", "--yes", "--skip-preview"]);
      // Pulumi prints a warning where it happens and again in its Diagnostics summary.
      assert.match(first.stdout, /this API funds deployments automatically .*deposit \$5 is ignored/);
      assert.equal((await project.outputs()).funding, "automatic");
      const second = await project.must(["up", "--yes", "--skip-preview", "--refresh"]);
      assert.doesNotMatch(second.stdout, /funds deployments automatically/);
      await project.must(["preview", "--expect-no-changes"]);
      await project.must(["destroy", "--yes", "--skip-preview"]);
    } finally {
      project.cleanup();
      await ref.close();
    }
  });

  test("an API with only the AEP-63 surface: preview refuses a runtime limit and secrets before anything is made; nginx deploys, updates through PUT and is destroyed", async () => {
    const ref = await referenceApi();
    const proxy = await aep63Api(ref.server.url);
    const api = { url: proxy.url, apiKey: ref.apiKey };
    const secrets = await openProject("examples/secrets", api);
    const nginx = await openProject("examples/nginx", api);
    try {
      await secrets.must(["config", "set", "--secret", "dbPassword", `pw-${randomUUID()}`]);
      const refused = await secrets.run(["preview"]);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stdout + refused.stderr, /cannot enforce runtimeLimitHours/);
      assert.match(refused.stdout + refused.stderr, /cannot take sealed secrets/);
      assert.equal((await ref.client.listDeployments()).deployments.length, 0);

      await nginx.must(["up", "--yes", "--skip-preview"]);
      const dseq = String((await nginx.outputs()).dseq);
      assert.equal((await nginx.outputs()).url !== "(no URI yet)", true, "leased with the manifest sent");
      await nginx.must(["config", "set", "image", "nginx:1.27"]);
      const updated = await nginx.must(["up", "--yes", "--skip-preview"]);
      assert.match(updated.stdout, /SDL replaced in place/);
      assert.equal(String((await nginx.outputs()).dseq), dseq);
      await nginx.must(["destroy", "--yes", "--skip-preview"]);
      assert.equal((await ref.client.getDeployment(dseq)).deployment.state, "closed");
    } finally {
      secrets.cleanup();
      nginx.cleanup();
      await proxy.close();
      await ref.close();
    }
  });
});
