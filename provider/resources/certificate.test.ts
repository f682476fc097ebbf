// Certificate handlers: against the reference API (which issues certificates, as the seeds say)
// and against an API that removed them (as the live Console API did).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { AkashClient } from "../../sdk";
import { createApi } from "./api";
import { referenceApi, type ReferenceApi } from "../engine-tests/reference-api";
import { certificateHandlers as h } from "./certificate";
import type { HandlerContext } from "./handler";

describe("Certificate handlers", () => {
  let ref: ReferenceApi;
  before(async () => {
    ref = await referenceApi();
  });
  after(() => ref.close());

  test("create gives PEMs and a serial; delete revokes; refresh then drops it", async () => {
    const { id, outs } = await h.create(ref.context(), {});
    assert.match(outs.certPem, /BEGIN CERTIFICATE/);
    assert.ok(outs.keyPem.length > 0);
    assert.equal(outs.serial, id);
    assert.equal((await h.read(ref.context(), id, outs)).id, id);
    await h.delete(ref.context(), id, outs);
    assert.deepEqual(await h.read(ref.context(), id, outs), {});
    await h.delete(ref.context(), id, outs);
  });

  test("an API without certificates (the live one): a clear error on create, no failure on read or delete", async () => {
    // The live API's answer since 2026-03-10, from a tiny loopback fixture (the reference API keeps them).
    const message =
      "This endpoint has been removed. mTLS certificates are no longer required as identity is now verified via API key.";
    const live = createServer((req, res) => {
      const removed = req.method === "POST";
      res.writeHead(removed ? 400 : 404, { "content-type": "application/json" });
      res.end(JSON.stringify(removed ? { error: message } : { message: "Not Found" }));
    });
    await new Promise<void>((resolve) => live.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = live.address() as AddressInfo;
      const client = new AkashClient({ apiKey: "ac.sk.test.x", baseUrl: `http://127.0.0.1:${port}` });
      const ctx: HandlerContext = { api: createApi(client), log: { info() {}, warn() {} } };
      await assert.rejects(
        h.create(ctx, {}),
        /does not issue certificates any more.*Remove the Certificate resource/s,
      );
      const props = { serial: "1", certPem: "x", pubkeyPem: "y", keyPem: "z" };
      assert.equal((await h.read(ctx, "1", props)).id, "1", "kept: the API cannot say otherwise");
      await h.delete(ctx, "1", props);
    } finally {
      live.close();
    }
  });
});
