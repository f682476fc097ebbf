// Every client method sends the request its route describes and returns the unwrapped payload.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { routeList, routes, type OperationId } from "../contract/routes";
import { AkashClient } from "./client";
import { closeAllPools } from "./transport";
import { startFixture, type Fixture, type RecordedRequest } from "./testing/fixture-server";
import { PROVIDER_A, bid, deployment, listItem } from "./testing/samples";

const API_KEY = "ac.sk.test.methods";
const KEY_ID = "0b9f1c1e-8c4b-4c55-9a55-3d9a2c3c9f10";
const USER_ID = "5e0f4a3e-2a4e-4f7e-9a0e-1c2b3d4e5f60";
const NOW = "2026-01-01T00:00:00.000Z";
const apiKey = {
  id: KEY_ID,
  name: "ci",
  expiresAt: null,
  createdAt: NOW,
  updatedAt: NOW,
  lastUsedAt: null,
  keyFormat: "ac.sk.test.abcdef***uvwxyz",
};
const setting = {
  id: KEY_ID,
  userId: USER_ID,
  dseq: "5",
  autoTopUpEnabled: true,
  estimatedTopUpAmount: 1,
  topUpFrequencyMs: 1,
  createdAt: NOW,
  updatedAt: NOW,
};
const certificate = { serial: "1", state: "valid", certPem: "c", pubkeyPem: "p", createdAt: NOW };

// The answer body per operation, as the live API (or the seeds, for what the live API lacks) shape it.
const answers = {
  listApiKeys: [apiKey],
  createApiKey: { ...apiKey, apiKey: "ac.sk.test.full" },
  getApiKey: apiKey,
  updateApiKey: apiKey,
  deleteApiKey: undefined,
  listUserApiKeys: [apiKey],
  createUserApiKey: { ...apiKey, apiKey: "ac.sk.test.full" },
  getUserApiKey: apiKey,
  updateUserApiKey: apiKey,
  deleteUserApiKey: undefined,
  createCertificate: { certPem: "c", pubkeyPem: "p", encryptedKey: "k" },
  listCertificates: [certificate],
  revokeCertificate: { success: true },
  createDeployment: { dseq: "5", manifest: "[]", signTx: { code: 0, transactionHash: "AB", rawLog: "" } },
  listDeployments: {
    deployments: [listItem("5")],
    pagination: { total: 1, skip: 0, limit: 10, hasMore: false },
  },
  getDeployment: {
    ...deployment("5"),
    name: "web",
    consoleSettings: { sdl: "version: '2.0'", manifestVersion: "AAAA" },
  },
  patchDeployment: { ...deployment("5"), name: "web", manifestVersion: "BBBB" },
  updateDeployment: deployment("5"),
  closeDeployment: { success: true },
  depositDeployment: deployment("5"),
  depositDeploymentByDseq: deployment("5"),
  getDeploymentNames: { "5": "web", "6": null },
  getDeploymentFundingConfig: { targetRunwayHours: 48, balanceHeadroomUsd: 5, defaultDepositUsd: 0.5 },
  getSdlSecretsContext: {
    sub: USER_ID,
    kid: "k1",
    jwk: { kty: "RSA", n: "n", e: "AQAB", use: "enc", alg: "RSA-OAEP-256" },
    requiredClaims: ["kid", "sub", "exp"],
  },
  listBids: [bid("5", PROVIDER_A, "1.5")],
  listBidsByDseq: [bid("5", PROVIDER_A, "1.5")],
  createLease: deployment("5"),
  getLogs: [{ timestamp: NOW, service: "web", message: "listening" }],
  getEvents: [{ timestamp: NOW, type: "Normal", reason: "Started", message: "started" }],
  getBalances: { balance: 1, deployments: 2, total: 3 },
  listWallets: [
    {
      id: 1,
      userId: USER_ID,
      creditAmount: 1,
      address: "akash1x",
      denom: "uact",
      isTrialing: false,
      topUpMinAmountUsd: 20,
      createdAt: NOW,
    },
  ],
  getCurrentUser: { id: USER_ID, email: "a@b.c" },
  getDeploymentSettingV1: setting,
  createDeploymentSettingV1: setting,
  updateDeploymentSettingV1: setting,
  getDeploymentSetting: setting,
  createDeploymentSetting: setting,
  updateDeploymentSetting: setting,
} satisfies Record<OperationId, unknown>;

function matchRoute(request: RecordedRequest) {
  const path = request.url.split("?")[0] ?? "";
  return routeList.find(
    (route) =>
      route.method.toUpperCase() === request.method &&
      new RegExp(`^${route.path.replace(/\{\w+\}/g, "[^/]+")}$`).test(path),
  );
}

let fixture: Fixture;
let client: AkashClient;

before(async () => {
  fixture = await startFixture((request) => {
    const route = matchRoute(request);
    if (!route)
      return {
        status: 404,
        body: { error: "NotFoundError", message: "no route", code: "not_found", type: "client_error" },
      };
    const data = answers[route.operationId as OperationId];
    return data === undefined
      ? { status: route.successStatus }
      : { status: route.successStatus, body: { data, unknownTopLevel: true } };
  });
  client = new AkashClient({ apiKey: API_KEY, baseUrl: fixture.url, env: {} });
});
after(async () => {
  await fixture.close();
  await closeAllPools();
});

type Call = [OperationId, (c: AkashClient) => Promise<unknown>, string, unknown?];
const calls: Call[] = [
  ["listApiKeys", (c) => c.listApiKeys(), "/v1/api-keys"],
  ["createApiKey", (c) => c.createApiKey({ name: "ci" }), "/v1/api-keys", { data: { name: "ci" } }],
  ["getApiKey", (c) => c.getApiKey(KEY_ID), `/v1/api-keys/${KEY_ID}`],
  [
    "updateApiKey",
    (c) => c.updateApiKey(KEY_ID, { name: "n" }),
    `/v1/api-keys/${KEY_ID}`,
    { data: { name: "n" } },
  ],
  ["deleteApiKey", (c) => c.deleteApiKey(KEY_ID), `/v1/api-keys/${KEY_ID}`],
  ["listUserApiKeys", (c) => c.listUserApiKeys(), "/v1/users/api-keys"],
  [
    "createUserApiKey",
    (c) => c.createUserApiKey({ name: "ci" }),
    "/v1/users/api-keys",
    { data: { name: "ci" } },
  ],
  ["getUserApiKey", (c) => c.getUserApiKey(KEY_ID), `/v1/users/api-keys/${KEY_ID}`],
  [
    "updateUserApiKey",
    (c) => c.updateUserApiKey(KEY_ID, { name: "n" }),
    `/v1/users/api-keys/${KEY_ID}`,
    { data: { name: "n" } },
  ],
  ["deleteUserApiKey", (c) => c.deleteUserApiKey(KEY_ID), `/v1/users/api-keys/${KEY_ID}`],
  ["createCertificate", (c) => c.createCertificate(), "/v1/certificates"],
  ["listCertificates", (c) => c.listCertificates(), "/v1/certificates"],
  ["revokeCertificate", (c) => c.revokeCertificate("1"), "/v1/certificates/1"],
  [
    "createDeployment",
    (c) => c.createDeployment({ sdl: "sdl", deposit: "5.25" }),
    "/v1/deployments",
    { data: { sdl: "sdl", deposit: 5.25 } },
  ],
  ["listDeployments", (c) => c.listDeployments({ skip: 0, limit: 10 }), "/v1/deployments?skip=0&limit=10"],
  ["getDeployment", (c) => c.getDeployment(5n), "/v1/deployments/5"],
  [
    "patchDeployment",
    (c) => c.patchDeployment(5, { services: { web: { image: "nginx:1.27" } }, ifManifestVersion: "AAAA" }),
    "/v1/deployments/5",
    { data: { services: { web: { image: "nginx:1.27" } }, ifManifestVersion: "AAAA" } },
  ],
  ["getDeploymentNames", (c) => c.getDeploymentNames([5, "6"]), "/v1/deployment-names?dseq=5&dseq=6"],
  ["getDeploymentFundingConfig", (c) => c.getDeploymentFundingConfig(), "/v1/deployment-funding-config"],
  [
    "updateDeployment",
    (c) => c.updateDeployment("5", "sdl2"),
    "/v1/deployments/5",
    { data: { sdl: "sdl2" } },
  ],
  ["closeDeployment", (c) => c.closeDeployment(5), "/v1/deployments/5"],
  [
    "depositDeployment",
    (c) => c.depositDeployment(5, "0.5"),
    "/v1/deposit-deployment",
    { data: { dseq: "5", deposit: 0.5 } },
  ],
  [
    "depositDeploymentByDseq",
    (c) => c.depositDeploymentByDseq(5, 2),
    "/v1/deployments/deposit/5",
    { data: { deposit: 2 } },
  ],
  ["listBids", (c) => c.listBids("5"), "/v1/bids?dseq=5"],
  ["listBidsByDseq", (c) => c.listBidsByDseq("5"), "/v1/bids/5"],
  [
    "createLease",
    (c) => c.createLease({ manifest: "[]", leases: [{ dseq: 5, gseq: 1, oseq: 1, provider: PROVIDER_A }] }),
    "/v1/leases",
    { manifest: "[]", leases: [{ dseq: "5", gseq: 1, oseq: 1, provider: PROVIDER_A }] },
  ],
  ["getSdlSecretsContext", (c) => c.getSdlSecretsContext(), "/v1/sdl-secrets-context"],
  ["getLogs", (c) => c.getLogs(5, { service: "web", tail: 10 }), "/v1/logs/5?service=web&tail=10"],
  ["getEvents", (c) => c.getEvents(5), "/v1/events/5"],
  ["getBalances", (c) => c.getBalances(), "/v1/balances"],
  ["listWallets", (c) => c.listWallets(USER_ID), `/v1/wallets?userId=${USER_ID}`],
  ["getCurrentUser", (c) => c.getCurrentUser(), "/v1/user/me"],
  [
    "getDeploymentSettingV1",
    (c) => c.getDeploymentSettingV1(USER_ID, 5),
    `/v1/deployment-settings/${USER_ID}/5`,
  ],
  [
    "createDeploymentSettingV1",
    (c) => c.createDeploymentSettingV1({ userId: USER_ID, dseq: "5" }),
    "/v1/deployment-settings",
    { data: { userId: USER_ID, dseq: "5" } },
  ],
  [
    "updateDeploymentSettingV1",
    (c) => c.updateDeploymentSettingV1(USER_ID, 5, true),
    `/v1/deployment-settings/${USER_ID}/5`,
    { data: { autoTopUpEnabled: true } },
  ],
  ["getDeploymentSetting", (c) => c.getDeploymentSetting(5), "/v2/deployment-settings/5"],
  [
    "createDeploymentSetting",
    (c) => c.createDeploymentSetting({ dseq: 5, autoTopUpEnabled: true }),
    "/v2/deployment-settings",
    { data: { dseq: "5", autoTopUpEnabled: true } },
  ],
  [
    "updateDeploymentSetting",
    (c) => c.updateDeploymentSetting(5, false, USER_ID),
    `/v2/deployment-settings/5?userId=${USER_ID}`,
    { data: { autoTopUpEnabled: false } },
  ],
];

describe("one method per route", () => {
  test("the table covers every route", () => {
    assert.deepEqual(calls.map(([op]) => op).sort(), Object.keys(routes).sort());
  });

  for (const [operationId, call, url, body] of calls) {
    test(`${operationId}: ${routes[operationId].method.toUpperCase()} ${url}`, async () => {
      const before = fixture.requests.length;
      const result = await call(client);
      const request = fixture.requests[before];
      assert.ok(request, "a request was sent");
      assert.equal(fixture.requests.length, before + 1, "exactly one request");
      assert.equal(request.method, routes[operationId].method.toUpperCase());
      assert.equal(request.url, url);
      assert.equal(request.headers["x-api-key"], API_KEY);
      assert.deepEqual(request.json, body);
      assert.equal(request.headers["content-type"], body === undefined ? undefined : "application/json");
      assert.deepEqual(result, answers[operationId], "the unwrapped, validated payload");
    });
  }

  test("call() answers the full envelope, without unknown fields", async () => {
    const page = await client.call("listDeployments", { query: { limit: 10 } });
    assert.deepEqual(Object.keys(page), ["data"]);
    assert.equal(page.data.pagination.total, 1);
  });
});

describe("getSdlSecretsContext", () => {
  test("also reads the bare answer of the upstream version that sends no envelope", async () => {
    const bare = await startFixture(() => ({ body: answers.getSdlSecretsContext }));
    try {
      const plain = new AkashClient({ apiKey: API_KEY, baseUrl: bare.url, env: {} });
      assert.deepEqual(await plain.getSdlSecretsContext(), answers.getSdlSecretsContext);
    } finally {
      await bare.close();
    }
  });
});

describe("listAllDeployments", () => {
  test("walks every page with skip/limit until hasMore is false", async () => {
    const total = 7;
    const pages = await startFixture((request) => {
      const query = new URL(request.url, "http://x").searchParams;
      const skip = Number(query.get("skip"));
      const limit = Number(query.get("limit"));
      const deployments = Array.from({ length: Math.max(0, Math.min(limit, total - skip)) }, (_, i) =>
        listItem(String(skip + i + 1)),
      );
      return {
        body: { data: { deployments, pagination: { total, skip, limit, hasMore: total > skip + limit } } },
      };
    });
    try {
      const paged = new AkashClient({ apiKey: API_KEY, baseUrl: pages.url, env: {} });
      const seen: string[] = [];
      for await (const item of paged.listAllDeployments({ pageSize: 3 })) seen.push(item.deployment.id.dseq);
      assert.deepEqual(seen, ["1", "2", "3", "4", "5", "6", "7"]);
      assert.deepEqual(
        pages.requests.map((r) => r.url),
        [
          "/v1/deployments?skip=0&limit=3",
          "/v1/deployments?skip=3&limit=3",
          "/v1/deployments?skip=6&limit=3",
        ],
      );
    } finally {
      await pages.close();
    }
  });

  test("stops on an empty page even if the server claims more", async () => {
    const pages = await startFixture(() => ({
      body: { data: { deployments: [], pagination: { total: 5, skip: 0, limit: 3, hasMore: true } } },
    }));
    try {
      const paged = new AkashClient({ apiKey: API_KEY, baseUrl: pages.url, env: {} });
      const seen = [];
      for await (const item of paged.listAllDeployments()) seen.push(item);
      assert.equal(seen.length, 0);
      assert.equal(pages.requests.length, 1);
    } finally {
      await pages.close();
    }
  });
});

describe("base URL with a path prefix", () => {
  test("the prefix is kept in front of every route", async () => {
    const prefixed = new AkashClient({ apiKey: API_KEY, baseUrl: `${fixture.url}/api/`, env: {} });
    const before = fixture.requests.length;
    await prefixed.getBalances().catch(() => undefined);
    assert.equal(fixture.requests[before]?.url, "/api/v1/balances");
  });
});
