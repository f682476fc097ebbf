// Lease handlers against the reference API on loopback.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { waitForBids } from "../../sdk";
import { referenceApi, type ReferenceApi } from "../engine-tests/reference-api";
import { parse as parseYaml } from "yaml";
import { deploymentHandlers } from "./deployment";
import { nginxSdl, twoGroupSdl } from "../engine-tests/sdl-fixtures";
import { DEFAULT_FLEET_PATH } from "../../server/market/fleet";
import { DEFAULT_AUDITOR, nginxSdl as scaledSdl } from "../../server/market/testing/sdl-fixtures";
import { UNKNOWN } from "../engine-values";
import { PartialCreateError } from "./handler";
import { DEFAULT_CHEAPEST_WINDOW_SECONDS, leaseHandlers as h, leaseTiming, type LeaseOutputs } from "./lease";

// Every provider of the test server bids 150 ms after the order: no window is needed to see them
// all, so tests not about the window set it to 0 (the default's own test is below).
const noWindow = { bidWindowSeconds: 0 };

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
    const inputs = { dseq: dep.dseq, manifest: dep.manifest, selection: noWindow };
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
      selection: { deniedProviders: [first!], ...noWindow },
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
      /no acceptable bid within 1 s \(\d+ bid\(s\): akash1\S+ at [\d.]+ uact\/block \(above maxPrice/,
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
      h.create(ref.context(), { dseq: dep.dseq, manifest: dep.manifest, gseq: 1, selection: noWindow }),
      h.create(ref.context(), { dseq: dep.dseq, manifest: dep.manifest, gseq: 2, selection: noWindow }),
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
      selection: { bidTimeoutSeconds: 2, ...noWindow },
    });
    assert.equal(outs.gseq, 2);
    assert.ok(Date.now() - started >= 1500, "it waited for group 1's lease");
    assert.ok(
      ref.logs.some((l) => l.includes(`deployment ${dep.dseq} group 2: waiting up to 2 s for group 1 "`)),
    );
    assert.ok(
      ref.logs.some((l) =>
        /^warn: deployment \d+: group 1 "\w+" got no lease .* replace the deployment/.test(l),
      ),
      "going alone says which group is left unleased",
    );
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

  test("check: beside provider, selection may set bidTimeoutSeconds and nothing else", async () => {
    const base = { dseq: "5", manifest: "[]", provider: `akash1${"q".repeat(38)}` };
    assert.deepEqual(
      (await h.check(undefined, { ...base, selection: { bidTimeoutSeconds: 600 } })).failures,
      [],
    );
    const { failures } = await h.check(undefined, {
      ...base,
      selection: { bidTimeoutSeconds: 600, strategy: "first", maxPrice: 3 },
    });
    assert.equal(failures.length, 1);
    assert.match(
      failures[0]!.reason,
      /selection may only hold bidTimeoutSeconds .*selection\.strategy, selection\.maxPrice would be ignored/,
    );
  });

  test("services not ready in time: the lease is kept and the error counts each service's ready and wanted replicas", async () => {
    const unready = await referenceApi({ faults: { providersUnready: true } });
    try {
      const { outs: dep } = await deploymentHandlers.create(unready.context(), {
        sdl: scaledSdl({ count: 2 }),
        deposit: 5,
        creationKey: `lease-test/${Math.random()}`,
      });
      const inputs = {
        dseq: dep.dseq,
        manifest: dep.manifest,
        selection: noWindow,
        serviceTimeoutSeconds: 1,
      };
      const err = await h.create(unready.context(), inputs).then(
        () => assert.fail("the services of an unready provider counted as ready"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof PartialCreateError, String(err));
      assert.match(err.message, /services not ready after 1 s \(web 0\/2\)\. The lease is kept/);
      assert.equal(err.id.split("/")[0], dep.dseq);
    } finally {
      await unready.close();
    }
  });
});

describe("Lease waits", () => {
  const fra1 = "akash1zzfu2cmhn879jwxu2mhse0vqlzraa4a0adph0e";
  const sjc1 = "akash1wl3hyke8jh6pk5nxx3mak0d90zyg6szlrt70fs";
  let ref: ReferenceApi;
  let progressEveryMs: number;
  before(async () => {
    progressEveryMs = leaseTiming.progressEveryMs;
    // The bundled fleet, its bids spread out: fra1 (price factor 1) first, sjc1 (0.8) 2.7 s later,
    // sto1 (0.6, audited here) only after the window, and sjc1 offline in the pinned-provider test.
    const fleet = parseYaml(readFileSync(DEFAULT_FLEET_PATH, "utf8")) as {
      providers: { name: string; bidDelayMs: number; auditors: string[] }[];
    };
    const delays: Record<string, number> = { fra1: 300, nyc1: 600, sgp1: 1000, sjc1: 3000, sto1: 14_000 };
    for (const p of fleet.providers) p.bidDelayMs = delays[p.name]!;
    fleet.providers.find((p) => p.name === "sto1")!.auditors = [DEFAULT_AUDITOR];
    ref = await referenceApi({ bidDelayMs: undefined, fleet });
  });
  after(async () => {
    leaseTiming.progressEveryMs = progressEveryMs;
    await ref.close();
  });

  const deploy = async () =>
    (
      await deploymentHandlers.create(ref.context(), {
        sdl: nginxSdl(),
        deposit: 5,
        creationKey: `w/${Math.random()}`,
      })
    ).outs;

  test("cheapest by default waits its window after the first bid and takes the cheapest bid that came within it", async () => {
    const dep = await deploy();
    const created = Number(dep.dseq); // dseq is the creation time in ms
    const { outs } = await h.create(ref.context(), { dseq: dep.dseq, manifest: dep.manifest });
    const tookS = (Date.now() - created) / 1000;
    assert.equal(outs.provider, sjc1, "the cheapest bid within the window, not the first (fra1)");
    const fra1Bid = (await ref.client.listBids(dep.dseq)).find((b) => b.bid.id.provider === fra1);
    assert.ok(Number(outs.price) < Number(fra1Bid!.bid.price.amount), "cheaper than the first bid");
    assert.ok(
      tookS >= 0.3 + DEFAULT_CHEAPEST_WINDOW_SECONDS,
      `waited the window after fra1's bid (${tookS} s)`,
    );
    assert.ok(
      tookS < 14,
      `picked when the window closed, without waiting for sto1's cheaper bid (${tookS} s)`,
    );
    assert.ok(
      ref.logs.some((l) =>
        l.includes(
          `deployment ${dep.dseq} group 1: first acceptable bid seen, collecting bids for ${DEFAULT_CHEAPEST_WINDOW_SECONDS} s (selection.bidWindowSeconds, the default for cheapest)`,
        ),
      ),
    );
    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
  });

  test("a pinned provider that never bids: a progress line at a steady pace, then advice check accepts", async () => {
    leaseTiming.progressEveryMs = 500;
    await ref.close();
    ref = await referenceApi({ faults: { providersOffline: [sjc1] } });
    const dep = await deploy();
    const inputs = {
      dseq: dep.dseq,
      manifest: dep.manifest,
      provider: sjc1,
      selection: { bidTimeoutSeconds: 2 },
    };
    assert.deepEqual((await h.check(undefined, inputs)).failures, []);
    const err = await h.create(ref.context(), inputs).then(
      () => assert.fail("leased a provider that never bids"),
      (e: Error) => e,
    );
    const progress = ref.logs.filter((l) => l.includes(`group 1: waiting for a bid from ${sjc1}`));
    assert.equal(progress.length, 3, progress.join("\n"));
    assert.match(
      progress[0]!,
      /\d s gone, \d s left \(selection\.bidTimeoutSeconds 2\); \d bid\(s\): akash1\S+ at [\d.]+ uact\/block \(not the requested provider\)/,
    );
    assert.match(
      err.message,
      /no bid from akash1\S+ within 2 s .* set selection\.bidTimeoutSeconds \(allowed beside provider\); .* remove provider/,
    );
    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
  });

  test("leasing a deployment that was closed or that the API does not know advises `pulumi up --refresh`", async () => {
    const dep = await deploy();
    await ref.client.closeDeployment(dep.dseq);
    for (const dseq of [dep.dseq, "999999999"]) {
      await assert.rejects(
        h.create(ref.context(), { dseq, manifest: dep.manifest, selection: noWindow }),
        (err: Error) => {
          assert.match(err.message, dseq === dep.dseq ? /is closed/ : /does not exist on the API/);
          assert.match(err.message, /Run `pulumi up --refresh`/);
          assert.doesNotMatch(err.message, /after `pulumi up` re-creates it/);
          return true;
        },
      );
    }
  });
});
