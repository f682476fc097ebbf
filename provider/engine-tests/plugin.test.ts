// The plugin provider (pulumi-resource-akash) through the real engine, as a program in any language
// uses it: resources by type token, the plugin found through Pulumi.yaml's `plugins.providers`
// (the npm package's bin), configuration from stack config and from explicit provider resources.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { AkashClient } from "../../sdk";
import { openProject, type Project } from "./project";
import { referenceApi, type ReferenceApi } from "./reference-api";

const FIXTURE = "provider/engine-tests/fixtures/plugin-node";

describe("plugin provider", () => {
  let ref: ReferenceApi;
  before(async () => {
    ref = await referenceApi();
  });
  after(() => ref.close());

  const api = () => ({ url: ref.server.url, apiKey: ref.apiKey });
  const isActive = async (client: AkashClient, dseq: string) =>
    (await client.listDeployments()).deployments.some((d) => d.deployment.id.dseq === dseq);

  async function depositedMicro(dseq: string): Promise<bigint> {
    const s = (await ref.client.getDeployment(dseq)).escrow_account.state;
    const whole = (coins: { amount: string }[]) =>
      coins.reduce((t, c) => t + BigInt(c.amount.split(".")[0]!), 0n);
    return whole(s.funds) + whole(s.transferred);
  }

  test("preview with unknown inputs, up, quiet preview, detailed diffs, refresh after a close, destroy", async () => {
    const project = await openProject(FIXTURE, api());
    try {
      // The Lease's dseq and manifest are unknown until the Deployment exists: the preview still plans it.
      const preview = await project.must(["preview"]);
      assert.match(preview.stdout, /\+ 4 to create/);
      assert.match(
        preview.stdout,
        /akash: this run uses the API at http:\/\/127\.0\.0\.1:\d+ \(from akash:baseUrl\), with the API key from akash:apiKey \(stack config; refresh and destroy use the one recorded at the last up\)\./,
      );

      await project.must(["up", "--yes", "--skip-preview"]);
      const out = await project.outputs();
      const dseq = String(out.dseq);
      assert.ok(await isActive(ref.client, dseq), "the deployment is active on the API");
      assert.ok((out.uris as string[]).length > 0, "the lease's service URIs are outputs");
      assert.match(String(out.keyFormat), /\*\*\*/);
      // The ApiKey's key is a secret output; neither it nor the provider's key is readable in state.
      const shown = (await project.must(["stack", "output", "key"])).stdout;
      assert.match(shown, /\[secret\]/);
      const key = JSON.parse(
        (await project.must(["stack", "output", "key", "--show-secrets", "--json"])).stdout,
      );
      assert.ok(!project.stateText().includes(key), "the new key is encrypted in state");
      assert.ok(!project.stateText().includes(ref.apiKey), "the provider's key is encrypted in state");

      await project.must(["preview", "--expect-no-changes"]);
      ref.server.advanceBlocks(20);
      await project.must(["refresh", "--yes", "--expect-no-changes"]);

      // A deposit change is an in-place update of that one property.
      await project.must(["config", "set", "deposit", "7"]);
      const topUp = await project.must(["preview", "--diff"]);
      assert.match(topUp.stdout, /~ akash:index:Deployment: \(update\)/);
      assert.match(topUp.stdout, /~ deposit\s*: 5 => 7/);
      assert.doesNotMatch(topUp.stdout, /- name\s*:/, "the name the API gave it is no change");
      const before = await depositedMicro(dseq);
      await project.must(["up", "--yes", "--skip-preview"]);
      assert.equal((await depositedMicro(dseq)) - before, 2_000_000n, "escrow grew by exactly $2");
      assert.equal((await project.outputs()).dseq, dseq, "same deployment");

      // More CPU cannot change in place: the preview says the deployment is replaced because of sdl.
      await project.must(["config", "set", "cpu", "1"]);
      const bigger = await project.must(["preview", "--diff"]);
      assert.match(bigger.stdout, /\+-akash:index:Deployment: \(replace\)/);
      assert.match(bigger.stdout, /~ sdl\s*:/);
      await project.must(["config", "rm", "cpu"]);

      // Closed outside Pulumi: refresh drops it, up makes a new one.
      await ref.client.closeDeployment(dseq);
      const refresh = await project.must(["refresh", "--yes", "--skip-preview"]);
      assert.match(refresh.stdout, /-\s+akash:index:Deployment\s+web\s+deleted/);
      await project.must(["up", "--yes", "--skip-preview"]);
      const again = String((await project.outputs()).dseq);
      assert.notEqual(again, dseq);

      await project.must(["destroy", "--yes", "--skip-preview"]);
      assert.ok(!(await isActive(ref.client, again)), "destroy closed the deployment");
    } finally {
      project.cleanup();
    }
  });

  test("two explicit providers with two API keys in one program", async () => {
    const second = await ref.server.createUser(`second-${randomBytes(4).toString("hex")}@example.test`, 100);
    const secondClient = new AkashClient({ apiKey: second.apiKey, baseUrl: ref.server.url });
    let project: Project | undefined;
    try {
      project = await openProject(FIXTURE, api(), { secondBaseUrl: ref.server.url });
      await project.must(["config", "set", "--secret", "secondApiKey", second.apiKey]);
      await project.must(["up", "--yes", "--skip-preview"]);
      const out = await project.outputs();
      const [first, other] = [String(out.dseq), String(out.secondDseq)];
      assert.ok(await isActive(ref.client, first), "the default provider used the stack's key");
      assert.ok(!(await isActive(ref.client, other)), "the first user does not own the second's deployment");
      assert.ok(await isActive(secondClient, other), "the explicit provider used its own key");
      assert.ok(!project.stateText().includes(second.apiKey), "the second key is encrypted in state");
      await project.must(["preview", "--expect-no-changes"]);
      await project.must(["destroy", "--yes", "--skip-preview"]);
      assert.ok(!(await isActive(secondClient, other)));
    } finally {
      project?.cleanup();
    }
  });

  test("one program gives the same outputs through either adapter", async () => {
    const outputs: Record<string, unknown>[] = [];
    for (const adapter of ["dynamic", "plugin"]) {
      const project = await openProject("provider/engine-tests/fixtures/both-adapters", api(), { adapter });
      try {
        await project.must(["up", "--yes", "--skip-preview"]);
        outputs.push(await project.outputs());
        await project.must(["destroy", "--yes", "--skip-preview"]);
      } finally {
        project.cleanup();
      }
    }
    assert.deepEqual(outputs[1], outputs[0]);
    assert.equal((outputs[0]!.leases as unknown[]).length, 2);
  });
});
