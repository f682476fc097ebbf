// What must never go wrong, with the real engine: a bad SDL stops at preview; 20% injected 503s
// still converge without a duplicate deployment; an interrupted `up` followed by another `up`
// leaves exactly one deployment; no API key in state.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, test } from "node:test";
import { nginxSdl } from "./sdl-fixtures";
import { openProject } from "./project";
import { referenceApi } from "./reference-api";

const customSdl = path.join(__dirname, "../../../provider/engine-tests/fixtures/custom-sdl");

describe("safety with the real engine", () => {
  test("a bad SDL fails at preview, naming the problem, and creates nothing", async () => {
    const ref = await referenceApi();
    const project = await openProject(
      customSdl,
      { url: ref.server.url, apiKey: ref.apiKey },
      {
        sdl: nginxSdl().replace("units: 0.5", "units: -1"),
      },
    );
    try {
      const preview = await project.run(["preview"]);
      assert.notEqual(preview.code, 0);
      assert.match(preview.stdout + preview.stderr, /Invalid SDL: .*units.*greater than 0/);
      assert.equal((await ref.client.listDeployments()).deployments.length, 0);
    } finally {
      project.cleanup();
      await ref.close();
    }
  });

  test("with 20% of API requests failing 503, up converges and makes exactly one deployment", async () => {
    const ref = await referenceApi({ faults: { errorRate: 0.2 } });
    const project = await openProject("examples/nginx", { url: ref.server.url, apiKey: ref.apiKey });
    try {
      await project.must(["up", "--yes", "--skip-preview"]);
      const dseq = String((await project.outputs()).dseq);
      const active = await listWithRetry(ref);
      assert.deepEqual(active, [dseq], "one deployment, the one in state");
      await project.must(["destroy", "--yes", "--skip-preview"]);
      assert.deepEqual(await listWithRetry(ref), []);
    } finally {
      project.cleanup();
      await ref.close();
    }
  });

  test("an up killed mid-flight, then another up: one deployment, nothing leaked", async () => {
    // Slow bids keep the first up inside Lease creation, after the deployment exists.
    const ref = await referenceApi({ bidDelayMs: 4000 });
    const project = await openProject("examples/nginx", { url: ref.server.url, apiKey: ref.apiKey });
    try {
      const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], {
        cwd: project.cwd,
        env: { ...process.env, ...project.sandbox.env },
        stdio: "ignore",
        detached: true,
      });
      const deadline = Date.now() + 60_000;
      while ((await ref.client.listDeployments()).deployments.length === 0) {
        assert.ok(Date.now() < deadline, "the first up never created its deployment");
        await new Promise((r) => setTimeout(r, 100));
      }
      process.kill(-child.pid!, "SIGKILL");
      await new Promise((r) => child.once("exit", r));

      // What a user does after a killed run: release the stale lock, then run up again.
      await project.must(["cancel", "--yes"]);
      const again = await project.run(["up", "--yes", "--skip-preview"]);
      assert.equal(again.code, 0, again.stdout + again.stderr);
      const dseq = String((await project.outputs()).dseq);
      assert.deepEqual(
        (await ref.client.listDeployments()).deployments.map((d) => d.deployment.id.dseq),
        [dseq],
        "the re-run adopted the deployment the killed run created",
      );
      await project.must(["destroy", "--yes", "--skip-preview"]);
      assert.equal((await ref.client.listDeployments()).deployments.length, 0);
      assert.ok(!project.stateText().includes(ref.apiKey), "API key found in state");
    } finally {
      project.cleanup();
      await ref.close();
    }
  });
});

describe("adoption after an interrupted up", () => {
  test("killed after the lease was accepted: the next up adopts both the deployment and the lease", async () => {
    // Slow service start keeps the first up waiting for readiness, after the lease exists.
    const ref = await referenceApi({ bidDelayMs: 200, startDelayMs: 6000 });
    const project = await openProject("examples/nginx", { url: ref.server.url, apiKey: ref.apiKey });
    try {
      const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], {
        cwd: project.cwd,
        env: { ...process.env, ...project.sandbox.env },
        stdio: "ignore",
        detached: true,
      });
      const deadline = Date.now() + 60_000;
      let leased: { dseq: string; provider: string } | undefined;
      while (!leased) {
        assert.ok(Date.now() < deadline, "the first up never leased");
        const [item] = (await ref.client.listDeployments()).deployments;
        const lease = item?.leases.find((l) => l.state === "active");
        if (item && lease) leased = { dseq: item.deployment.id.dseq, provider: lease.id.provider };
        else await new Promise((r) => setTimeout(r, 100));
      }
      process.kill(-child.pid!, "SIGKILL");
      await new Promise((r) => child.once("exit", r));

      await project.must(["cancel", "--yes"]);
      const again = await project.must(["up", "--yes", "--skip-preview"]);
      assert.match(again.stdout, /adopting the active lease/, again.stdout);
      const out = await project.outputs();
      assert.deepEqual([String(out.dseq), String(out.provider)], [leased.dseq, leased.provider]);
      assert.equal((await ref.client.listDeployments()).deployments.length, 1, "no second deployment");
      await project.must(["destroy", "--yes", "--skip-preview"]);
      assert.equal((await ref.client.listDeployments()).deployments.length, 0);
    } finally {
      project.cleanup();
      await ref.close();
    }
  });
});

async function listWithRetry(ref: Awaited<ReturnType<typeof referenceApi>>): Promise<string[]> {
  return (await ref.client.listDeployments()).deployments.map((d) => d.deployment.id.dseq);
}
