import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ManualClock } from "../../market";
import { startServer, type RunningServer } from "../../index";
import { LAST_USED_THROTTLE_MS } from "../../services/api-keys";
import { NUL_MESSAGE } from "../../../sdk/contract";
import { client } from "../../test-support/http";
import { describeEachStore } from "../../test-support/stores";

describe("API keys", () => {
  const clock = new ManualClock({ startMs: Date.UTC(2026, 0, 1) });
  let server: RunningServer;
  let key: string;
  before(async () => {
    server = await startServer({ logLevel: "silent", clock, apiKeyEnv: "test" });
    key = (await server.createUser("keys@example.com", 10)).apiKey;
  });
  after(() => server.close());

  for (const base of ["/v1/api-keys", "/v1/users/api-keys"]) {
    test(`${base}: create shows the key once, lists obfuscate it, get/patch/delete, revocation is immediate`, async () => {
      const api = client(server.url, key);
      const created = await api("POST", base, { data: { name: "ci" } });
      assert.equal(created.status, 201);
      const secret: string = created.body.data.apiKey;
      assert.match(secret, /^ac\.sk\.test\.[0-9a-f]{64}$/);
      assert.equal(created.body.data.keyFormat, `ac.sk.test.${secret.slice(11, 17)}***${secret.slice(-6)}`);
      assert.equal(created.body.data.expiresAt, null);

      const listed = await api("GET", base);
      assert.equal(listed.status, 200);
      assert.ok(!listed.text.includes(secret.slice(11)), "the secret never appears in a list");
      const mine = listed.body.data.find((k: { id: string }) => k.id === created.body.data.id);
      assert.equal(mine.keyFormat, created.body.data.keyFormat);
      assert.equal("apiKey" in mine, false);

      const id = created.body.data.id;
      assert.equal((await api("GET", `${base}/${id}`)).body.data.name, "ci");
      const renamed = await api("PATCH", `${base}/${id}`, { data: { name: "renamed" } });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.data.name, "renamed");

      // The new key manages keys too; deleting it makes its next request a 401.
      const withNew = client(server.url, secret);
      assert.equal((await withNew("GET", base)).status, 200);
      const deleted = await api("DELETE", `${base}/${id}`);
      assert.equal(deleted.status, 204);
      assert.equal(deleted.text, "");
      const revoked = await withNew("GET", base);
      assert.equal(revoked.status, 401);
      assert.deepEqual(revoked.body, {
        error: "UnauthorizedError",
        message: "Invalid API key",
        code: "unauthorized",
        type: "client_error",
      });
      assert.equal((await api("GET", `${base}/${id}`)).status, 404);
    });
  }

  test("unknown key id -> 404 with the live body; non-uuid -> 400 validation error", async () => {
    const api = client(server.url, key);
    const missing = await api("GET", "/v1/api-keys/00000000-0000-4000-8000-000000000000");
    assert.deepEqual(missing.body, {
      error: "NotFoundError",
      message: "API key not found",
      code: "not_found",
      type: "client_error",
    });
    // Regression: zod 4's uuid() refuses this id (version digit 1... variant digit 1) where the
    // Console's zod 3 takes it and answers 404; so do we now, on every method and at both paths.
    const looseUuid = "12345678-1234-1234-1234-123456789abc";
    for (const [method, path, body] of [
      ["GET", `/v1/api-keys/${looseUuid}`, undefined],
      ["PATCH", `/v1/api-keys/${looseUuid}`, { data: { name: "x" } }],
      ["DELETE", `/v1/api-keys/${looseUuid}`, undefined],
      ["GET", `/v1/users/api-keys/${looseUuid}`, undefined],
    ] as const) {
      assert.equal((await api(method, path, body)).status, 404, `${method} ${path}`);
    }
    const bad = await api("GET", "/v1/api-keys/not-a-uuid");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "validation_error");
    assert.deepEqual(bad.body.data[0].path, ["id"]);
  });

  test("expiry: a past expiresAt is a 400 naming the field; a key stops working once it expires", async () => {
    const api = client(server.url, key);
    const past = await api("POST", "/v1/api-keys", {
      data: { name: "old", expiresAt: "2001-01-01T00:00:00Z" },
    });
    assert.equal(past.status, 400);
    assert.equal(past.body.message, "Validation error");
    assert.deepEqual(past.body.data[0].path, ["data", "expiresAt"]);
    assert.equal(past.body.data[0].message, "Expiration date must be in the future");

    // The contract checks "future" against wall time; the server's clock then decides expiry.
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await api("POST", "/v1/api-keys", { data: { name: "short", expiresAt } });
    assert.equal(created.status, 201);
    assert.equal(created.body.data.expiresAt, expiresAt);
    const shortLived = client(server.url, created.body.data.apiKey);
    clock.advanceMs(Math.max(0, Date.now() - clock.now()) + 3_600_000);
    assert.equal((await shortLived("GET", "/v1/api-keys")).status, 401);
  });

  test("lastUsedAt is written at most every 30 minutes", async () => {
    const api = client(server.url, key);
    const { body } = await api("POST", "/v1/api-keys", { data: { name: "usage" } });
    const user = client(server.url, body.data.apiKey);
    const lastUsed = async () => (await api("GET", `/v1/api-keys/${body.data.id}`)).body.data.lastUsedAt;
    assert.equal(await lastUsed(), null);
    await user("GET", "/v1/user/me");
    const first = await lastUsed();
    assert.equal(first, new Date(clock.now()).toISOString());
    clock.advanceMs(LAST_USED_THROTTLE_MS - 1000);
    await user("GET", "/v1/user/me");
    assert.equal(await lastUsed(), first, "not rewritten within 30 minutes");
    clock.advanceMs(2000);
    await user("GET", "/v1/user/me");
    assert.equal(await lastUsed(), new Date(clock.now()).toISOString());
  });

  test("credentials: Bearer works, both headers -> 400, malformed/unknown key -> 401, none -> 401 Unauthorized", async () => {
    const bearer = await client(server.url)("GET", "/v1/api-keys", undefined, {
      authorization: `Bearer ${key}`,
    });
    assert.equal(bearer.status, 200);
    const both = await client(server.url, key)("GET", "/v1/api-keys", undefined, {
      authorization: `Bearer ${key}`,
    });
    assert.equal(both.status, 400);
    assert.equal(both.body.message, "Authorization and X-Api-Key headers are mutually exclusive");
    for (const wrong of [
      "nope",
      `ac.sk.production.${"a".repeat(64)}`,
      `ac.sk.test.${"b".repeat(64)}`,
      `${key}x`,
    ]) {
      const answer = await client(server.url, wrong)("GET", "/v1/api-keys");
      assert.equal(answer.status, 401, wrong);
      assert.equal(answer.body.message, "Invalid API key");
    }
    const anonymous = await client(server.url)("GET", "/v1/api-keys");
    assert.deepEqual(anonymous.body, {
      error: "UnauthorizedError",
      message: "Unauthorized",
      code: "unauthorized",
      type: "client_error",
    });
  });

  test("another user's keys are invisible and untouchable (404, never 403)", async () => {
    const other = client(server.url, (await server.createUser("other-keys@example.com", 1)).apiKey);
    const theirs = (await other("POST", "/v1/api-keys", { data: { name: "theirs" } })).body.data.id;
    const api = client(server.url, key);
    assert.ok(!(await api("GET", "/v1/api-keys")).body.data.some((k: { id: string }) => k.id === theirs));
    assert.equal((await api("GET", `/v1/api-keys/${theirs}`)).status, 404);
    assert.equal((await api("PATCH", `/v1/api-keys/${theirs}`, { data: { name: "x" } })).status, 404);
    assert.equal((await api("DELETE", `/v1/api-keys/${theirs}`)).status, 404);
    assert.equal((await other("GET", `/v1/api-keys/${theirs}`)).status, 200);
  });
});

describeEachStore("API key names", (store) => {
  test("a NUL character in a key's name is a 400 naming the field, on both stores, and nothing is stored", async () => {
    const server = await store.start();
    const api = client(server.url, (await server.createUser("nul-keys@example.com", 10)).apiKey);
    const created = await api("POST", "/v1/api-keys", { data: { name: "kept" } });
    const refused = [
      await api("POST", "/v1/api-keys", { data: { name: "ci\u0000" } }),
      await api("PATCH", `/v1/api-keys/${created.body.data.id}`, { data: { name: "ci\u0000" } }),
    ];
    for (const answer of refused) {
      assert.equal(answer.status, 400, answer.text);
      assert.equal(answer.body.code, "validation_error");
      assert.deepEqual(
        answer.body.data.map((issue: { path: unknown; message: string }) => [issue.path, issue.message]),
        [[["data", "name"], NUL_MESSAGE]],
      );
    }
    const names = (await api("GET", "/v1/api-keys")).body.data.map((k: { name: string }) => k.name);
    assert.deepEqual(names.sort(), ["default", "kept"].sort());
  });
});
