// The other example projects, run with the CLI as a user runs them: up, a quiet preview, destroy.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AkashClient } from "../../sdk";
import { openProject } from "./project";
import { referenceApi, type ReferenceApi } from "./reference-api";

describe("examples", () => {
  let ref: ReferenceApi;
  before(async () => {
    ref = await referenceApi();
  });
  after(() => ref.close());

  const api = () => ({ url: ref.server.url, apiKey: ref.apiKey });
  const active = async () =>
    (await ref.client.listDeployments()).deployments.map((d) => d.deployment.id.dseq);

  test("multi-service: two groups, two leases on one deployment", async () => {
    const project = await openProject("examples/multi-service", api());
    try {
      await project.must(["up", "--yes", "--skip-preview"]);
      const out = await project.outputs();
      assert.deepEqual(
        (out.groups as { name: string }[]).map((g) => g.name),
        ["east", "west"],
      );
      const deployment = await ref.client.getDeployment(String(out.dseq));
      assert.deepEqual(
        deployment.leases
          .filter((l) => l.state === "active")
          .map((l) => l.id.gseq)
          .sort(),
        [1, 2],
      );
      assert.ok((out.apiUris as string[]).length > 0);
      assert.ok(
        (out.cachePorts as { port: number }[]).some((p) => p.port === 6379),
        "redis port forwarded",
      );
      await project.must(["preview", "--expect-no-changes"]);
      await project.must(["destroy", "--yes", "--skip-preview"]);
      assert.ok(!(await active()).includes(String(out.dseq)));
    } finally {
      project.cleanup();
    }
  });

  test("fleet: N workloads from config, each with its URIs", async () => {
    const project = await openProject("examples/fleet", api(), { count: "3" });
    try {
      await project.must(["up", "--yes", "--skip-preview"]);
      const out = await project.outputs();
      const dseqs = out.dseqs as string[];
      assert.equal(new Set(dseqs).size, 3);
      assert.equal((out.uris as string[]).length, 3);
      // denying the provider of workload 0 replaces its deployment; the others stay
      const providers = out.providers as string[];
      await project.must(["config", "set", "--path", "deniedProviders[0]", providers[0]!]);
      const deny = await project.must(["up", "--yes", "--skip-preview"]);
      const after = await project.outputs();
      const moved = (after.dseqs as string[]).map((d, i) => d !== dseqs[i]);
      for (const [i, p] of (after.providers as string[]).entries())
        assert.notEqual(p, providers[0], `workload ${i}`);
      for (const [i, was] of providers.entries()) {
        assert.equal(
          moved[i],
          was === providers[0],
          `workload ${i} replaced only if it ran on the denied provider`,
        );
      }
      assert.match(deny.stdout, /replaced/);
      dseqs.push(...(after.dseqs as string[]));
      await project.must(["config", "set", "count", "2"]);
      const shrink = await project.must(["up", "--yes", "--skip-preview"]);
      assert.match(shrink.stdout, /- 3 deleted/, "one workload: the component, its deployment and its lease");
      assert.equal(((await project.outputs()).dseqs as string[]).length, 2);
      await project.must(["destroy", "--yes", "--skip-preview"]);
      for (const dseq of dseqs) assert.ok(!(await active()).includes(dseq));
    } finally {
      project.cleanup();
    }
  });

  test("api-keys: keys that work, secret in state, rename in place, revoked on destroy", async () => {
    const project = await openProject("examples/api-keys", api());
    try {
      await project.must(["up", "--yes", "--skip-preview"]);
      const plain = await project.outputs();
      assert.equal(plain.ciKey, "[secret]", "the key is a secret output");
      const shown = JSON.parse(
        (await project.must(["stack", "output", "--json", "--show-secrets"])).stdout,
      ) as {
        ciKey: string;
      };
      assert.ok(!project.stateText().includes(shown.ciKey), "the created key is encrypted in state");
      const asCi = new AkashClient({ apiKey: shown.ciKey, baseUrl: ref.server.url });
      assert.ok((await asCi.listApiKeys()).some((k) => k.name === "ci-pipeline"));

      await project.must(["config", "set", "ciName", "ci-renamed"]);
      const rename = await project.must(["up", "--yes", "--skip-preview"]);
      assert.match(rename.stdout, /~ 1 updated/);
      assert.ok(
        (await asCi.listApiKeys()).some((k) => k.name === "ci-renamed"),
        "same key, new name",
      );

      await project.must(["destroy", "--yes", "--skip-preview"]);
      await assert.rejects(asCi.listApiKeys(), (e: Error & { status?: number }) => e.status === 401);
    } finally {
      project.cleanup();
    }
  });
});
