import assert from "node:assert/strict";
import { test } from "node:test";
import { startServer } from "../index";
import { ManualClock } from "../market";
import { client, helloSdl } from "../test-support/http";
import { describeEachStore } from "../test-support/stores";

const HOUR_MS = 3_600_000;

describeEachStore("Idempotency-Key expiry", (store) => {
  test("a key is replayed for 24 hours, then runs again; expired records are deleted", async () => {
    const clock = new ManualClock({ startMs: Date.UTC(2026, 0, 1) });
    const server = await store.start({ clock });
    const { apiKey, userId } = await server.createUser("ttl@example.com", 100);
    const other = await server.createUser("other@example.com", 100);
    const api = client(server.url, apiKey);
    const body = { data: { sdl: helloSdl(), deposit: 5 } };
    const create = (key: string, as = api) => as("POST", "/v1/deployments", body, { "idempotency-key": key });
    const keysOf = async (user: string) =>
      (
        await server.services.db
          .selectFrom("idempotency_keys")
          .select("key")
          .where("user_id", "=", user)
          .orderBy("key")
          .execute()
      ).map((r) => r.key);

    const first = await create("create-1");
    assert.equal(first.status, 201);
    assert.equal((await create("other-key")).status, 201);
    assert.equal((await create("create-1", client(server.url, other.apiKey))).status, 201);

    clock.advanceMs(24 * HOUR_MS - 1);
    const replay = await create("create-1");
    assert.equal(replay.headers.get("idempotent-replayed"), "true", "still remembered just before 24 hours");
    assert.deepEqual(replay.body, first.body);
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 90_000_000, "no money moved");

    clock.advanceMs(1);
    const rerun = await create("create-1");
    assert.equal(rerun.status, 201);
    assert.equal(rerun.headers.get("idempotent-replayed"), null, "an expired key is unused again");
    assert.notEqual(rerun.body.data.dseq, first.body.data.dseq);
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 85_000_000);
    assert.deepEqual(await keysOf(userId), ["create-1"], "the user's expired records are gone");
    assert.equal(
      (await create("create-1")).headers.get("idempotent-replayed"),
      "true",
      "the new record holds",
    );
    assert.deepEqual(await keysOf(other.userId), ["create-1"], "another user's keys wait for that user");
  });

  test("idempotencyTtlMs sets how long keys are remembered", async () => {
    const clock = new ManualClock({ startMs: Date.UTC(2026, 0, 1) });
    const server = await store.start({ clock, idempotencyTtlMs: 60_000 });
    const api = client(server.url, (await server.createUser("short@example.com", 100)).apiKey);
    const deposit = async () => {
      const { dseq } = (await api("GET", "/v1/deployments")).body.data.deployments[0].deployment.id;
      return api(
        "POST",
        "/v1/deposit-deployment",
        { data: { dseq, deposit: 1 } },
        { "idempotency-key": "d" },
      );
    };
    assert.equal(
      (await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } })).status,
      201,
    );
    assert.equal((await deposit()).status, 200);
    clock.advanceMs(59_999);
    assert.equal((await deposit()).headers.get("idempotent-replayed"), "true");
    clock.advanceMs(1);
    assert.equal((await deposit()).headers.get("idempotent-replayed"), null);
    assert.equal((await api("GET", "/v1/balances")).body.data.deployments, 7_000_000, "two deposits ran");
  });
});

test("idempotencyTtlMs must be a positive whole number of milliseconds", async () => {
  await assert.rejects(startServer({ logLevel: "silent", idempotencyTtlMs: 0 }), /idempotencyTtlMs must be/);
});
