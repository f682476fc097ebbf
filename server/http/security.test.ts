import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startServer, type RunningServer } from "../index";
import { ManualClock } from "../market";
import { client, helloSdl, type Caller } from "../test-support/http";

// Generated from the served OpenAPI document: a route added to the contract is covered here
// without touching this file, except for an example body when it takes one (enforced below).

interface Operation {
  method: string;
  path: string;
  operationId: string;
  hasBody: boolean;
  pathParams: string[];
  /** Documented without security requirements: answered without a key. */
  isPublic: boolean;
}

interface Ids {
  userId: string;
  dseq: string;
  keyId: string;
  serial: string;
}

/** A valid body per operation, built from the ids of the user the request is about. */
const EXAMPLE_BODIES: Record<string, (ids: Ids, manifest: string) => unknown> = {
  createApiKey: () => ({ data: { name: "probe" } }),
  updateApiKey: () => ({ data: { name: "probe" } }),
  createUserApiKey: () => ({ data: { name: "probe" } }),
  updateUserApiKey: () => ({ data: { name: "probe" } }),
  createDeployment: () => ({ data: { sdl: helloSdl(), deposit: 5 } }),
  updateDeployment: () => ({ data: { sdl: helloSdl({ image: "nginx:1.27" }) } }),
  depositDeployment: (ids) => ({ data: { dseq: ids.dseq, deposit: 1 } }),
  depositDeploymentByDseq: () => ({ data: { deposit: 1 } }),
  createLease: (ids, manifest) => ({
    manifest,
    leases: [{ dseq: ids.dseq, gseq: 1, oseq: 1, provider: "akash1zzfu2cmhn879jwxu2mhse0vqlzraa4a0adph0e" }],
  }),
  createDeploymentSettingV1: (ids) => ({
    data: { userId: ids.userId, dseq: ids.dseq, autoTopUpEnabled: true },
  }),
  updateDeploymentSettingV1: () => ({ data: { autoTopUpEnabled: false } }),
  createDeploymentSetting: (ids) => ({ data: { dseq: ids.dseq, autoTopUpEnabled: true } }),
  updateDeploymentSetting: () => ({ data: { autoTopUpEnabled: false } }),
  patchDeployment: () => ({ data: { services: { web: { image: "nginx:1.27" } }, name: "probe" } }),
};

/** Query strings that point at the user's things (routes whose target is in the query). */
const QUERIES: Record<string, (ids: Ids) => string> = {
  listBids: (ids) => `?dseq=${ids.dseq}`,
  listWallets: (ids) => `?userId=${ids.userId}`,
  getDeploymentNames: (ids) => `?dseq=${ids.dseq}`,
};

/** Operations whose target is the caller itself, so "another user's id" does not apply. */
const SELF_ONLY = new Set([
  "listApiKeys",
  "createApiKey",
  "listUserApiKeys",
  "createUserApiKey",
  "createCertificate",
  "listCertificates",
  "createDeployment",
  "listDeployments",
  "getBalances",
  "getCurrentUser",
  "getSdlSecretsContext",
  "getDeploymentFundingConfig",
]);

const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "1; DROP TABLE deployments; --",
  "\u0000",
  "💥🚀",
  "\u202e\u0301ｆｕｌｌ",
  "../../etc/passwd",
  "%00%27",
  "x".repeat(5000),
  "99999999999999999999999999",
  "-1",
  "1e309",
  "NaN",
];

function fillPath(path: string, ids: Ids): string {
  return path
    .replace("{dseq}", ids.dseq)
    .replace("{id}", path.includes("certificates") ? ids.serial : ids.keyId)
    .replace("{userId}", ids.userId);
}

describe("security sweep over every route of /v1/doc", () => {
  let server: RunningServer;
  let operations: Operation[];
  let alice: Caller;
  let bob: Caller;
  let bobIds: Ids;
  let aliceIds: Ids;
  let bobManifest: string;

  before(async () => {
    server = await startServer({
      logLevel: "silent",
      clock: new ManualClock({ startMs: Date.UTC(2026, 0, 1) }),
      bidDelayMs: 0,
    });
    const doc = (await client(server.url)("GET", "/v1/doc")).body as {
      paths: Record<
        string,
        Record<
          string,
          {
            operationId: string;
            requestBody?: unknown;
            parameters?: { in: string; name: string }[];
            security?: unknown[];
          }
        >
      >;
    };
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        hasBody: op.requestBody !== undefined,
        pathParams: (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name),
        isPublic: op.security?.length === 0,
      })),
    );
    const setUp = async (email: string): Promise<{ api: Caller; ids: Ids; manifest: string }> => {
      const { userId, apiKey } = await server.createUser(email, 1000);
      const api = client(server.url, apiKey);
      const created = (await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } })).body
        .data;
      const keyId = (await api("POST", "/v1/api-keys", { data: { name: "spare" } })).body.data.id;
      await api("POST", "/v1/certificates", {});
      const serial = (await api("GET", "/v1/certificates")).body.data[0].serial;
      return { api, ids: { userId, dseq: created.dseq, keyId, serial }, manifest: created.manifest };
    };
    const a = await setUp("alice@example.com");
    const b = await setUp("bob@example.com");
    alice = a.api;
    aliceIds = a.ids;
    bob = b.api;
    bobIds = b.ids;
    bobManifest = b.manifest;
  });
  after(() => server.close());

  test("the document lists the whole contract", () => {
    assert.ok(operations.length >= 34, `${operations.length} operations`);
    for (const op of operations.filter((o) => o.hasBody)) {
      assert.ok(EXAMPLE_BODIES[op.operationId], `add an example body for ${op.operationId} to this test`);
    }
  });

  test("every route without credentials -> 401 Unauthorized", async () => {
    const anonymous = client(server.url);
    assert.deepEqual(
      operations.filter((o) => o.isPublic).map((o) => o.operationId),
      ["getDeploymentFundingConfig", "getBalances"],
    );
    // Balances are public only for `?address=`: the caller's own still need a key.
    for (const op of operations.filter((o) => !o.isPublic || o.operationId === "getBalances")) {
      const body = op.hasBody ? EXAMPLE_BODIES[op.operationId]?.(aliceIds, "[]") : undefined;
      const answer = await anonymous(op.method, fillPath(op.path, aliceIds), body);
      assert.equal(answer.status, 401, `${op.method} ${op.path}: ${answer.text}`);
      assert.equal(answer.body.code, "unauthorized");
    }
  });

  test("every route aimed at another user's things -> 404, and their things are untouched", async () => {
    for (const op of operations.filter((o) => !SELF_ONLY.has(o.operationId))) {
      const body = op.hasBody ? EXAMPLE_BODIES[op.operationId]?.(bobIds, bobManifest) : undefined;
      const answer = await alice(
        op.method,
        fillPath(op.path, bobIds) + (QUERIES[op.operationId]?.(bobIds) ?? ""),
        body,
      );
      if (op.operationId === "listWallets") {
        assert.deepEqual(answer.body, { data: [] }, "another user's wallet is simply not listed");
        continue;
      }
      if (op.operationId === "getDeploymentNames") {
        assert.deepEqual(answer.body, { data: { [bobIds.dseq]: null } }, "another user's name is not told");
        continue;
      }
      assert.equal(answer.status, 404, `${op.method} ${op.path}: ${answer.text}`);
    }
    const deployment = await bob("GET", `/v1/deployments/${bobIds.dseq}`);
    assert.equal(deployment.body.data.deployment.state, "active");
    assert.equal(deployment.body.data.leases.length, 0);
    assert.equal(deployment.body.data.escrow_account.state.deposits.length, 1);
    assert.equal((await bob("GET", `/v1/api-keys/${bobIds.keyId}`)).body.data.name, "spare");
    assert.equal((await bob("GET", "/v1/certificates")).body.data[0].state, "valid");
  });

  test("malformed bodies on every body route: bad JSON, wrong types, no or wrong Content-Type, > 512 KiB", async () => {
    for (const op of operations.filter((o) => o.hasBody)) {
      const path = fillPath(op.path, aliceIds);
      const where = `${op.method} ${op.path}`;
      const badJson = await alice(op.method, path, '{"data": {', { "content-type": "application/json" });
      assert.equal(badJson.status, 400, `${where} bad JSON: ${badJson.text}`);
      for (const wrong of [
        [],
        "text",
        42,
        null,
        { data: 7 },
        { data: { sdl: 1, deposit: "5", name: [], dseq: {} } },
      ]) {
        const answer = await alice(op.method, path, JSON.stringify(wrong), {
          "content-type": "application/json",
        });
        assert.equal(answer.status, 400, `${where} ${JSON.stringify(wrong)}: ${answer.text}`);
      }
      const textType = await alice(op.method, path, "{}", { "content-type": "text/plain" });
      assert.equal(textType.status, 400, `${where} text/plain`);
      assert.deepEqual(textType.body, { error: "Unsupported Content-Type" });
      const huge = await alice(op.method, path, JSON.stringify({ data: { sdl: "x".repeat(600 * 1024) } }));
      assert.equal(huge.status, 413, `${where} 600 KiB`);
      assert.equal(huge.body.error, "PayloadTooLargeError");
    }
  });

  test("a body without Content-Type gets the live API's 400", async () => {
    const { apiKey } = await server.createUser("no-content-type@example.com", 10);
    const response = await fetch(`${server.url}/v1/deployments`, {
      method: "POST",
      headers: { "x-api-key": apiKey },
      body: new Blob([JSON.stringify({ data: { sdl: helloSdl(), deposit: 5 } })]),
    });
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), { error: "Content-Type header is required" });
  });

  test("SQL-ish, unicode and oversized strings in paths, queries and body fields -> 4xx, never 5xx", async () => {
    for (const op of operations) {
      for (const hostile of HOSTILE_STRINGS) {
        const encoded = encodeURIComponent(hostile);
        const path = op.path.replace(/\{\w+\}/g, encoded);
        const query = `?dseq=${encoded}&userId=${encoded}&skip=${encoded}&limit=${encoded}&address=${encoded}&since=${encoded}&tail=${encoded}`;
        const body = op.hasBody
          ? hostileBody(EXAMPLE_BODIES[op.operationId]?.(aliceIds, hostile), hostile)
          : undefined;
        const answer = await alice(op.method, path + query, body);
        assert.ok(
          answer.status < 500,
          `${op.method} ${path} with ${JSON.stringify(hostile.slice(0, 30))}: ${answer.status} ${answer.text.slice(0, 200)}`,
        );
      }
    }
    // The store is intact: Alice's deployment is still there and listing works.
    assert.equal((await alice("GET", `/v1/deployments/${aliceIds.dseq}`)).status, 200);
    assert.equal((await alice("GET", "/v1/deployments")).status, 200);
  });
});

/** Replaces every string in an example body with the hostile one (keeping the structure valid). */
function hostileBody(example: unknown, hostile: string): unknown {
  if (typeof example === "string") return hostile;
  if (Array.isArray(example)) return example.map((v) => hostileBody(v, hostile));
  if (example && typeof example === "object") {
    return Object.fromEntries(Object.entries(example).map(([k, v]) => [k, hostileBody(v, hostile)]));
  }
  return example;
}
