// The API facade against the reference API: what counts as "not found", and the base-URL check.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AkashClient } from "../../sdk";
import { referenceApi, type ReferenceApi } from "../engine-tests/reference-api";
import { nginxSdl } from "../engine-tests/sdl-fixtures";
import { loopbackProxy } from "../engine-tests/loopback-proxy";
import { createApi } from "./api";

describe("API facade", () => {
  let ref: ReferenceApi;
  before(async () => {
    ref = await referenceApi();
  });
  after(() => ref.close());

  const apiAt = (baseUrl: string, apiKey = ref.apiKey) =>
    createApi(new AkashClient({ apiKey, baseUrl, retry: { retries: 0 } }));

  test("a wrong base URL is an error naming it, never 'deployment gone'", async () => {
    const { dseq } = await ref.client.createDeployment({ sdl: nginxSdl(), deposit: 5 });
    const wrong = apiAt(`${ref.server.url}/nope`);
    await assert.rejects(wrong.verify(), (err: Error) => {
      assert.match(err.message, new RegExp(`${ref.server.url}/nope does not answer as an Akash Console`));
      assert.match(err.message, /Nothing was changed/);
      return true;
    });
    // Without the check, reads and closes still refuse to take a bare 404 for "gone".
    await assert.rejects(wrong.getDeployment(dseq), /HTTP 404/);
    await assert.rejects(wrong.closeDeployment(dseq), /HTTP 404/);
    assert.equal((await ref.client.getDeployment(dseq)).deployment.state, "active", "still active");
    await ref.client.closeDeployment(dseq);
  });

  test("a 404 that says 'Deployment not found' means gone", async () => {
    const api = apiAt(ref.server.url);
    await api.verify();
    assert.equal(await api.getDeployment("999999999"), undefined);
    await api.closeDeployment("999999999");
  });

  test("a refused key fails the check, saying how to set one and how refresh/destroy pick it up", async () => {
    await assert.rejects(apiAt(ref.server.url, "ac.sk.test.nope").verify(), (err: Error) => {
      assert.match(err.message, /refused the API key/);
      assert.match(err.message, /--run-program/);
      assert.ok(!err.message.includes("ac.sk.test.nope"), "the key is not echoed");
      return true;
    });
  });

  test("an API answering 503 to the first request is unavailable, retried and said so; not 'check akash:baseUrl'", async () => {
    let asked = 0;
    const busy = await loopbackProxy(ref.server.url, {
      answer: () => (
        asked++,
        { status: 503, body: '{"error":"ServiceUnavailableError","message":"restarting"}' }
      ),
    });
    try {
      const api = createApi(
        new AkashClient({ apiKey: ref.apiKey, baseUrl: busy.url, retry: { retries: 2, baseDelayMs: 10 } }),
      );
      await assert.rejects(api.verify(), (err: Error) => {
        assert.match(err.message, new RegExp(`the API at ${busy.url} is unavailable right now`));
        assert.match(err.message, /Run the command again later/);
        assert.doesNotMatch(err.message, /does not answer as an Akash Console managed-wallet API/);
        return true;
      });
      assert.equal(asked, 3, "retried as any transient error is");
    } finally {
      await busy.close();
    }
  });

  test("keyOwner is the key's wallet address", async () => {
    const { deployment } = await ref.client.getDeployment(
      (await ref.client.createDeployment({ sdl: nginxSdl(), deposit: 5 })).dseq,
    );
    assert.equal(await apiAt(ref.server.url).keyOwner(), deployment.id.owner);
    await ref.client.closeDeployment(deployment.id.dseq);
  });

  test("a preview asks what an unreachable API offers once, briefly, then not again in this process", async () => {
    let asked = 0;
    const down = await loopbackProxy(ref.server.url, {
      answer: () => (asked++, { status: 503, body: "down" }),
    });
    try {
      // Retries as configured for the handlers' own calls: the preview's read must not use them.
      const api = createApi(
        new AkashClient({ apiKey: ref.apiKey, baseUrl: down.url, retry: { retries: 4 } }),
      );
      assert.equal(await api.offeringsIfReachable(), undefined);
      assert.equal(await api.offeringsIfReachable(), undefined);
      assert.equal(asked, 1, "one attempt, then none");
    } finally {
      await down.close();
    }
    const offered = await apiAt(ref.server.url).offeringsIfReachable();
    assert.equal(offered?.patchDeployment, true, "a reachable API's offerings, read quickly");
  });
});
