// The two funding generations (`--funding deposit`: AEP-63 and the seed guide; `--funding auto`:
// the live API since 2026-09) and runtime limits, on both stores.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock, parseDec, type Clock } from "../../market";
import { client, helloSdl, type Caller } from "../../test-support/http";
import { describeEachStore } from "../../test-support/stores";

const START = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const BLOCKS_PER_HOUR = HOUR / 6000;
const DEC = 10n ** 18n;

/** The seed guide's complete example script (001_*.txt), step by step, as a client written from it runs. */
async function guideScript(api: Caller, clock: ManualClock): Promise<string> {
  const deployResponse = await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } });
  assert.equal(deployResponse.status, 201, deployResponse.text);
  const { dseq, manifest } = deployResponse.body.data;
  clock.advanceMs(1000);
  const bids = (await api("GET", `/v1/bids?dseq=${dseq}`)).body.data.map((b: { bid: unknown }) => b.bid);
  assert.ok(bids.length > 0, "bids arrive");
  const firstBid = bids[0];
  const leaseResponse = await api("POST", "/v1/leases", {
    manifest,
    leases: [{ dseq, gseq: firstBid.id.gseq, oseq: firstBid.id.oseq, provider: firstBid.id.provider }],
  });
  assert.equal(leaseResponse.status, 200, leaseResponse.text);
  assert.equal(leaseResponse.body.data.deployment.state, "active");
  const deposit = await api("POST", "/v1/deposit-deployment", { data: { dseq, deposit: 0.5 } });
  assert.equal(deposit.status, 200, deposit.text);
  return dseq;
}

/** Escrow funds of a deployment in micro-units (floor). */
async function fundsMicro(api: Caller, dseq: string): Promise<bigint> {
  const deployment = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
  return parseDec(deployment.escrow_account.state.funds[0].amount) / DEC;
}

async function leaseFirstBid(api: Caller, clock: Clock & { advanceMs(ms: number): void }, dseq: string) {
  clock.advanceMs(1000);
  const [first] = (await api("GET", `/v1/bids?dseq=${dseq}`)).body.data;
  const answer = await api("POST", "/v1/leases", {
    leases: [{ dseq, gseq: 1, oseq: 1, provider: first.bid.id.provider }],
  });
  assert.equal(answer.status, 200, answer.text);
  return parseDec(answer.body.data.leases[0].price.amount);
}

describeEachStore("funding: --funding deposit (the default, AEP-63)", (store) => {
  test("deposit required and at least the minimum; explicit deposits fund; no funding config; the guide's script works", async () => {
    const clock = new ManualClock({ startMs: START });
    const server = await store.start({ clock, bidDelayMs: 0 });
    assert.equal(server.config.funding, "deposit");
    const { apiKey } = await server.createUser("deposit@example.com", 100);
    const api = client(server.url, apiKey);
    const missing = await api("POST", "/v1/deployments", { data: { sdl: helloSdl() } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.message, "deposit is required");
    const config = await client(server.url)("GET", "/v1/deployment-funding-config");
    assert.equal(config.status, 404);
    assert.match(config.body.message, /--funding deposit/);

    const dseq = await guideScript(api, clock);
    assert.equal(await fundsMicro(api, dseq), 5_500_000n);
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 94_500_000);
    // Regression: a new setting said autoTopUpEnabled: true while the funding config says no
    // automatic funding; nothing tops up in this generation, so it says false.
    const fresh = (await api("GET", `/v2/deployment-settings/${dseq}`)).body.data;
    assert.equal(fresh.autoTopUpEnabled, false);
    assert.equal(fresh.estimatedTopUpAmount, 0);
    // The flag stays writable in this generation.
    const setting = await api("PATCH", `/v2/deployment-settings/${dseq}`, {
      data: { autoTopUpEnabled: false },
    });
    assert.equal(setting.status, 200, setting.text);
    assert.equal(setting.body.data.autoTopUpEnabled, false);
    // No top-ups: a day later the escrow has only gone down.
    clock.advanceMs(24 * HOUR);
    assert.ok((await fundsMicro(api, dseq)) < 5_500_000n);
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 94_500_000);
  });
});

describeEachStore("funding: --funding auto (the live API)", (store) => {
  test("the live defaults, and the funding config: public and cacheable", async () => {
    const server = await store.start({ funding: "auto" });
    const config = await client(server.url)("GET", "/v1/deployment-funding-config");
    assert.equal(config.status, 200, "public: no key needed");
    assert.deepEqual(config.body, {
      data: { targetRunwayHours: 48, balanceHeadroomUsd: 5, defaultDepositUsd: 0.5 },
    });
    assert.match(config.headers.get("cache-control") ?? "", /max-age/);
    const { apiKey } = await server.createUser("defaults@example.com", 10);
    const api = client(server.url, apiKey);
    const created = await api("POST", "/v1/deployments", { data: { sdl: helloSdl() } });
    assert.equal(created.status, 201, created.text);
    assert.equal(await fundsMicro(api, created.body.data.dseq), 500_000n);
  });

  test("deposit ignored, the default deposit, top-ups toward the target runway from the credit", async () => {
    const clock = new ManualClock({ startMs: START });
    // The fleet's prices are low: $0.01 lasts about 11 hours of the hello-world SDL, less than the look-ahead.
    const autoFunding = { defaultDepositUsd: 0.01 };
    const server = await store.start({ clock, bidDelayMs: 0, funding: "auto", autoFunding });
    const { apiKey } = await server.createUser("auto@example.com", 100);
    const api = client(server.url, apiKey);

    const created = await api("POST", "/v1/deployments", { data: { sdl: helloSdl() } });
    assert.equal(created.status, 201, created.text);
    const ignored = await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 7 } });
    assert.equal(ignored.status, 201);
    const { dseq } = created.body.data;
    assert.equal(await fundsMicro(api, dseq), 10_000n);
    assert.equal(await fundsMicro(api, ignored.body.data.dseq), 10_000n, "deposit accepted and ignored");
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 99_980_000);

    // The lease starts the meter: the escrow is topped up to 48 hours at once.
    const rate = await leaseFirstBid(api, clock, dseq);
    const target = (rate * BigInt(48 * BLOCKS_PER_HOUR)) / DEC;
    const funded = await fundsMicro(api, dseq);
    assert.ok(funded >= target && funded <= target + 1n, `${funded} ~ ${target}`);
    const deposits = () =>
      api("GET", `/v1/deployments/${dseq}`).then((a) => a.body.data.escrow_account.state.deposits.length);
    assert.equal(await deposits(), 2);
    const setting = (await api("GET", `/v2/deployment-settings/${dseq}`)).body.data;
    assert.equal(setting.autoTopUpEnabled, true);

    // 23 hours on: more than the 24-hour look-ahead left, nothing happens.
    clock.advanceMs(23 * HOUR);
    assert.equal(await deposits(), 2);
    // Past 24 hours: the next read settles and tops up to 48 hours from there.
    clock.advanceMs(2 * HOUR);
    assert.equal(await deposits(), 3);
    const refilled = await fundsMicro(api, dseq);
    // Topped up to 48 hours when 24 were left (an hour ago): 47 hours left now.
    const left = (target * 47n) / 48n;
    assert.ok(refilled >= left - 2n && refilled <= left + 2n, `${refilled} ~ ${left}`);
    // Every micro-unit in escrow came from the credit, as a deposit.
    const spent = 100_000_000 - (await api("GET", "/v1/balances")).body.data.balance;
    let deposited = 0n;
    for (const id of [dseq, ignored.body.data.dseq]) {
      const state = (await api("GET", `/v1/deployments/${id}`)).body.data.escrow_account.state;
      for (const d of state.deposits as { balance: { amount: string } }[])
        deposited += parseDec(d.balance.amount) / DEC;
    }
    assert.equal(BigInt(spent), deposited);
    assert.ok(spent > 20_000 + Number(target), "the top-ups came from the credit");

    // The deprecated deposit route is answered (and says it is deprecated).
    const deposit = await api("POST", "/v1/deposit-deployment", { data: { dseq, deposit: 0.5 } });
    assert.equal(deposit.status, 200);
    assert.equal(deposit.headers.get("deprecation"), "true");

    // autoTopUpEnabled is read-only: true is accepted (a no-op), false refused, on v1 and v2.
    const off = await api("PATCH", `/v2/deployment-settings/${dseq}`, { data: { autoTopUpEnabled: false } });
    assert.equal(off.status, 400);
    assert.match(off.body.message, /read-only/);
    const userId = (await api("GET", "/v1/user/me")).body.data.id;
    const offV1 = await api("PATCH", `/v1/deployment-settings/${userId}/${dseq}`, {
      data: { autoTopUpEnabled: false },
    });
    assert.equal(offV1.status, 400);
    const on = await api("PATCH", `/v2/deployment-settings/${dseq}`, { data: { autoTopUpEnabled: true } });
    assert.equal(on.status, 200);
    assert.equal(on.body.data.autoTopUpEnabled, true);
  });

  test("top-ups leave the headroom in the credit; when the credit runs short the deployment runs dry and closes", async () => {
    const clock = new ManualClock({ startMs: START });
    const autoFunding = { defaultDepositUsd: 0.01 };
    const server = await store.start({ clock, bidDelayMs: 0, funding: "auto", autoFunding });
    const { apiKey } = await server.createUser("short@example.com", 5.02);
    const api = client(server.url, apiKey);
    const { dseq } = (await api("POST", "/v1/deployments", { data: { sdl: helloSdl() } })).body.data;
    await leaseFirstBid(api, clock, dseq);
    // $5.01 left after the default deposit; the top-up may only take what lies above $5.
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 5_000_000);
    assert.equal(await fundsMicro(api, dseq), 20_000n);
    clock.advanceMs(72 * HOUR);
    const closed = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
    assert.equal(closed.deployment.state, "closed");
    assert.equal(closed.settings.closeReason, "insufficient_funds");
    assert.equal(
      (await api("GET", "/v1/balances")).body.data.balance,
      5_000_000,
      "the headroom is untouched",
    );
  });

  test("the seed guide's complete script works with automatic funding too", async () => {
    const clock = new ManualClock({ startMs: START });
    const server = await store.start({ clock, bidDelayMs: 0, funding: "auto" });
    const { apiKey } = await server.createUser("guide@example.com", 100);
    await guideScript(client(server.url, apiKey), clock);
  });
});

describeEachStore("runtime limits", (store) => {
  test("counted from lease start; funding stops at the deadline; extended (never lowered, +48 h per request); the deployment closes when it ends", async () => {
    const clock = new ManualClock({ startMs: START });
    // $0.001 lasts about an hour: the top-up at lease start has to stop at the 2-hour deadline.
    const autoFunding = { defaultDepositUsd: 0.001 };
    const server = await store.start({ clock, bidDelayMs: 0, funding: "auto", autoFunding });
    const { apiKey } = await server.createUser("limits@example.com", 100);
    const api = client(server.url, apiKey);
    for (const runtimeLimitHours of [0, 49, 1.5]) {
      const refused = await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), runtimeLimitHours } });
      assert.equal(refused.status, 400, String(runtimeLimitHours));
    }
    const { dseq } = (
      await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), runtimeLimitHours: 2 } })
    ).body.data;
    const settings = async () => (await api("GET", `/v2/deployment-settings/${dseq}`)).body.data;
    assert.equal((await settings()).runtimeLimitHours, 2);
    assert.equal((await settings()).runtimeEndsAt, null, "not anchored before a lease");

    await leaseFirstBid(api, clock, dseq);
    const leasedAt = clock.now();
    assert.equal((await settings()).runtimeEndsAt, new Date(leasedAt + 2 * HOUR).toISOString());
    // Funding stops at the deadline: the top-up covers 2 hours, not 48.
    const detail = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
    assert.equal(detail.settings.runtimeLimitHours, 2);
    const funds = parseDec(detail.escrow_account.state.funds[0].amount);
    const rate = parseDec(detail.leases[0].price.amount);
    const needed = rate * BigInt(2 * BLOCKS_PER_HOUR);
    assert.ok(
      funds >= needed && funds <= needed + DEC,
      `${funds}: the runtime's need, ${needed}, not 48 hours`,
    );

    const patch = (data: unknown) => api("PATCH", `/v2/deployment-settings/${dseq}`, { data });
    const lower = await patch({ runtimeLimitHours: 1 });
    assert.equal(lower.status, 400);
    assert.match(lower.body.message, /cannot be lowered/);
    const tooFar = await patch({ runtimeLimitHours: 51 });
    assert.equal(tooFar.status, 400);
    assert.match(tooFar.body.message, /at most 48 hours per request.*at most 50/);
    assert.equal((await patch({ runtimeLimitHours: null })).status, 400, "a limit cannot be removed");
    const extended = await patch({ runtimeLimitHours: 3 });
    assert.equal(extended.status, 200, extended.text);
    assert.equal(extended.body.data.runtimeLimitHours, 3);
    assert.equal(extended.body.data.runtimeEndsAt, new Date(leasedAt + 3 * HOUR).toISOString());

    clock.advanceMs(3 * HOUR - 60_000);
    assert.equal((await api("GET", `/v1/deployments/${dseq}`)).body.data.deployment.state, "active");
    clock.advanceMs(2 * 60_000);
    const ended = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
    assert.equal(ended.deployment.state, "closed");
    assert.equal(ended.leases[0].state, "closed");
    assert.equal(ended.escrow_account.state.funds[0].amount, "0.000000000000000000");
    assert.deepEqual(ended.settings.closeReason, "runtime_limit");
    assert.equal((await settings()).closeReason, "runtime_limit");
    const closedList = (await api("GET", "/v1/deployments?state=closed")).body.data.deployments;
    assert.deepEqual(
      closedList.map((d: { deployment: { id: { dseq: string } } }) => d.deployment.id.dseq),
      [dseq],
    );
    const events = (await api("GET", `/v1/events/${dseq}`)).body.data as {
      reason: string;
      message: string;
    }[];
    assert.match(events.at(-1)?.message ?? "", /runtime limit/);
    assert.equal((await patch({ runtimeLimitHours: 5 })).status, 400, "a closed deployment is not extended");
  });

  test("a deployment without a limit can be given one of at most 48 hours; with --funding deposit too", async () => {
    const clock = new ManualClock({ startMs: START });
    const server = await store.start({ clock, bidDelayMs: 0 });
    const { apiKey } = await server.createUser("nolimit@example.com", 100);
    const api = client(server.url, apiKey);
    const { dseq } = (await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } })).body
      .data;
    const patch = (data: unknown) => api("PATCH", `/v2/deployment-settings/${dseq}`, { data });
    assert.equal((await patch({ runtimeLimitHours: 49 })).status, 400);
    assert.equal((await patch({})).status, 400, "something to change");
    const set = await patch({ runtimeLimitHours: 1 });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.data.runtimeEndsAt, null);
    await leaseFirstBid(api, clock, dseq);
    clock.advanceMs(HOUR + 6000);
    const ended = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
    assert.equal(ended.deployment.state, "closed");
    assert.equal(ended.settings.closeReason, "runtime_limit");
    // An hour of the lease paid; the rest of the $5 went back to the credit.
    const paid = parseDec(ended.escrow_account.state.transferred[0].amount) / DEC;
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 100_000_000 - Number(paid) - 1);
  });

  test("a limit added to a deployment that is already leased ends it: runtimeEndsAt set, closed for runtime_limit, escrow stops draining", async () => {
    const clock = new ManualClock({ startMs: START });
    const server = await store.start({ clock, bidDelayMs: 0 });
    const { apiKey } = await server.createUser("later@example.com", 100);
    const api = client(server.url, apiKey);
    const { dseq } = (await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } })).body
      .data;
    const price = await leaseFirstBid(api, clock, dseq);
    const leasedAt = clock.now();
    clock.advanceMs(HOUR);
    const set = await api("PATCH", `/v2/deployment-settings/${dseq}`, { data: { runtimeLimitHours: 2 } });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.data.runtimeLimitHours, 2);
    // Counted from the lease start, as a limit given at create is.
    assert.equal(set.body.data.runtimeEndsAt, new Date(leasedAt + 2 * HOUR).toISOString());

    clock.advanceMs(HOUR + 6000);
    const ended = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
    assert.equal(ended.deployment.state, "closed");
    assert.equal(ended.leases[0].state, "closed");
    assert.equal(ended.settings.closeReason, "runtime_limit");
    assert.equal(
      (await api("GET", `/v2/deployment-settings/${dseq}`)).body.data.closeReason,
      "runtime_limit",
    );
    const paid = ended.escrow_account.state.transferred[0].amount;
    assert.equal(parseDec(paid), price * BigInt(2 * BLOCKS_PER_HOUR), "two hours of the lease paid");
    const balance = (await api("GET", "/v1/balances")).body.data.balance;
    // The rest of the $5 back in the credit; nothing drains afterwards.
    const refunded = 100_000_000 - Number(parseDec(paid) / DEC);
    assert.ok(
      Math.abs(balance - refunded) <= 1,
      `${balance}: the credit less what two hours cost, ${refunded}`,
    );
    clock.advanceMs(10 * HOUR);
    const later = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
    assert.equal(later.escrow_account.state.transferred[0].amount, paid, "no block paid after the limit");
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, balance);
  });

  test("a limit added to a leased deployment that ran past it already ends at the next block, not in the past", async () => {
    const clock = new ManualClock({ startMs: START });
    const server = await store.start({ clock, bidDelayMs: 0 });
    const { apiKey } = await server.createUser("overdue@example.com", 100);
    const api = client(server.url, apiKey);
    const { dseq } = (await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } })).body
      .data;
    await leaseFirstBid(api, clock, dseq);
    clock.advanceMs(3 * HOUR);
    const set = await api("PATCH", `/v2/deployment-settings/${dseq}`, { data: { runtimeLimitHours: 1 } });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.data.runtimeEndsAt, new Date(clock.now()).toISOString());
    clock.advanceMs(6000);
    const ended = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
    assert.equal(ended.deployment.state, "closed");
    assert.equal(ended.settings.closeReason, "runtime_limit");
  });
});
