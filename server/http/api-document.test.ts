// /v1/doc tells a client what this server offers, the deposit minimum included where deposits count.
import assert from "node:assert/strict";
import { test } from "node:test";
import { apiOfferings, ApiDocumentSchema } from "../../sdk";
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
