// /v1/doc tells a client what this server offers, the deposit minimum included where deposits count.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { apiOfferings, ApiDocumentSchema } from "../../sdk";
import { startServer } from "../index";
import { client } from "../test-support/http";
import { describeEachStore } from "../test-support/stores";

describeEachStore("/v1/doc", (store) => {
  test("--funding deposit publishes the configured minimum deposit; --funding auto publishes none", async () => {
    const deposit = await store.start({ minDepositUsd: 7.5 });
    const published = apiOfferings(
      ApiDocumentSchema.parse((await client(deposit.url)("GET", "/v1/doc")).body),
    );
    assert.equal(published.minDepositUsd, 7.5);
    const auto = await store.start({ funding: "auto" });
    const ignored = apiOfferings(ApiDocumentSchema.parse((await client(auto.url)("GET", "/v1/doc")).body));
    assert.equal(ignored.minDepositUsd, undefined, "the deposit is ignored: no minimum to respect");
  });

  test("the document offers every generation's features: PATCH, names, runtime limits, secrets, leases without a manifest", async () => {
    const server = await store.start({});
    const offerings = apiOfferings(
      ApiDocumentSchema.parse((await client(server.url)("GET", "/v1/doc")).body),
    );
    assert.deepEqual(
      { ...offerings, createFields: [...offerings.createFields].sort() },
      {
        documented: true,
        patchDeployment: true,
        createFields: ["deposit", "inheritSecretsFrom", "name", "runtimeLimitHours", "sdl", "sealedSecrets"],
        runtimeLimits: true,
        sealedSecrets: true,
        leaseNeedsManifest: false,
        minDepositUsd: 5,
      },
    );
  });
});

/** The live managed-wallet API's own OpenAPI document, as the shared reference keeps it. */
const LIVE_DOCUMENT = join(
  __dirname,
  "..",
  "..",
  "..",
  "..",
  "shared",
  "reference",
  "live-openapi-managed-wallet.json",
);

type Operations = Record<string, Record<string, { security?: unknown[] }>>;

test("/v1/doc marks exactly the routes answered without a key as public (security: []), as the live document does", async () => {
  const server = await startServer({ logLevel: "silent" });
  try {
    const { address } = await server.services.users.create("public@example.com", 1);
    const doc = (await client(server.url)("GET", "/v1/doc")).body as { paths: Operations };
    const anonymous = client(server.url);
    const publicOps: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const name = `${method.toUpperCase()} ${path}`;
        const url = path
          .replaceAll("{id}", "00000000-0000-4000-8000-000000000000")
          .replaceAll("{userId}", "someone")
          .replaceAll("{dseq}", "1");
        // A public route answers something other than 401 without a key, at least in one form.
        const query = path === "/v1/balances" ? `?address=${address}` : "";
        const body = ["get", "delete"].includes(method) ? undefined : { data: {} };
        const answer = await anonymous(method.toUpperCase(), `${url}${query}`, body);
        if (answer.status !== 401) publicOps.push(name);
        assert.deepEqual(
          operation.security,
          answer.status === 401 ? [{ ApiKeyAuth: [] }, { BearerAuth: [] }] : [],
          `${name} answers ${answer.status} without a key`,
        );
      }
    }
    assert.deepEqual(publicOps.sort(), ["GET /v1/balances", "GET /v1/deployment-funding-config"]);

    const live = JSON.parse(readFileSync(LIVE_DOCUMENT, "utf8")) as { paths: Operations };
    for (const [path, operations] of Object.entries(live.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const ours = doc.paths[path]?.[method];
        if (!ours) continue;
        assert.equal(
          (ours.security ?? []).length === 0,
          (operation.security ?? []).length === 0,
          `${method.toUpperCase()} ${path}: public here exactly when public in the live document`,
        );
      }
    }
  } finally {
    await server.close();
  }
});
