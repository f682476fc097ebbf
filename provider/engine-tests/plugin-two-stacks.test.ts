// Issue 11 case 4 through the plugin provider: two checkouts of one Pulumi YAML program (same
// project, stack `dev`, resource names, SDL and deposit), each with its own file:// backend and the
// same API key, never share a deployment. Each stack's creation keys come from a random scope its
// akash provider keeps in the stack's own state; a re-run reuses it, after a killed `up` too.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { startUp } from "./background-run";
import { killProcessTree } from "./harness";
import { apiHoldingCreates, HOLD_MS, waitUntil } from "./holding-proxy";
import { openProject, type Project } from "./project";
import { referenceApi, type ReferenceApi } from "./reference-api";
import { activeDseqs, dseqsInState } from "./stack-checks";
import { pointAtInstalledPlugin, requireYamlHost } from "./yaml-host";

interface StateResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}
interface Exported {
  deployment: { resources?: StateResource[] };
}

const exportState = async (project: Project) =>
  JSON.parse((await project.must(["stack", "export"])).stdout) as Exported;

const providerOf = (state: Exported) =>
  state.deployment.resources!.find((r) => r.type === "pulumi:providers:akash")!;
const deploymentOf = (state: Exported) =>
  state.deployment.resources!.find((r) => r.type === "akash:index:Deployment")!;

/** The scope the stack's akash provider keeps in state. */
const stackScope = async (project: Project) => providerOf(await exportState(project)).inputs?.stackScope;

async function yamlNginx(api: { url: string; apiKey: string }): Promise<Project> {
  const project = await openProject("examples/yaml-nginx", api);
  pointAtInstalledPlugin(project.cwd);
  return project;
}

describe("plugin provider: two stacks with the same project, stack and names", () => {
  let ref: ReferenceApi;
  before(async () => {
    await requireYamlHost();
    ref = await referenceApi();
  });
  after(() => ref?.close());

  test("never share a deployment; a re-run keeps the stack's scope and makes nothing", async () => {
    const api = { url: ref.server.url, apiKey: ref.apiKey };
    const a = await yamlNginx(api);
    const b = await yamlNginx(api);
    try {
      await a.must(["up", "--yes", "--skip-preview"]);
      const inA = await dseqsInState(a);
      const scopeA = await stackScope(a);
      assert.match(String(scopeA), /^stack-[0-9a-f]{32}$/, "the provider's scope is in the stack's state");
      const again = await a.must(["up", "--yes", "--skip-preview"]);
      assert.doesNotMatch(again.stdout, /created/, "the re-run creates nothing");
      assert.equal(await stackScope(a), scopeA, "the re-run kept the scope");
      assert.deepEqual(await dseqsInState(a), inA);
      assert.deepEqual(await activeDseqs(ref.client), inA);

      await b.must(["up", "--yes", "--skip-preview"]);
      const inB = await dseqsInState(b);
      assert.equal(inA.length, 1);
      assert.equal(inB.length, 1);
      assert.notDeepEqual(inB, inA, "each stack has its own deployment");
      assert.notEqual(await stackScope(b), scopeA, "each stack has its own scope");
      assert.deepEqual(await activeDseqs(ref.client), [...inA, ...inB].sort());

      await b.must(["destroy", "--yes", "--skip-preview"]);
      assert.deepEqual(await activeDseqs(ref.client), inA, "destroying one stack left the other's running");
      await a.must(["destroy", "--yes", "--skip-preview"]);
      assert.deepEqual(await activeDseqs(ref.client), []);
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });

  test("state from before stack scopes: the next up records one, changes nothing, replaces the name-derived key", async () => {
    const project = await yamlNginx({ url: ref.server.url, apiKey: ref.apiKey });
    try {
      await project.must(["up", "--yes", "--skip-preview"]);
      const inState = await dseqsInState(project);
      // What an earlier plugin version wrote: no scope in the provider, a key named after project and stack.
      const state = await exportState(project);
      const provider = providerOf(state);
      delete provider.inputs!.stackScope;
      delete provider.outputs!.stackScope;
      const named = "plugin-0123456789abcdef01234567/nginx";
      deploymentOf(state).inputs!.creationKey = named;
      deploymentOf(state).outputs!.creationKey = named;
      const file = path.join(project.sandbox.dir, "earlier.json");
      writeFileSync(file, JSON.stringify(state));
      await project.must(["stack", "import", "--file", file]);

      // The default provider's one-time update that records the scope is not a change to show.
      await project.must(["preview", "--expect-no-changes"]);
      await project.must(["up", "--yes", "--skip-preview", "--expect-no-changes"]);
      const upgraded = await exportState(project);
      const scope = providerOf(upgraded).inputs?.stackScope;
      assert.match(String(scope), /^stack-[0-9a-f]{32}$/, "the up recorded a scope");
      assert.equal(deploymentOf(upgraded).inputs?.creationKey, `${String(scope)}/nginx`);
      assert.deepEqual(await dseqsInState(project), inState, "the same deployment");
      assert.deepEqual(await activeDseqs(ref.client), inState, "nothing else made");
      await project.must(["destroy", "--yes", "--skip-preview"]);
      assert.deepEqual(await activeDseqs(ref.client), []);
    } finally {
      project.cleanup();
    }
  });
});

describe("plugin provider: a stack's first up killed once the server created its deployment", () => {
  before(requireYamlHost);

  test("the re-run reuses the scope recorded before the kill and adopts that deployment", async () => {
    const api = await apiHoldingCreates();
    const project = await yamlNginx({ url: api.url, apiKey: api.ref.apiKey });
    try {
      api.hold.holding = true;
      const killed = startUp(project);
      await waitUntil(
        "the server created the deployment",
        async () => (await activeDseqs(api.ref.client)).length === 1,
        4 * HOLD_MS,
        killed.output,
      );
      const [made] = await activeDseqs(api.ref.client);
      killProcessTree(killed.pid);
      await killed.exited;
      api.hold.holding = false;
      assert.ok(await stackScope(project), "the provider and its scope were checkpointed before the kill");

      await project.must(["cancel", "--yes"]);
      await project.must(["up", "--yes", "--skip-preview"]);
      assert.deepEqual(await activeDseqs(api.ref.client), [made], "no second deployment");
      assert.deepEqual(await dseqsInState(project), [made], "the killed run's deployment is adopted");
      await project.must(["destroy", "--yes", "--skip-preview"]);
      assert.deepEqual(await activeDseqs(api.ref.client), []);
    } finally {
      project.cleanup();
      await api.close();
    }
  });
});
