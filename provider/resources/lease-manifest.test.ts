// Lease requests carry the manifest only where the API needs it: today's API builds it from the
// stored definition (and must: only it can resolve the deployment's secrets into it), an API with
// only the AEP-63 surface checks the one it is sent.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { AkashClient } from "../../sdk";
import { aep63Api } from "../engine-tests/aep63-api";
import { referenceApi, type ReferenceApi } from "../engine-tests/reference-api";
import { nginxSdl } from "../engine-tests/sdl-fixtures";
import { createApi } from "./api";
import { deploymentHandlers } from "./deployment";
import type { HandlerContext } from "./handler";
import { leaseHandlers as h, leaseTiming } from "./lease";

describe("Lease manifests", () => {
  let ref: ReferenceApi;
  before(async () => {
    leaseTiming.firstPollMs = 20;
    leaseTiming.serviceFirstPollMs = 20;
    ref = await referenceApi();
  });
  after(() => ref.close());

  /** A deployment, and the manifest of another SDL: what a stale Lease.manifest would carry. */
  const deployWithStaleManifest = async (ctx: HandlerContext) => {
    const inputs = { sdl: nginxSdl(), deposit: 5, creationKey: `manifest-test/${randomUUID()}` };
    const dep = (await deploymentHandlers.create(ctx, inputs)).outs;
    const stale = dep.manifest.replace("nginx:1.25.3", "nginx:stale");
    assert.notEqual(stale, dep.manifest);
    return { dep, lease: { dseq: dep.dseq, manifest: stale, selection: { bidWindowSeconds: 0 } } };
  };

  test("today's API: no manifest is sent, so a stale one does not matter", async () => {
    const { dep, lease } = await deployWithStaleManifest(ref.context());
    const { outs } = await h.create(ref.context(), lease);
    assert.equal(outs.state, "active");
    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
  });

  test("an API with only the AEP-63 surface gets the manifest and refuses a stale one", async () => {
    const proxy = await aep63Api(ref.server.url);
    try {
      const api = createApi(
        new AkashClient({ apiKey: ref.apiKey, baseUrl: proxy.url, retry: { retries: 0 } }),
      );
      const ctx = { api, log: { info: () => {}, warn: () => {} } };
      const { dep, lease } = await deployWithStaleManifest(ctx);
      await assert.rejects(h.create(ctx, lease), /manifest does not match deployment/);
      await deploymentHandlers.delete(ctx, dep.dseq, dep);
    } finally {
      await proxy.close();
    }
  });
});
