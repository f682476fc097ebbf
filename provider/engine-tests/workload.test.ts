// The Workload component in every language: the Node class (dynamic resources) and the plugin's
// Construct (what a YAML, Python, Go or Java program gets) run one multi-service SDL
// (examples/multi-service's) and must give the same outputs and the same children; the plugin's
// children are its own akash:index:Deployment and Lease, so refresh and destroy treat them as a
// program that declared them.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { copyFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { AkashClient } from "../../sdk";
import { repoRoot } from "./harness";
import { openProject, type Project } from "./project";
import { referenceApi, type ReferenceApi } from "./reference-api";
import { pointAtInstalledPlugin, requireYamlHost } from "./yaml-host";

const SDL = path.join(repoRoot, "examples/multi-service/deploy.yaml");

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  parent?: string;
}

async function resources(project: Project): Promise<StateResource[]> {
  const exported = JSON.parse((await project.must(["stack", "export"])).stdout) as {
    deployment: { resources?: StateResource[] };
  };
  return exported.deployment.resources ?? [];
}

/** The Workload's children by name, with the type of resource each is and its parent's type. */
function children(list: StateResource[]) {
  const typeOf = (urn?: string) => list.find((r) => r.urn === urn)?.type;
  return list
    .filter((r) => typeOf(r.parent) === "akash:index:Workload")
    .map((r) => ({ name: r.urn.split("::").pop()!, type: r.type, id: r.id }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Every leaf replaced by its type: what two runs with other dseqs and providers must share. */
const shape = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(shape)
    : typeof value === "object" && value !== null
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]))
      : typeof value;

describe("Workload in every language", () => {
  let ref: ReferenceApi;
  before(async () => {
    await requireYamlHost();
    ref = await referenceApi();
  });
  after(() => ref?.close());

  const isActive = async (dseq: string) =>
    (await ref.client.listDeployments()).deployments.some((d) => d.deployment.id.dseq === dseq);
  const api = () => ({ url: ref.server.url, apiKey: ref.apiKey });

  test("one SDL as a Workload through the Node class and through the plugin (YAML): same outputs and children; refresh, destroy", async () => {
    const node = await openProject("provider/engine-tests/fixtures/workload-node", api());
    const yaml = await openProject("examples/yaml-workload", api());
    try {
      assert.equal(
        readFileSync(path.join(yaml.cwd, "deploy.yaml"), "utf8"),
        readFileSync(SDL, "utf8"),
        "examples/yaml-workload runs examples/multi-service's SDL",
      );
      copyFileSync(SDL, path.join(node.cwd, "deploy.yaml"));
      pointAtInstalledPlugin(yaml.cwd);

      // The plugin's Construct plans the children before anything exists (their dseq is unknown).
      const preview = await yaml.must(["preview"]);
      assert.match(preview.stdout, /\+\s+akash:index:Workload\s+app\s+create/);
      assert.match(preview.stdout, /\+\s+akash:index:Lease\s+app-west\s+create/);

      await node.must(["up", "--yes", "--skip-preview"]);
      await yaml.must(["up", "--yes", "--skip-preview"]);
      const [fromNode, fromYaml] = [await node.outputs(), await yaml.outputs()];

      assert.deepEqual(Object.keys(fromYaml).sort(), ["dseq", "services", "uris"]);
      assert.deepEqual(shape(fromYaml), shape(fromNode), "the same outputs, key for key");
      const rows = (out: Record<string, unknown>) =>
        (out.services as { group: string; name: string }[]).map((s) => `${s.group}/${s.name}`);
      assert.deepEqual(rows(fromYaml), ["east/api", "west/cache"]);
      assert.deepEqual(rows(fromYaml), rows(fromNode));
      const uris = fromYaml.uris as string[];
      assert.ok(uris.length > 0 && uris.length === (fromNode.uris as string[]).length);
      assert.deepEqual([...uris].sort(), uris, "uris sorted");

      // The same children: one Deployment named as the component, one Lease per group.
      const yamlState = await resources(yaml);
      const [nodeChildren, yamlChildren] = [children(await resources(node)), children(yamlState)];
      assert.deepEqual(
        yamlState.filter((r) => r.type === "pulumi:providers:akash").map((r) => r.urn.split("::").pop()),
        ["default"],
        "the children use the provider that constructed the Workload, not a second one",
      );
      assert.deepEqual(
        yamlChildren.map((c) => `${c.type} ${c.name}`),
        ["akash:index:Deployment app", "akash:index:Lease app-east", "akash:index:Lease app-west"],
      );
      assert.deepEqual(
        nodeChildren.map((c) => c.name),
        yamlChildren.map((c) => c.name),
      );
      const dseq = String(fromYaml.dseq);
      assert.equal(yamlChildren[0]!.id, dseq, "the Deployment's id is the Workload's dseq");
      const leases = (await ref.client.getDeployment(dseq)).leases.filter((l) => l.state === "active");
      assert.deepEqual(leases.map((l) => l.id.gseq).sort(), [1, 2], "a lease per group");

      await yaml.must(["preview", "--expect-no-changes"]);
      await yaml.must(["refresh", "--yes", "--expect-no-changes"]);

      // Closed outside Pulumi: refresh drops the Workload's Deployment as it drops a declared one.
      await ref.client.closeDeployment(dseq);
      const refresh = await yaml.must(["refresh", "--yes", "--skip-preview"]);
      assert.match(refresh.stdout, /-\s+akash:index:Deployment\s+app\s+deleted/);
      await yaml.must(["up", "--yes", "--skip-preview"]);
      const again = String((await yaml.outputs()).dseq);
      assert.notEqual(again, dseq, "up made the deployment anew");
      assert.ok(await isActive(again));

      await yaml.must(["destroy", "--yes", "--skip-preview"]);
      await node.must(["destroy", "--yes", "--skip-preview"]);
      assert.ok(!(await isActive(again)), "destroy closed the plugin's deployment");
      assert.ok(!(await isActive(String(fromNode.dseq))), "destroy closed the Node class's deployment");
      assert.deepEqual(await resources(yaml), [], "nothing left in the YAML stack's state");
    } finally {
      node.cleanup();
      yaml.cleanup();
    }
  });

  test("a Workload given an explicit provider makes its children with that provider (another account)", async () => {
    const second = await ref.server.createUser(`second-${randomBytes(4).toString("hex")}@example.test`, 100);
    const secondClient = new AkashClient({ apiKey: second.apiKey, baseUrl: ref.server.url });
    const project = await openProject("provider/engine-tests/fixtures/workload-yaml-provider", api(), {
      secondBaseUrl: ref.server.url,
    });
    try {
      await project.must(["config", "set", "--secret", "secondApiKey", second.apiKey]);
      await project.must(["up", "--yes", "--skip-preview"]);
      const dseq = String((await project.outputs()).dseq);
      const owned = async (client: AkashClient) =>
        (await client.listDeployments()).deployments.some((d) => d.deployment.id.dseq === dseq);
      assert.ok(await owned(secondClient), "the second account owns the Workload's deployment");
      assert.ok(!(await owned(ref.client)), "the stack's default account does not");
      const state = await resources(project);
      const providerOf = (name: string) =>
        (
          state.find((r) => r.type !== "akash:index:Workload" && r.urn.endsWith(`::${name}`)) as
            { provider?: string } | undefined
        )?.provider ?? "";
      for (const child of ["app", "app-east", "app-west"]) {
        assert.match(
          providerOf(child),
          /::pulumi:providers:akash::second::/,
          `${child} uses the explicit provider`,
        );
      }
      await project.must(["preview", "--expect-no-changes"]);
      await project.must(["destroy", "--yes", "--skip-preview"]);
      assert.ok(!(await owned(secondClient)), "destroy closed it with the second account");
    } finally {
      project.cleanup();
    }
  });
});
