import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../../market";
import { client, helloSdl } from "../../test-support/http";
import { describeEachStore } from "../../test-support/stores";
import { INSUFFICIENT_BALANCE_MESSAGE } from "../../services/deployments";

describeEachStore("credit, deposits and idempotency", (store) => {
  test("concurrent creates spending the same credit never overdraw it", async () => {
    const server = await store.start({ clock: new ManualClock({ startMs: Date.UTC(2026, 0, 1) }) });
    const { apiKey } = await server.createUser("race@example.com", 12);
    const api = client(server.url, apiKey);
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses.filter((s) => s === 201).length, 2, JSON.stringify(statuses));
    assert.ok(
      statuses.every((s) => s === 201 || s === 402),
      JSON.stringify(statuses),
    );
    const refused = answers.find((a) => a.status === 402);
    assert.deepEqual(refused?.body, {
      error: "PaymentRequiredError",
      message: INSUFFICIENT_BALANCE_MESSAGE,
      code: "payment_required",
      type: "client_error",
    });
    assert.deepEqual((await api("GET", "/v1/balances")).body.data, {
      balance: 2_000_000,
      deployments: 10_000_000,
      total: 12_000_000,
    });
    assert.equal((await api("GET", "/v1/deployments")).body.data.pagination.total, 2);
  });

  test("concurrent deposits into one deployment: every accepted one is counted once", async () => {
    const server = await store.start({ clock: new ManualClock({ startMs: Date.UTC(2026, 0, 1) }) });
    const { apiKey } = await server.createUser("deposits@example.com", 10);
    const api = client(server.url, apiKey);
    const { dseq } = (await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } })).body
      .data;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        api("POST", `/v1/deployments/deposit/${dseq}`, { data: { deposit: 1 } }),
      ),
    );
    const accepted = answers.filter((a) => a.status === 200).length;
    assert.equal(accepted, 5, JSON.stringify(answers.map((a) => a.status)));
    const deployment = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
    assert.equal(deployment.escrow_account.state.deposits.length, 6);
    assert.equal(deployment.escrow_account.state.funds[0].amount, "10000000.000000000000000000");
    assert.deepEqual((await api("GET", "/v1/balances")).body.data, {
      balance: 0,
      deployments: 10_000_000,
      total: 10_000_000,
    });
  });

  test("Idempotency-Key: a repeat answers the original, another body is a 422, the money moves once", async () => {
    const server = await store.start({ clock: new ManualClock({ startMs: Date.UTC(2026, 0, 1) }) });
    const { apiKey } = await server.createUser("idem@example.com", 20);
    const api = client(server.url, apiKey);
    const body = { data: { sdl: helloSdl(), deposit: 5 } };
    const headers = { "idempotency-key": "create-1" };
    const first = await api("POST", "/v1/deployments", body, headers);
    const again = await api("POST", "/v1/deployments", body, headers);
    assert.equal(first.status, 201);
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    const other = await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 6 } }, headers);
    assert.equal(other.status, 422);
    assert.equal(other.body.error, "UnprocessableEntityError");
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 15_000_000);

    // Concurrent repeats of one deposit: one runs, the others wait for it and replay it.
    const { dseq } = first.body.data;
    const deposit = { data: { dseq, deposit: 1 } };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        api("POST", "/v1/deposit-deployment", deposit, { "idempotency-key": "deposit-1" }),
      ),
    );
    assert.deepEqual(answers.map((a) => [a.status, a.headers.get("idempotent-replayed")]).sort(), [
      [200, null],
      [200, "true"],
      [200, "true"],
      [200, "true"],
      [200, "true"],
    ]);
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 14_000_000);

    // A failed request frees its key: after a 402 and a top-up, the same key and body succeed.
    const poor = client(server.url, (await server.createUser("poor@example.com", 1)).apiKey);
    const tooBig = await poor("POST", "/v1/deployments", body, { "idempotency-key": "k" });
    assert.equal(tooBig.status, 402);
    await server.creditUser("poor@example.com", 10);
    assert.equal((await poor("POST", "/v1/deployments", body, { "idempotency-key": "k" })).status, 201);
    // Keys are per user: another user's "create-1" is a request of its own, not a replay.
    const theirs = await poor("POST", "/v1/deployments", body, headers);
    assert.equal(theirs.status, 201);
    assert.notEqual(theirs.body.data.dseq, first.body.data.dseq);
  });

  test("deposits: minimum at creation, missing deposit, unknown deployment, non-positive amounts", async () => {
    const server = await store.start({
      clock: new ManualClock({ startMs: Date.UTC(2026, 0, 1) }),
      minDepositUsd: 5,
    });
    const api = client(server.url, (await server.createUser("rules@example.com", 100)).apiKey);
    const low = await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 4.99 } });
    assert.equal(low.status, 400);
    assert.equal(low.body.message, "Deposit too low: the minimum deposit is $5");
    const missing = await api("POST", "/v1/deployments", { data: { sdl: helloSdl() } });
    assert.equal(missing.body.message, "deposit is required");
    const unknown = await api("POST", "/v1/deposit-deployment", { data: { dseq: "123", deposit: 1 } });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.message, "Deployment not found");
    for (const deposit of [0, -1, 0.0000001]) {
      const answer = await api("POST", "/v1/deposit-deployment", { data: { dseq: "123", deposit } });
      assert.equal(answer.status, 400, `deposit ${deposit}`);
      assert.deepEqual(answer.body.data[0].path, ["data", "deposit"]);
    }
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 100_000_000);
  });
});
