import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startServer, type RunningServer, type ServerOptions } from "../index";
import { resolveConfig } from "../config";
import { ManualClock, loadFleet } from "../market";
import { client, createDeployment, helloSdl, leaseFirstBids, type Caller } from "../test-support/http";

const START = Date.UTC(2026, 11, 1);
const FRA1 = "fra1";

/** A server with the live refusals on, one user with `credit` dollars, and a caller for it. */
async function serverWith(options: ServerOptions, credit = 100) {
  const clock = new ManualClock({ startMs: START });
  const server = await startServer({
    logLevel: "silent",
    clock,
    bidDelayMs: 1000,
    startDelayMs: 0,
    ...options,
  });
  const api = client(server.url, (await server.createUser("refused@example.com", credit)).apiKey);
  return { clock, server, api };
}

const fleetAddress = (_server: RunningServer, name: string) => {
  const provider = loadFleet().providers.find((p) => p.name === name);
  assert.ok(provider, `provider ${name} in the bundled fleet`);
  return provider.address;
};
describe("the repeated-refusal backoff (--refusal-backoff)", () => {
  let clock: ManualClock;
  let server: RunningServer;
  let api: Caller;
  before(async () => ({ clock, server, api } = await serverWith({ refusals: { backoff: true } })));
  after(() => server.close());

  const tooLow = { data: { sdl: helloSdl(), deposit: 1 } };

  test("3 identical 400s within 600 s make the 4th a 429 repeated_refusal with Retry-After 300; it ends after 300 s", async () => {
    for (let i = 0; i < 3; i++) {
      const refused = await api("POST", "/v1/deployments", tooLow);
      assert.equal(refused.status, 400, refused.text);
    }
    const backoff = await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } });
    assert.equal(backoff.status, 429, "even a request that would succeed waits out the backoff");
    assert.equal(backoff.body.code, "repeated_refusal");
    assert.equal(backoff.body.type, "client_error");
    assert.equal(backoff.body.error, "TooManyRequestsError");
    assert.equal(backoff.headers.get("retry-after"), "300");
    // Only that user, method and path: another path of the same user is untouched.
    assert.equal(
      (await api("POST", "/v1/deposit-deployment", { data: { dseq: "999", deposit: 1 } })).status,
      404,
    );
    clock.advanceMs(299_000);
    assert.equal((await api("POST", "/v1/deployments", tooLow)).headers.get("retry-after"), "1");
    clock.advanceMs(1_000);
    assert.equal(
      (await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } })).status,
      201,
    );
  });

  test("a success resets the streak, refusals outside the window do not count, 401s never count", async () => {
    const api = client(server.url, (await server.createUser("streaks@example.com", 100)).apiKey);
    const path = "/v1/deposit-deployment";
    const { dseq } = await createDeployment(api);
    const missing = { data: { dseq: "424242", deposit: 1 } };
    assert.equal((await api("POST", path, missing)).status, 404);
    assert.equal((await api("POST", path, missing)).status, 404);
    assert.equal((await api("POST", path, { data: { dseq, deposit: 1 } })).status, 200);
    assert.equal((await api("POST", path, missing)).status, 404);
    assert.equal((await api("POST", path, missing)).status, 404);
    clock.advanceMs(600_000);
    assert.equal((await api("POST", path, missing)).status, 404, "the first two fell out of the window");
    const anonymous = client(server.url, "ac.sk.local." + "0".repeat(64));
    for (let i = 0; i < 4; i++) assert.equal((await anonymous("POST", path, missing)).status, 401);
    assert.equal((await api("POST", path, missing)).status, 404, "two within the window");
    assert.equal((await api("POST", path, missing)).status, 404, "the third within the window");
    assert.equal((await api("POST", path, missing)).status, 429, "after three");
  });
});

describe("the live refusal codes (--live-refusal-codes)", () => {
  let clock: ManualClock;
  let server: RunningServer;
  let api: Caller;
  before(async () => ({ clock, server, api } = await serverWith({ refusals: { codes: true } }, 7.25)));
  after(() => server.close());

  test("402 insufficient_balance says what was required and what is available; nothing is made", async () => {
    const refused = await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 10 } });
    assert.equal(refused.status, 402, refused.text);
    assert.deepEqual(
      { ...refused.body, message: undefined },
      {
        error: "PaymentRequiredError",
        message: undefined,
        code: "insufficient_balance",
        type: "client_error",
        data: { requiredAmountUsd: 10, availableAmountUsd: 7.25 },
      },
    );
    assert.match(refused.body.message, /Required: \$10, available: \$7\.25/);
    assert.equal((await api("GET", "/v1/deployments")).body.data.deployments.length, 0);
    const { dseq } = await createDeployment(api);
    const deposit = await api("POST", "/v1/deposit-deployment", { data: { dseq, deposit: 3 } });
    assert.equal(deposit.status, 402);
    assert.deepEqual(deposit.body.data, { requiredAmountUsd: 3, availableAmountUsd: 2.25 });
  });

  test("a PATCH that changes resources is 422 deployment_resources_changed; PUT keeps its 400", async () => {
    const owner = client(server.url, (await server.createUser("q@example.com", 100)).apiKey);
    const mine = await createDeployment(owner);
    await leaseFirstBids(owner, clock, mine.dseq, mine.manifest);
    const patch = await owner("PATCH", `/v1/deployments/${mine.dseq}`, {
      data: { services: { web: { expose: { "80": { as: 8080 } } } } },
    });
    assert.equal(patch.status, 422, patch.text);
    assert.equal(patch.body.code, "deployment_resources_changed");
    assert.match(patch.body.message, /cannot change in place.*endpoints/);
    const put = await owner("PUT", `/v1/deployments/${mine.dseq}`, { data: { sdl: helloSdl({ cpu: 2 }) } });
    assert.equal(put.status, 400);
  });
});

describe("seeds' answers without the options", () => {
  let server: RunningServer;
  let api: Caller;
  before(async () => ({ server, api } = await serverWith({}, 1)));
  after(() => server.close());

  test("402 payment_required without data, and no backoff", async () => {
    for (let i = 0; i < 4; i++) {
      const refused = await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } });
      assert.equal(refused.status, 402);
      assert.equal(refused.body.code, "payment_required");
      assert.equal(refused.body.data, undefined);
    }
  });
});

describe("fault: a card top-up pending (--fault-balance-top-up-pending)", () => {
  let clock: ManualClock;
  let server: RunningServer;
  let api: Caller;
  before(
    async () => ({ clock, server, api } = await serverWith({ faults: { balanceTopUpPendingSeconds: 20 } })),
  );
  after(() => server.close());

  test("creates answer 402 balance_top_up_pending with Retry-After until the top-up ends, then run", async () => {
    const body = { data: { sdl: helloSdl(), deposit: 5 } };
    const pending = await api("POST", "/v1/deployments", body);
    assert.equal(pending.status, 402, pending.text);
    assert.equal(pending.body.code, "balance_top_up_pending");
    assert.equal(pending.headers.get("retry-after"), "20");
    clock.advanceMs(15_000);
    assert.equal((await api("POST", "/v1/deployments", body)).headers.get("retry-after"), "5");
    assert.equal((await api("GET", "/v1/deployments")).body.data.deployments.length, 0);
    clock.advanceMs(5_000);
    assert.equal((await api("POST", "/v1/deployments", body)).status, 201);
  });
});

describe("faults: an unreachable provider and an undelivered manifest", () => {
  let clock: ManualClock;
  let server: RunningServer;
  let api: Caller;
  before(
    async () =>
      ({ clock, server, api } = await serverWith({
        faults: { providersUnreachable: [FRA1], manifestNotDelivered: ["nyc1"] },
      })),
  );
  after(() => server.close());

  async function bidsOf(dseq: string) {
    clock.advanceMs(5000);
    const bids = (await api("GET", `/v1/bids?dseq=${dseq}`)).body.data as {
      bid: { id: { provider: string } };
    }[];
    return bids.map((b) => b.bid.id.provider);
  }

  test("leasing an unreachable provider's bid: 502 provider_unreachable, no lease made; another bid leases", async () => {
    const { dseq, manifest } = await createDeployment(api);
    const providers = await bidsOf(dseq);
    const unreachable = fleetAddress(server, FRA1);
    assert.ok(providers.includes(unreachable), "fra1 bids");
    const refused = await api("POST", "/v1/leases", {
      manifest,
      leases: [{ dseq, gseq: 1, oseq: 1, provider: unreachable }],
    });
    assert.equal(refused.status, 502, refused.text);
    assert.equal(refused.body.code, "provider_unreachable");
    assert.equal(refused.body.type, "server_error");
    assert.deepEqual(refused.body.data, { dseq, provider: unreachable });
    assert.equal((await api("GET", `/v1/deployments/${dseq}`)).body.data.leases.length, 0);
    const other = providers.find((p) => p !== unreachable && p !== fleetAddress(server, "nyc1"));
    assert.ok(other);
    const leased = await api("POST", "/v1/leases", {
      manifest,
      leases: [{ dseq, gseq: 1, oseq: 1, provider: other }],
    });
    assert.equal(leased.status, 200, leased.text);
  });

  test("manifest not delivered: 502 with data{dseq, provider, reason} after the lease exists; the identical re-send delivers it and leases nothing more", async () => {
    const { dseq, manifest } = await createDeployment(api);
    const nyc1 = fleetAddress(server, "nyc1");
    assert.ok((await bidsOf(dseq)).includes(nyc1), "nyc1 bids");
    const request = { manifest, leases: [{ dseq, gseq: 1, oseq: 1, provider: nyc1 }] };
    const failed = await api("POST", "/v1/leases", request);
    assert.equal(failed.status, 502, failed.text);
    assert.equal(failed.body.code, "manifest_not_delivered");
    assert.equal(failed.body.data.dseq, dseq);
    assert.equal(failed.body.data.provider, nyc1);
    assert.match(failed.body.data.reason, /closed the connection/);
    assert.equal(
      (await api("GET", `/v1/deployments/${dseq}`)).body.data.leases.length,
      1,
      "the lease exists",
    );
    const again = await api("POST", "/v1/leases", request);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.data.leases.length, 1, "lease creation is idempotent per dseq");
  });
});

test("the live refusals are on by default with --dev only, at the live test values", () => {
  assert.deepEqual(resolveConfig({ dev: true }).refusals, {
    backoff: true,
    threshold: 3,
    windowMs: 600_000,
    backoffMs: 300_000,
    codes: true,
  });
  assert.equal(resolveConfig({}).refusals.backoff, false);
  assert.equal(resolveConfig({}).refusals.codes, false);
  assert.throws(
    () => resolveConfig({ refusals: { threshold: 0 } }),
    /refusals\.threshold must be a whole number >= 1/,
  );
});
