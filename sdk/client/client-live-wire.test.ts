// The wire as Console clients checked it: every request and answer of the seed guide's flow and of
// the SDK client goes through Stoplight Prism, a proxy that validates both against the live
// Console API's published OpenAPI document. Any violation fails the test.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
// Tests may import anything (team rule); the sdk's own code must not depend on server/.
import { startServer } from "../../server";
import { client as rawClient, helloSdl } from "../../server/test-support/http";
import { waitForBids } from "../deploy";
import { AkashClient } from "./client";
import { prismProxy, type PrismProxy } from "./testing/prism";
import { closeAllPools } from "./transport";

type RunningServer = Awaited<ReturnType<typeof startServer>>;

let server: RunningServer;
let prism: PrismProxy;

before(async () => {
  server = await startServer({ logLevel: "silent", bidDelayMs: 50, startDelayMs: 100, blockTimeMs: 100 });
  prism = await prismProxy(server.url);
});

after(async () => {
  await closeAllPools();
  await prism.close();
  await server.close();
});

const noViolations = () => assert.deepEqual(prism.violations(), [], prism.log().slice(-4000));

describe("the wire against the live OpenAPI document (Prism validating proxy)", () => {
  test("the seed guide's flow: create, bids, lease, deposit, read, list, close", async () => {
    const { apiKey } = await server.createUser("seed-wire@example.test", 100);
    const api = rawClient(prism.url, apiKey);
    const created = await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } });
    assert.equal(created.status, 201, created.text);
    const { dseq, manifest } = created.body.data;
    let bids: { bid: { id: { gseq: number; oseq: number; provider: string } } }[] = [];
    for (let i = 0; i < 100 && bids.length === 0; i++) {
      const answer = await api("GET", `/v1/bids?dseq=${dseq}`);
      assert.equal(answer.status, 200, answer.text);
      bids = answer.body.data;
      if (bids.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const first = bids[0]?.bid;
    assert.ok(first, "bids arrive");
    const lease = await api("POST", "/v1/leases", {
      manifest,
      leases: [{ dseq, gseq: first.id.gseq, oseq: first.id.oseq, provider: first.id.provider }],
    });
    assert.equal(lease.status, 200, lease.text);
    const deposit = await api("POST", "/v1/deposit-deployment", { data: { dseq, deposit: 0.5 } });
    assert.equal(deposit.status, 200, deposit.text);
    assert.equal((await api("GET", `/v1/deployments/${dseq}`)).status, 200);
    assert.equal((await api("GET", "/v1/deployments")).status, 200);
    assert.equal((await api("GET", "/v1/balances")).status, 200);
    const closed = await api("DELETE", `/v1/deployments/${dseq}`);
    assert.equal(closed.status, 200, closed.text);
    noViolations();
  });

  test("the SDK client: keys, deployment, bids, lease, update, deposit, settings, close", async () => {
    const { apiKey, userId } = await server.createUser("sdk-wire@example.test", 100);
    const client = new AkashClient({ apiKey, baseUrl: prism.url, env: {}, retry: { retries: 0 } });
    const key = await client.createApiKey({ name: "wire" });
    await client.listApiKeys();
    await client.getApiKey(key.id);
    await client.updateApiKey(key.id, { name: "wire-renamed" });
    const { dseq, manifest } = await client.createDeployment({ sdl: helloSdl(), deposit: 5 });
    const [bid] = await waitForBids(client, dseq, { minBids: 1, timeoutMs: 10_000 });
    assert.ok(bid);
    await client.createLease({
      manifest,
      leases: [{ dseq, gseq: bid.bid.id.gseq, oseq: bid.bid.id.oseq, provider: bid.bid.id.provider }],
    });
    await client.getDeployment(dseq);
    await client.updateDeployment(dseq, helloSdl({ image: "nginx:1.27.0" }));
    await client.depositDeployment(dseq, 1);
    await client.listDeployments();
    await client.getBalances();
    await client.listWallets(userId);
    await client.getDeploymentSetting(dseq);
    await client.closeDeployment(dseq);
    await client.deleteApiKey(key.id);
    noViolations();
  });
});
