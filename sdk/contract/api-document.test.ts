// Reading what an API offers from its OpenAPI document, as the live API wrote it on 2026-08-22
// (OpenAPI 3.0, $refs into components, a lease that requires the manifest) and as it writes it now.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AEP63_OFFERINGS, apiOfferings, type ApiDocument } from "./api-document";

const body = (schema: unknown) => ({ requestBody: { content: { "application/json": { schema } } } });

/** The live document's shapes of 2026-08-22, cut to what the offerings read. */
const august: ApiDocument = {
  openapi: "3.0.0",
  paths: {
    "/v1/deployments": {
      post: body({
        type: "object",
        properties: { data: { $ref: "#/components/schemas/CreateDeploymentData" } },
        required: ["data"],
      }),
    },
    "/v1/deployments/{dseq}": { get: {}, put: {}, delete: {} },
    "/v1/leases": {
      post: body({
        type: "object",
        properties: { manifest: { type: "string" } },
        required: ["manifest", "leases"],
      }),
    },
  },
  components: {
    schemas: {
      CreateDeploymentData: {
        type: "object",
        properties: { sdl: { type: "string" }, deposit: { type: "number", deprecated: true } },
        required: ["sdl"],
      },
    },
  },
};

describe("apiOfferings", () => {
  test("the August live document: PUT only, no names or limits or secrets, the lease needs its manifest", () => {
    const offerings = apiOfferings(august);
    assert.deepEqual(
      { ...offerings, createFields: [...offerings.createFields] },
      { ...AEP63_OFFERINGS, documented: true, createFields: ["sdl", "deposit"] },
    );
  });

  test("today's document: every feature, found through $refs; a published deposit minimum", () => {
    const today = structuredClone(august);
    Object.assign(today.paths, {
      "/v1/deployments/{dseq}": { get: {}, patch: {}, put: {}, delete: {} },
      "/v2/deployment-settings/{dseq}": { get: {}, patch: {} },
      "/v1/sdl-secrets-context": { get: {} },
      "/v1/leases": {
        post: body({ type: "object", properties: { manifest: { type: "string" } }, required: ["leases"] }),
      },
    });
    Object.assign((today.components!.schemas!.CreateDeploymentData as { properties: object }).properties, {
      deposit: { type: "number", minimum: 5 },
      name: { type: "string" },
      runtimeLimitHours: { type: "integer" },
      sealedSecrets: { $ref: "#/components/schemas/SealedSecrets" },
    });
    today.components!.schemas!.SealedSecrets = { type: "string" };
    const offerings = apiOfferings(today);
    assert.equal(offerings.patchDeployment, true);
    assert.equal(offerings.runtimeLimits, true);
    assert.equal(offerings.sealedSecrets, true);
    assert.equal(offerings.leaseNeedsManifest, false);
    assert.equal(offerings.minDepositUsd, 5);
    assert.deepEqual(
      [...offerings.createFields],
      ["sdl", "deposit", "name", "runtimeLimitHours", "sealedSecrets"],
    );
  });

  test("runtime limits need both the create field and the extension endpoint", () => {
    const partial = structuredClone(august);
    Object.assign((partial.components!.schemas!.CreateDeploymentData as { properties: object }).properties, {
      runtimeLimitHours: { type: "integer" },
    });
    assert.equal(apiOfferings(partial).runtimeLimits, false);
  });
});
