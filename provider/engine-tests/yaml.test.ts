// Pulumi YAML programs through the plugin provider, run with the CLI as a user runs them: the YAML
// language host (built by tools/setup-pulumi-yaml.sh, put on PATH by tools/test.sh) reads the
// schema from pulumi-resource-akash; no SDK is involved.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { openProject } from "./project";
import { referenceApi, type ReferenceApi } from "./reference-api";
import { pointAtInstalledPlugin, requireYamlHost } from "./yaml-host";

describe("Pulumi YAML", () => {
  let ref: ReferenceApi;
  before(async () => {
    await requireYamlHost();
    ref = await referenceApi();
  });
  after(() => ref?.close());

  const isActive = async (dseq: string) =>
    (await ref.client.listDeployments()).deployments.some((d) => d.deployment.id.dseq === dseq);

  test("yaml-nginx: up, quiet preview, deposit change in place, refresh after a close, destroy", async () => {
    const project = await openProject("examples/yaml-nginx", { url: ref.server.url, apiKey: ref.apiKey });
    try {
      pointAtInstalledPlugin(project.cwd);
      await project.must(["up", "--yes", "--skip-preview"]);
      const out = await project.outputs();
      const dseq = String(out.dseq);
      assert.ok(await isActive(dseq));
      assert.ok((out.uris as string[]).length > 0, "the service URIs are outputs");
      assert.equal(out.escrowUsd, "5");

      await project.must(["preview", "--expect-no-changes"]);

      await project.must(["config", "set", "deposit", "8"]);
      const raise = await project.must(["up", "--yes", "--skip-preview"]);
      assert.match(raise.stdout, /~ 1 updated/);
      assert.equal(String((await project.outputs()).dseq), dseq, "same deployment");

      await ref.client.closeDeployment(dseq);
      const refresh = await project.must(["refresh", "--yes", "--skip-preview"]);
      assert.match(refresh.stdout, /-\s+akash:index:Deployment\s+nginx\s+deleted/);

      await project.must(["up", "--yes", "--skip-preview"]);
      const again = String((await project.outputs()).dseq);
      assert.notEqual(again, dseq);
      await project.must(["destroy", "--yes", "--skip-preview"]);
      assert.ok(!(await isActive(again)), "destroy closed the deployment");
    } finally {
      project.cleanup();
    }
  });

  test("yaml-multi-service: two groups, two leases with their own bid policies", async () => {
    const project = await openProject("examples/yaml-multi-service", {
      url: ref.server.url,
      apiKey: ref.apiKey,
    });
    try {
      pointAtInstalledPlugin(project.cwd);
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
      assert.ok(!(await isActive(String(out.dseq))));
    } finally {
      project.cleanup();
    }
  });
});
