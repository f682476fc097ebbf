import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startServer, type RunningServer } from "../../index";
import { ManualClock } from "../../market";
import { client, helloSdl, type Caller } from "../../test-support/http";

describe("balances, wallets, user, certificates, deployment settings", () => {
  let server: RunningServer;
  let api: Caller;
  let userId: string;
  before(async () => {
    server = await startServer({
      logLevel: "silent",
      clock: new ManualClock({ startMs: Date.UTC(2026, 0, 1) }),
    });
    const user = await server.createUser("account@example.com", 50);
    userId = user.userId;
    api = client(server.url, user.apiKey);
  });
  after(() => server.close());

  test("user/me and wallets: the caller's id, address, credit in micro-units", async () => {
    const me = (await api("GET", "/v1/user/me")).body.data;
    assert.equal(me.id, userId);
    assert.equal(me.email, "account@example.com");
    // Required in the Console's document (a Console client refused our answer without it).
    assert.equal(me.subscribedToNewsletter, false);
    const wallets = (await api("GET", `/v1/wallets?userId=${userId}`)).body.data;
    assert.equal(wallets.length, 1);
    assert.equal(wallets[0].creditAmount, 50_000_000);
    assert.equal(wallets[0].denom, "uact");
    assert.match(wallets[0].address, /^akash1[0-9a-z]{38}$/);
    assert.equal((await api("GET", "/v1/wallets")).status, 400);
  });

  test("balances: own, by address without credentials (as live), unknown address 404, invalid address 400", async () => {
    const own = (await api("GET", "/v1/balances")).body.data;
    assert.deepEqual(own, { balance: 50_000_000, deployments: 0, total: 50_000_000 });
    const address = (await api("GET", `/v1/wallets?userId=${userId}`)).body.data[0].address;
    assert.deepEqual((await client(server.url)("GET", `/v1/balances?address=${address}`)).body.data, own);
    const unknown = await api("GET", "/v1/balances?address=akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.message, "UserWallet Not Found");
    for (const bad of [
      "00000000-0000-4000-8000-000000000000",
      "cosmos1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63",
    ]) {
      assert.equal((await api("GET", `/v1/balances?address=${bad}`)).status, 400, bad);
    }
  });

  test("certificates (AEP-63): create returns PEMs once, list shows them without the key, revoke", async () => {
    const created = await api("POST", "/v1/certificates", {});
    assert.equal(created.status, 200);
    const { certPem, pubkeyPem, encryptedKey } = created.body.data;
    assert.match(certPem, /^-----BEGIN CERTIFICATE-----/);
    assert.match(pubkeyPem, /PUBLIC KEY-----/);
    assert.match(encryptedKey, /PRIVATE KEY-----/);
    const listed = await api("GET", "/v1/certificates");
    assert.equal(listed.body.data.length, 1);
    assert.equal(listed.body.data[0].state, "valid");
    assert.ok(!listed.text.includes("PRIVATE KEY"));
    const serial = listed.body.data[0].serial;
    assert.deepEqual((await api("DELETE", `/v1/certificates/${serial}`)).body, { data: { success: true } });
    assert.equal((await api("GET", "/v1/certificates")).body.data[0].state, "revoked");
    assert.equal((await api("DELETE", "/v1/certificates/12345")).status, 404);
    assert.equal((await api("DELETE", "/v1/certificates/abc")).status, 400);
  });

  test("deployment settings v1 and v2: find-or-create, create, upsert; unknown deployment or user -> 404", async () => {
    const { dseq } = (await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } })).body
      .data;
    const got = await api("GET", `/v1/deployment-settings/${userId}/${dseq}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.data.autoTopUpEnabled, false, "--funding deposit: nothing tops up");
    assert.equal(got.body.data.dseq, dseq);
    assert.equal(got.body.data.closed, false);
    assert.equal(got.body.data.topUpFrequencyMs, 86_400_000);
    const off = await api("PATCH", `/v2/deployment-settings/${dseq}`, { data: { autoTopUpEnabled: false } });
    assert.equal(off.body.data.autoTopUpEnabled, false);
    assert.equal(off.body.data.estimatedTopUpAmount, 0);
    assert.equal(off.body.data.id, got.body.data.id);
    const created = await api("POST", "/v2/deployment-settings", { data: { dseq, autoTopUpEnabled: true } });
    assert.equal(created.status, 201);
    assert.equal((await api("GET", `/v2/deployment-settings/${dseq}`)).body.data.autoTopUpEnabled, true);
    const v1 = await api("POST", "/v1/deployment-settings", {
      data: { userId, dseq, autoTopUpEnabled: false },
    });
    assert.equal(v1.status, 201);
    assert.equal(v1.body.data.autoTopUpEnabled, false);
    assert.equal((await api("GET", "/v2/deployment-settings/999")).status, 404);
    const otherUser = await api(
      "GET",
      `/v1/deployment-settings/00000000-0000-4000-8000-000000000000/${dseq}`,
    );
    assert.equal(otherUser.status, 404);
    assert.equal(otherUser.body.message, "Deployment setting not found");
    await api("DELETE", `/v1/deployments/${dseq}`);
    assert.equal((await api("GET", `/v2/deployment-settings/${dseq}`)).body.data.closed, true);
  });
});
