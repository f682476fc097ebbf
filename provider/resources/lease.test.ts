// Lease handlers against the reference API on loopback.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { waitForBids } from "../../sdk";
import { referenceApi, type ReferenceApi } from "../engine-tests/reference-api";
import { deploymentHandlers } from "./deployment";
import { nginxSdl, twoGroupSdl } from "../engine-tests/sdl-fixtures";
import { UNKNOWN } from "./handler";
import { leaseHandlers as h, leaseTiming, type LeaseOutputs } from "./lease";

describe("Lease handlers", () => {
  let ref: ReferenceApi;
  before(async () => {
    leaseTiming.firstPollMs = 20;
    leaseTiming.serviceFirstPollMs = 20;
    ref = await referenceApi();
  });
  after(() => ref.close());

  const deploy = async (sdl = nginxSdl()) =>
    (
      await deploymentHandlers.create(ref.context(), {
        sdl,
        deposit: 5,
        creationKey: `lease-test/${Math.random()}`,
      })
    ).outs;

  test("picks the cheapest bid, logs the choice, waits for the services and outputs them sorted", async () => {
    const dep = await deploy();
    const inputs = { dseq: dep.dseq, manifest: dep.manifest };
    const { id, outs } = await h.create(ref.context(), inputs);
    assert.equal(id, `${dep.dseq}/1/1/${outs.provider}`);
    assert.equal(outs.state, "active");
    const bids = await ref.client.listBids(dep.dseq);
    const prices = bids.filter((b) => b.bid.id.gseq === 1).map((b) => Number(b.bid.price.amount));
    assert.equal(Number(outs.price), Math.min(...prices.filter((p) => p > 0)), "the cheapest bid won");
    assert.ok(
      ref.logs.some((l) => /\d+ bid\(s\), picked akash1\S+ at [\d.]+ \S+\/block/.test(l)),
      `a progress line names the pick: ${ref.logs.join(" | ")}`,
    );
    assert.equal(outs.services[0]?.name, "web");
    assert.ok(outs.services[0]!.uris.length > 0, "the service has a URI");
    assert.ok(outs.services[0]!.readyReplicas >= 1);

    const read = await h.read(ref.context(), id, outs);
    assert.equal(read.props?.provider, outs.provider);
    assert.deepEqual(await h.diff(id, read.props as LeaseOutputs, inputs), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });

    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
    assert.deepEqual(await h.read(ref.context(), id, outs), {}, "a lease of a closed deployment is gone");
  });

  test("policy: denied providers and an explicit provider; a change the lease no longer satisfies replaces", async () => {
    const dep = await deploy();
    const bids = await waitForBids(ref.client, dep.dseq, { minBids: 2, timeoutMs: 10_000 });
    const [first, second] = bids.map((b) => b.bid.id.provider);
    const { outs } = await h.create(ref.context(), {
      dseq: dep.dseq,
      manifest: dep.manifest,
      selection: { deniedProviders: [first!] },
    });
    assert.notEqual(outs.provider, first);
    const inputs = {
      dseq: dep.dseq,
      manifest: dep.manifest,
      selection: { deniedProviders: [outs.provider] },
    };
    assert.deepEqual((await h.diff("x", outs, inputs)).replaces, ["selection"]);
    const pinned = await h.diff("x", outs, { dseq: dep.dseq, manifest: dep.manifest, provider: second! });
    assert.deepEqual(pinned.replaces, outs.provider === second ? [] : ["provider"]);
    await assert.rejects(
      h.create(ref.context(), inputs),
      /already has an active lease .* cannot close a single lease/,
      "the API cannot move a lease: the error says to replace the deployment",
    );
    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
  });

  test("no acceptable bid within the timeout: the error lists each bid's reason", async () => {
    const dep = await deploy();
    await assert.rejects(
      h.create(ref.context(), {
        dseq: dep.dseq,
        manifest: dep.manifest,
        selection: { maxPrice: 0.000001, bidTimeoutSeconds: 1 },
      }),
      /no acceptable bid within 1 s \(\d+ bid\(s\): akash1\S+ \(price .* is above maxPrice/,
    );
    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
  });

  test("an order leased elsewhere while it waits for bids (a killed run's request landing) is adopted at once", async () => {
    const dep = await deploy();
    const ctx = ref.context();
    // A long bid window holds create in its bid wait, so the lease below lands mid-wait.
    const creating = h.create(ctx, {
      dseq: dep.dseq,
      manifest: dep.manifest,
      selection: { bidWindowSeconds: 60, bidTimeoutSeconds: 120 },
    });
    while (!ref.logs.some((l) => l.includes(`deployment ${dep.dseq} group 1: first acceptable bid seen`))) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const [open] = (await ref.client.listBids(dep.dseq)).filter((b) => b.bid.state === "open");
    await ref.client.createLease({
      manifest: dep.manifest,
      leases: [{ dseq: dep.dseq, gseq: 1, oseq: 1, provider: open!.bid.id.provider }],
    });
    const started = Date.now();
    const { id, outs } = await creating;
    assert.ok(Date.now() - started < 10_000, "adopted without waiting out the bid window");
    assert.equal(id, `${dep.dseq}/1/1/${open!.bid.id.provider}`);
    assert.equal(outs.state, "active");
    assert.ok(ref.logs.some((l) => l.includes(`deployment ${dep.dseq} group 1: adopting the active lease`)));
    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
  });

  test("two groups, two leases; re-creating adopts the active lease instead of failing", async () => {
    const dep = await deploy(twoGroupSdl());
    // Created concurrently, as the engine does: the API needs both groups in one lease request.
    const [a, b] = await Promise.all([
      h.create(ref.context(), { dseq: dep.dseq, manifest: dep.manifest, gseq: 1 }),
      h.create(ref.context(), { dseq: dep.dseq, manifest: dep.manifest, gseq: 2 }),
    ]);
    assert.notEqual(a.outs.provider, undefined);
    assert.deepEqual(
      [a.outs.services.map((s) => s.name), b.outs.services.map((s) => s.name)],
      [["api"], ["cache"]],
    );
    const again = await h.create(ref.context(), { dseq: dep.dseq, manifest: dep.manifest, gseq: 1 });
    assert.equal(again.id, a.id);
    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
  });

  test("a lone group of a two-group deployment waits for its partner until its bid timeout, then goes alone", async () => {
    const dep = await deploy(twoGroupSdl());
    const started = Date.now();
    const { outs } = await h.create(ref.context(), {
      dseq: dep.dseq,
      manifest: dep.manifest,
      gseq: 2,
      selection: { bidTimeoutSeconds: 2 },
    });
    assert.equal(outs.gseq, 2);
    assert.ok(Date.now() - started >= 1500, "it waited for group 1's lease");
    assert.ok(ref.logs.some((l) => l.includes("waiting for the other 1 group(s)")));
    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
  });

  test("check names bad inputs", async () => {
    const r = await h.check(undefined, {
      dseq: "abc",
      manifest: "nope",
      provider: "cosmos1xyz",
      gseq: 0,
      selection: { strategy: "random" as "first" },
    });
    assert.deepEqual(r.failures.map((f) => f.property).sort(), [
      "dseq",
      "gseq",
      "manifest",
      "provider",
      "selection",
      "selection.strategy",
    ]);
    const preview = await h.check(undefined, { dseq: UNKNOWN, manifest: UNKNOWN });
    const olds = {
      dseq: "5",
      manifest: "[]",
      gseq: 1,
      oseq: 1,
      provider: "akash1x",
      price: "1",
      denom: "uact",
    };
    assert.deepEqual(await h.diff("x", olds as LeaseOutputs, { dseq: UNKNOWN, manifest: UNKNOWN }), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.deepEqual(preview.failures, [], "values not known during preview are not judged");
  });
});
