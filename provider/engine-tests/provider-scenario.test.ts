// The life of the nginx example, run with the pulumi CLI against the reference API, as issue 5
// describes it: up, a quiet preview, a deposit raise, an in-place image change, out-of-band close,
// refresh, re-create, escrow running dry, destroy with refund. And no API key in state.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { microToUsd } from "../../sdk";
import { referenceApi, type ReferenceApi } from "./reference-api";
import { openProject, type Project } from "./project";

describe("examples/nginx with the pulumi CLI against the reference API", () => {
  let ref: ReferenceApi;
  let project: Project;
  before(async () => {
    ref = await referenceApi({ bidDelayMs: 200, startDelayMs: 200 });
    project = await openProject("examples/nginx", { url: ref.server.url, apiKey: ref.apiKey });
  });
  after(async () => {
    project?.cleanup();
    await ref?.close();
  });

  const activeDeployments = async () => (await ref.client.listDeployments()).deployments;

  test("the full lifecycle", async () => {
    const creditBefore = (await ref.client.getBalances()).balance;

    // a first preview works although the Lease's dseq and manifest are not known yet (the stack,
    // its StackIdentity, the Deployment and the Lease)
    const preview = await project.must(["preview"]);
    assert.match(preview.stdout, /\+ 4 to create/, preview.stdout);

    // up: a deployment and a lease, the service URL as an output
    const up = await project.must(["up", "--yes", "--skip-preview"]);
    assert.match(up.stdout, /\+ 4 created/, up.stdout);
    assert.match(up.stdout, /bid\(s\), picked akash1\S+ at \S+ \S+\/block/, "progress names the chosen bid");
    let out = await project.outputs();
    const dseq = String(out.dseq);
    assert.match(String(out.url), /^http:\/\/\S+/);
    assert.equal((await activeDeployments()).length, 1);

    // the API key is nowhere in plain text in state, nor in the CLI output
    assert.ok(!project.stateText().includes(ref.apiKey), "API key found in state");
    assert.ok(!up.stdout.includes(ref.apiKey) && !up.stderr.includes(ref.apiKey), "API key found in output");

    // nothing to do on a second look, nor after a refresh of a healthy stack (escrow keeps moving)
    await project.must(["preview", "--expect-no-changes"]);
    ref.server.advanceBlocks(20);
    await project.must(["refresh", "--yes", "--expect-no-changes"]);

    // raise the deposit: an update, escrow grows by exactly the difference
    const depositedBefore = BigInt(await depositedMicro(dseq));
    await project.must(["config", "set", "deposit", "7.5"]);
    const raise = await project.must(["up", "--yes", "--skip-preview"]);
    assert.match(raise.stdout, /~ 1 updated/, raise.stdout);
    assert.equal(String((await project.outputs()).dseq), dseq, "same deployment");
    assert.equal(
      BigInt(await depositedMicro(dseq)) - depositedBefore,
      2_500_000n,
      "escrow grew by exactly $2.5",
    );

    // lowering it fails at preview with the reason
    await project.must(["config", "set", "deposit", "6"]);
    const lower = await project.run(["preview"]);
    assert.notEqual(lower.code, 0);
    assert.match(lower.stdout + lower.stderr, /deposit cannot go down from \$7\.5 to \$6/);
    await project.must(["config", "set", "deposit", "7.5"]);

    // change the image: in place, same dseq, the lease gets the new manifest; preview says so too
    await project.must(["config", "set", "image", "nginx:1.27.0"]);
    const imagePreview = await project.must(["preview"]);
    assert.doesNotMatch(imagePreview.stdout, /replace/, imagePreview.stdout);
    const hashBefore = (await ref.client.getDeployment(dseq)).deployment.hash;

    const image = await project.must(["up", "--yes", "--skip-preview"]);
    assert.doesNotMatch(image.stdout, /replaced/, image.stdout);
    out = await project.outputs();
    assert.equal(String(out.dseq), dseq);
    assert.notEqual((await ref.client.getDeployment(dseq)).deployment.hash, hashBefore);
    await project.must(["preview", "--expect-no-changes"]);

    // SDL changed elsewhere: refresh reports it, preview shows the change back, up restores ours
    const ours = (await ref.client.getDeployment(dseq)).deployment.hash;
    const elsewhere = readFileSync(path.join(project.cwd, "deploy.yaml"), "utf8").replace(
      "nginx:1.25.3",
      "httpd:2.4",
    );
    await ref.client.updateDeployment(dseq, elsewhere);
    const changed = await project.run(["refresh", "--yes", "--expect-no-changes"]);
    assert.notEqual(changed.code, 0, "refresh reports the SDL changed elsewhere");
    const back = await project.must(["preview", "--diff"]);
    assert.match(back.stdout, /~ pulumi-nodejs:dynamic\/akash:Deployment: \(update\)/, back.stdout);
    assert.doesNotMatch(back.stdout, /replace/, "put back in place, not replaced");
    await project.must(["up", "--yes", "--skip-preview"]);
    assert.equal((await ref.client.getDeployment(dseq)).deployment.hash, ours, "our SDL is back, in place");
    await project.must(["preview", "--expect-no-changes"]);

    // funding policy: quiet while funded, drift once the escrow falls below it, fixed by a top-up
    await project.must(["config", "set", "minEscrowUsd", "7"]);
    await project.must(["up", "--yes", "--skip-preview"]);
    await project.must(["refresh", "--yes", "--expect-no-changes"]);
    const funds = (await ref.client.getDeployment(dseq)).escrow_account.state.funds[0]!.amount;
    const price = Number((await ref.client.getDeployment(dseq)).leases[0]!.price.amount);
    ref.server.advanceBlocks(Math.ceil((Number(funds) - 6_900_000) / price));
    const low = await project.run(["refresh", "--yes", "--expect-no-changes"]);
    assert.notEqual(low.code, 0, "under-funded below the policy is drift");
    const warned = await project.must(["up", "--yes", "--skip-preview"]);
    assert.match(warned.stdout, /below minEscrowUsd; raise deposit by at least \$0\.1/, warned.stdout);
    await project.must(["config", "set", "deposit", "8.5"]);
    await project.must(["up", "--yes", "--skip-preview"]);
    await project.must(["refresh", "--yes", "--expect-no-changes"]);
    await project.must(["config", "rm", "minEscrowUsd"]);
    await project.must(["up", "--yes", "--skip-preview"]);

    // closed out of band: refresh notices, drops both, the next up re-creates them
    await ref.client.closeDeployment(dseq);
    const drift = await project.run(["refresh", "--yes", "--expect-no-changes"]);
    assert.notEqual(drift.code, 0, "refresh reports the closed deployment as a change");
    await project.must(["refresh", "--yes"]);
    const state = JSON.parse((await project.must(["stack", "export"])).stdout) as {
      deployment: { resources?: { type: string }[] };
    };
    assert.ok(
      !(state.deployment.resources ?? []).some((r) => /akash:(Deployment|Lease)/.test(r.type)),
      "dropped",
    );
    await project.must(["up", "--yes", "--skip-preview"]);
    const second = String((await project.outputs()).dseq);
    assert.notEqual(second, dseq);
    assert.deepEqual(
      (await activeDeployments()).map((d) => d.deployment.id.dseq),
      [second],
    );

    // the market closes it when escrow runs dry: refresh detects it
    const escrow = (await ref.client.getDeployment(second)).escrow_account.state;
    const rate = Number((await ref.client.getDeployment(second)).leases[0]!.price.amount);
    ref.server.advanceBlocks(Math.ceil(Number(escrow.funds[0]!.amount) / rate) + 10);
    assert.equal((await ref.client.getDeployment(second)).deployment.state, "closed");
    const dry = await project.run(["refresh", "--yes", "--expect-no-changes"]);
    assert.notEqual(dry.code, 0, "refresh detects the market close");
    await project.must(["refresh", "--yes"]);

    // up again, then destroy: nothing active, the rest refunded
    await project.must(["up", "--yes", "--skip-preview"]);
    const third = String((await project.outputs()).dseq);
    const beforeDestroy = (await ref.client.getBalances()).balance;
    const remaining = BigInt(
      (await ref.client.getDeployment(third)).escrow_account.state.funds[0]!.amount.split(".")[0]!,
    );
    const destroy = await project.must(["destroy", "--yes", "--skip-preview"]);
    assert.match(destroy.stdout, /- 4 deleted/, destroy.stdout);
    assert.deepEqual(await activeDeployments(), []);
    const afterDestroy = (await ref.client.getBalances()).balance;
    assert.ok(
      afterDestroy > beforeDestroy,
      `refund: ${microToUsd(String(beforeDestroy))} -> ${microToUsd(String(afterDestroy))}`,
    );
    assert.ok(
      afterDestroy - beforeDestroy >= Number(remaining) - rate * 20,
      "about the remaining escrow came back",
    );
    assert.ok(afterDestroy < creditBefore, "money was spent on the way");
  });

  async function depositedMicro(dseq: string): Promise<string> {
    const s = (await ref.client.getDeployment(dseq)).escrow_account.state;
    const whole = (coins: { amount: string }[]) =>
      coins.reduce((t, c) => t + BigInt(c.amount.split(".")[0]!), 0n);
    return String(whole(s.funds) + whole(s.transferred));
  }
});
