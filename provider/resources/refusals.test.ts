// The handlers against the reference API's live refusals and faults (console-api-2026-12.md,
// "Refusals the API now gives"), on loopback: one test per refusal the provider must handle.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { loadFleet } from "../../server/market";
import { nginxSdl as scaledSdl } from "../../server/market/testing/sdl-fixtures";
import { referenceApi, type ReferenceApi } from "../engine-tests/reference-api";
import { nginxSdl } from "../engine-tests/sdl-fixtures";
import { deploymentHandlers } from "./deployment";
import { leaseHandlers, leaseTiming } from "./lease";

const address = (name: string) => {
  const provider = loadFleet().providers.find((p) => p.name === name);
  assert.ok(provider, `${name} is in the bundled fleet`);
  return provider.address;
};

const deploy = async (ref: ReferenceApi, sdl = nginxSdl(), deposit = 5) =>
  deploymentHandlers.create(ref.context(), { sdl, deposit, creationKey: `refusals/${Math.random()}` });

before(() => {
  leaseTiming.firstPollMs = 20;
  leaseTiming.serviceFirstPollMs = 20;
});

describe("a change PATCH cannot make is a replacement at preview (never sent: the API would answer 422)", () => {
  let ref: ReferenceApi;
  before(async () => (ref = await referenceApi({ refusals: { codes: true } })));
  after(() => ref.close());

  test("endpoint kind (as: 80 -> 8080), replicas and placement replace; an image change patches in place", async () => {
    const { id, outs } = await deploy(ref);
    const inputs = { sdl: nginxSdl(), deposit: 5, creationKey: outs.creationKey };
    const changes = {
      "an endpoint kind": nginxSdl().replace("- port: 80\n", "- port: 80\n        as: 8080\n"),
      replicas: scaledSdl({ count: 2 }),
      placement: nginxSdl().replace("pricing:", "attributes:\n        region: eu-central\n      pricing:"),
    };
    for (const [what, sdl] of Object.entries(changes)) {
      assert.notEqual(sdl, nginxSdl(), `${what}: the SDL differs`);
      assert.deepEqual(
        await deploymentHandlers.diff(id, outs, { ...inputs, sdl }),
        { changes: true, replaces: ["sdl"] },
        `${what} replaces`,
      );
    }
    const image = { ...inputs, sdl: nginxSdl("nginx:1.27") };
    assert.deepEqual(await deploymentHandlers.diff(id, outs, image), { changes: true, replaces: [] });
    const updated = await deploymentHandlers.update(ref.context(), id, outs, image);
    assert.equal(updated.dseq, id, "patched in place, no 422");
    await deploymentHandlers.delete(ref.context(), id, updated);
  });
});

describe("409 deployment_definition_changed", () => {
  let ref: ReferenceApi;
  before(async () => (ref = await referenceApi({ refusals: { codes: true } })));
  after(() => ref.close());

  test("a PATCH that lost to a change made elsewhere changes nothing and says to refresh", async () => {
    const { id, outs } = await deploy(ref);
    await ref.client.patchDeployment(id, { services: { web: { image: "nginx:changed-elsewhere" } } });
    const inputs = { sdl: nginxSdl("nginx:1.27"), deposit: 5, creationKey: outs.creationKey };
    const error = await deploymentHandlers.update(ref.context(), id, outs, inputs).then(
      () => assert.fail("the stale patch must fail"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof Error);
    assert.match(error.message, /changed outside Pulumi since the last refresh.*so nothing was changed/);
    assert.match(error.message, /Run `pulumi refresh`/);
    const live = await ref.client.getDeployment(id);
    assert.match(live.consoleSettings?.sdl ?? "", /nginx:changed-elsewhere/, "the other change stands");
    await deploymentHandlers.delete(ref.context(), id, outs);
  });
});

describe("402 insufficient_balance", () => {
  let ref: ReferenceApi;
  before(async () => (ref = await referenceApi({ refusals: { codes: true } }, 3)));
  after(() => ref.close());

  test("create says how much is missing and leaves nothing made", async () => {
    const error = await deploy(ref, nginxSdl(), 5).then(
      () => assert.fail("a $5 deposit on $3 of credit must fail"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof Error);
    assert.match(error.message, /402 insufficient_balance/);
    assert.match(error.message, /\$2 missing: \$5 required, \$3 available/);
    assert.equal((await ref.client.listDeployments()).deployments.length, 0, "no deployment was made");
    assert.equal((await ref.client.getBalances()).balance, 3_000_000, "no credit was spent (uact)");
  });
});

describe("502 provider_unreachable: the next acceptable bid", () => {
  let ref: ReferenceApi;
  // The two cheapest providers bidding on nginx (sjc1 at 0.8, fra1 at 1.0) cannot be reached.
  before(async () => (ref = await referenceApi({ faults: { providersUnreachable: ["sjc1", "fra1"] } })));
  after(() => ref.close());

  test("the cheapest bids' providers are unreachable: the lease goes to the next cheapest, saying why", async () => {
    const { outs: dep } = await deploy(ref);
    const { outs } = await leaseHandlers.create(ref.context(), {
      dseq: dep.dseq,
      manifest: dep.manifest,
      selection: { bidWindowSeconds: 1 },
    });
    assert.equal(outs.provider, address("sgp1"));
    const moved = ref.logs.filter((l) =>
      /cannot reach provider .* moving on to the next acceptable bid/.test(l),
    );
    assert.deepEqual(
      moved.map((l) => /provider (akash1\S+)/.exec(l)?.[1]),
      [address("sjc1"), address("fra1")],
    );
    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
  });

  test("a requested provider that is unreachable fails with what to do; no lease is made", async () => {
    const { outs: dep } = await deploy(ref);
    const error = await leaseHandlers
      .create(ref.context(), { dseq: dep.dseq, manifest: dep.manifest, provider: address("sjc1") })
      .then(
        () => assert.fail("the lease must fail"),
        (e: unknown) => e,
      );
    assert.ok(error instanceof Error);
    assert.match(
      error.message,
      /cannot reach the requested provider akash1\S+ \(502 provider_unreachable; no lease was made\)/,
    );
    assert.match(error.message, /remove provider so that selection may choose another bid/);
    assert.equal((await ref.client.getDeployment(dep.dseq)).leases.length, 0);
    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
  });
});

describe("502 manifest_not_delivered", () => {
  let ref: ReferenceApi;
  before(async () => (ref = await referenceApi({ faults: { manifestNotDelivered: true } })));
  after(() => ref.close());

  test("the lease request is re-sent once, identically: one lease, services up", async () => {
    const { outs: dep } = await deploy(ref);
    const { outs } = await leaseHandlers.create(ref.context(), {
      dseq: dep.dseq,
      manifest: dep.manifest,
      selection: { bidWindowSeconds: 0 },
    });
    assert.equal(outs.state, "active");
    assert.ok(outs.services[0]!.readyReplicas >= 1);
    assert.equal((await ref.client.getDeployment(dep.dseq)).leases.length, 1);
    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
  });
});
