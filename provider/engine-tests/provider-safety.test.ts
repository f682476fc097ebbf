// What must never go wrong, with the real engine: a bad SDL stops at preview; 20% injected 503s
// still converge without a duplicate deployment; an interrupted `up` followed by another `up`
// leaves exactly one deployment; no API key in state.
import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { nginxSdl } from "./sdl-fixtures";
import { openProject } from "./project";
import { referenceApi } from "./reference-api";
import { startUp } from "./background-run";
import { killProcessTree } from "./harness";

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

  test("an up killed while its Lease waits for bids, then another up: the lease that landed is adopted, one deployment", async () => {
    const ref = await referenceApi({ bidDelayMs: 200 });
    // A bid window holds each up's Lease create in its bid wait: the first up is killed there, and
    // the second is there when the lease lands.
    const project = await openProject(
      customSdl,
      { url: ref.server.url, apiKey: ref.apiKey },
      { sdl: nginxSdl(), bidWindowSeconds: "20" },
    );
    const inBidWait = /first acceptable bid seen, collecting bids/;
    try {
      const first = startUp(project);
      await first.waitFor(inBidWait);
      // A crash: the CLI and its plugins die together (a live plugin would lease on its own).
      killProcessTree(first.pid);
      await first.exited;
      const [killed] = (await ref.client.listDeployments()).deployments;
      assert.ok(killed, "the killed run created its deployment");
      assert.deepEqual(killed.leases, [], "the killed run had not leased yet");

      // What a user does after a killed run: release the stale lock, then run up again.
      await project.must(["cancel", "--yes"]);
      const manifest = deploymentManifest(JSON.parse((await project.must(["stack", "export"])).stdout));
      const again = startUp(project);
      await again.waitFor(inBidWait);
      // The killed run's lease request landing late, while the re-run waits for bids.
      const bid = (await ref.client.listBids(killed.deployment.id.dseq)).find((b) => b.bid.state === "open");
      assert.ok(bid, "an open bid to accept");
      await ref.client.createLease({
        manifest,
        leases: [{ dseq: killed.deployment.id.dseq, gseq: 1, oseq: 1, provider: bid.bid.id.provider }],
      });
      // Adoption takes a poll and the service start; waiting out the 20 s window means it failed.
      const result = await again.exitWithin(15_000);
      assert.equal(result.code, 0, result.output);
      assert.match(result.output, /adopting the active lease with akash1/);

      const out = await project.outputs();
      assert.deepEqual(
        [String(out.dseq), String(out.provider)],
        [killed.deployment.id.dseq, bid.bid.id.provider],
        "the re-run adopted the killed run's deployment and the lease that landed",
      );
      assert.equal((await ref.client.listDeployments()).deployments.length, 1, "no second deployment");
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
      const child = startUp(project);
      const deadline = Date.now() + 60_000;
      let leased: { dseq: string; provider: string } | undefined;
      while (!leased) {
        assert.ok(Date.now() < deadline, "the first up never leased");
        const [item] = (await ref.client.listDeployments()).deployments;
        const lease = item?.leases.find((l) => l.state === "active");
        if (item && lease) leased = { dseq: item.deployment.id.dseq, provider: lease.id.provider };
        else await new Promise((r) => setTimeout(r, 100));
      }
      killProcessTree(child.pid);
      await child.exited;

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

/** The manifest the Deployment resource recorded in an exported stack state. */
function deploymentManifest(exported: {
  deployment: { resources?: { urn: string; outputs?: { manifest?: string } }[] };
}): string {
  const resource = exported.deployment.resources?.find((r) => r.urn.includes("akash:Deployment::"));
  assert.ok(resource?.outputs?.manifest, "the killed run recorded its Deployment in state");
  return resource.outputs.manifest;
}
