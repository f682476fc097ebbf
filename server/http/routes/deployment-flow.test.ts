import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock, decFromMicro, decToMicroFloor, formatDec, parseDec } from "../../market";
import { client, helloSdl } from "../../test-support/http";
import { describeEachStore } from "../../test-support/stores";

const START = Date.UTC(2026, 0, 1);
const uact = (micro: string) => `${micro}.000000000000000000`;

// The seed guide's complete example script, step by step, with the money checked at each step.
describeEachStore("seed guide flow over HTTP", (store) => {
  test("create -> wait for bids -> lease -> deposit -> get -> close, with balances and escrow", async () => {
    const clock = new ManualClock({ startMs: START });
    const server = await store.start({ clock, startDelayMs: 3000 });
    const { apiKey } = await server.createUser("flow@example.com", 100);
    const api = client(server.url, apiKey);

    // 1. Create with a $5 deposit: the credit pays the escrow.
    const created = await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } });
    assert.equal(created.status, 201);
    const { dseq, manifest } = created.body.data;
    assert.match(dseq, /^\d+$/);
    assert.equal(typeof manifest, "string");
    assert.deepEqual((await api("GET", "/v1/balances")).body.data, {
      balance: 95_000_000,
      deployments: 5_000_000,
      total: 100_000_000,
    });

    // 2. No bid before the providers' delays; all of them after.
    assert.deepEqual((await api("GET", `/v1/bids?dseq=${dseq}`)).body, { data: [] });
    clock.advanceMs(10_000);
    const bids = await api("GET", `/v1/bids?dseq=${dseq}`);
    assert.equal(bids.status, 200);
    assert.ok(bids.body.data.length >= 2, "several audited providers bid on the hello-world SDL");
    const byPath = await api("GET", `/v1/bids/${dseq}`);
    assert.deepEqual(byPath.body, bids.body);
    const chosen = bids.body.data[0].bid;
    assert.equal(chosen.state, "open");
    assert.equal(chosen.price.denom, "uact");
    const rate = parseDec(chosen.price.amount);

    // 3. Accept the first bid: one active lease, the order's other bids closed.
    const leased = await api("POST", "/v1/leases", {
      manifest,
      leases: [{ dseq, gseq: chosen.id.gseq, oseq: chosen.id.oseq, provider: chosen.id.provider }],
    });
    assert.equal(leased.status, 200);
    assert.equal(leased.body.data.deployment.state, "active");
    assert.equal(leased.body.data.leases.length, 1);
    assert.equal(leased.body.data.leases[0].state, "active");
    assert.equal(leased.body.data.leases[0].price.denom, "uact");
    const after = (await api("GET", `/v1/bids?dseq=${dseq}`)).body.data as {
      bid: { state: string; id: { provider: string } };
    }[];
    for (const { bid } of after)
      assert.equal(bid.state, bid.id.provider === chosen.id.provider ? "active" : "closed");

    // The services come up after the start delay, with a URI.
    assert.equal(leased.body.data.leases[0].status.services.web.ready_replicas, 0);
    clock.advanceMs(3000);
    const ready = (await api("GET", `/v1/deployments/${dseq}`)).body.data.leases[0].status.services.web;
    assert.equal(ready.ready_replicas, 1);
    assert.equal(ready.uris.length, 1);

    // Every block since the lease was created has been paid at the lease price.
    clock.advanceBlocks(100);
    const running = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
    const blocks = Number(running.escrow_account.state.settled_at) - Number(running.leases[0].created_at);
    assert.ok(blocks >= 100 && blocks <= 102, `about 100 blocks since the lease (${blocks})`);
    const paid = rate * BigInt(blocks);
    assert.equal(running.escrow_account.state.transferred[0].amount, formatDec(paid));
    assert.equal(running.escrow_account.state.funds[0].amount, formatDec(decFromMicro(5_000_000) - paid));

    // 4. A $0.50 top-up comes out of the credit.
    const deposited = await api("POST", "/v1/deposit-deployment", { data: { dseq, deposit: 0.5 } });
    assert.equal(deposited.status, 200);
    assert.equal(
      deposited.body.data.escrow_account.state.funds[0].amount,
      formatDec(decFromMicro(5_500_000) - paid),
    );
    assert.deepEqual(
      deposited.body.data.escrow_account.state.deposits.map(
        (d: { balance: { amount: string } }) => d.balance.amount,
      ),
      [uact("5000000"), uact("500000")],
    );
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 94_500_000);

    // 5. Get, then close: what is left in escrow (whole micro-units) is refunded.
    const got = await api("GET", `/v1/deployments/${dseq}`);
    assert.equal(got.body.data.deployment.id.dseq, dseq);
    const closed = await api("DELETE", `/v1/deployments/${dseq}`);
    assert.deepEqual(closed.body, { data: { success: true } });
    const refund = Number(decToMicroFloor(decFromMicro(5_500_000) - paid));
    assert.deepEqual((await api("GET", "/v1/balances")).body.data, {
      balance: 94_500_000 + refund,
      deployments: 0,
      total: 94_500_000 + refund,
    });
    const final = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
    assert.equal(final.deployment.state, "closed");
    assert.equal(final.leases[0].state, "closed");
    assert.equal(final.leases[0].status, null);
    assert.equal(final.escrow_account.state.state, "closed");
    assert.equal((await api("GET", "/v1/deployments")).body.data.pagination.total, 0);
  });

  test("a deployment whose escrow runs dry closes at that block, its lease with it", async () => {
    const clock = new ManualClock({ startMs: START });
    const server = await store.start({ clock, bidDelayMs: 0 });
    const { apiKey } = await server.createUser("dry@example.com", 10);
    const api = client(server.url, apiKey);
    const { dseq, manifest } = (
      await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } })
    ).body.data;
    const bid = (await api("GET", `/v1/bids?dseq=${dseq}`)).body.data[0].bid;
    const leased = (
      await api("POST", "/v1/leases", {
        manifest,
        leases: [{ dseq, gseq: 1, oseq: 1, provider: bid.id.provider }],
      })
    ).body.data;
    const leaseHeight = Number(leased.leases[0].created_at);
    const fullBlocks = Number(decFromMicro(5_000_000) / parseDec(bid.price.amount));

    clock.advanceBlocks(fullBlocks + 10);
    const dry = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
    assert.equal(dry.deployment.state, "closed");
    assert.equal(dry.leases[0].state, "insufficient_funds");
    assert.equal(Number(dry.leases[0].closed_on), leaseHeight + fullBlocks + 1);
    assert.equal(dry.escrow_account.state.state, "overdrawn");
    assert.equal(dry.escrow_account.state.funds[0].amount, "0.000000000000000000");
    assert.equal((await api("GET", "/v1/deployments")).body.data.pagination.total, 0);
    // Nothing to refund, and a deposit into a closed deployment is refused without charging.
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 5_000_000);
    const refused = await api("POST", "/v1/deposit-deployment", { data: { dseq, deposit: 1 } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.message, "Deployment closed");
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 5_000_000);
    const events = (await api("GET", `/v1/events/${dseq}`)).body.data as { reason: string }[];
    assert.equal(events.at(-1)?.reason, "LeaseClosed");
  });
});
