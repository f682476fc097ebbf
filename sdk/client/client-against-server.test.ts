// The whole client against the real reference server on loopback: every method, the seed guide's
// flow, deploy(), idempotent creates, and the server's own error answers.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
// Tests may import anything (team rule); the sdk's own code must not depend on server/.
import { startServer } from "../../server";
import { helloSdl } from "../../server/test-support/http";
import { cheapestBid, deploy, waitForBids } from "../deploy";
import { sealSdlSecrets, secretReferencesIn } from "../secrets";
import { AkashClient } from "./client";
import { AkashApiError } from "./errors";
import { closeAllPools } from "./transport";

type RunningServer = Awaited<ReturnType<typeof startServer>>;

const sdl = (image: string) => helloSdl({ image });

let server: RunningServer;
let client: AkashClient;
let userId: string;

before(async () => {
  server = await startServer({ logLevel: "silent", bidDelayMs: 50, startDelayMs: 100, blockTimeMs: 100 });
  const user = await server.createUser("sdk@example.test", 100);
  userId = user.userId;
  client = new AkashClient({ apiKey: user.apiKey, baseUrl: server.url, env: {}, trustIdempotencyKey: true });
});

after(async () => {
  await closeAllPools();
  await server.close();
});

async function failure(promise: Promise<unknown>): Promise<AkashApiError> {
  const error = await promise.then(
    () => assert.fail("expected the call to fail"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AkashApiError, String(error));
  return error;
}

describe("client against the reference server", () => {
  test("API keys at both paths: create shows the key once, list obfuscates, revoke works", async () => {
    const created = await client.createApiKey({ name: "ci" });
    assert.match(created.apiKey, /^ac\.sk\./);
    const listed = await client.listApiKeys();
    const mine = listed.find((k) => k.id === created.id);
    assert.ok(mine && mine.keyFormat.includes("***") && !("apiKey" in mine));
    assert.equal((await client.getApiKey(created.id)).name, "ci");
    assert.equal((await client.updateApiKey(created.id, { name: "renamed" })).name, "renamed");
    const other = new AkashClient({ apiKey: created.apiKey, baseUrl: server.url, env: {} });
    assert.ok(
      (await other.listUserApiKeys()).some((k) => k.id === created.id),
      "keys can manage keys",
    );
    assert.equal((await other.getUserApiKey(created.id)).name, "renamed");
    assert.equal((await other.updateUserApiKey(created.id, { name: "again" })).name, "again");
    await client.deleteApiKey(created.id);
    assert.equal((await failure(other.listApiKeys())).status, 401, "revoked on the next request");
    const second = await client.createUserApiKey({ name: "second" });
    await client.deleteUserApiKey(second.id);
    assert.equal((await failure(client.getApiKey(second.id))).status, 404);
  });

  test("certificates (AEP-63): create, list, revoke", async () => {
    const created = await client.createCertificate();
    assert.match(created.certPem, /BEGIN CERTIFICATE/);
    const [listed] = await client.listCertificates();
    assert.ok(listed);
    assert.equal((await client.revokeCertificate(listed.serial)).success, true);
  });

  test("the seed guide's flow: create, bids, lease, deposit, update, get, logs, events, close", async () => {
    const before = await client.getBalances();
    const created = await client.createDeployment({ sdl: sdl("nginx:1.25.3"), deposit: "5" });
    assert.match(created.dseq, /^\d+$/);
    const bids = await waitForBids(client, created.dseq, { timeoutMs: 30_000 });
    assert.ok(bids.length > 0);
    assert.deepEqual(await client.listBidsByDseq(created.dseq).then((b) => b.length > 0), true);
    const cheapest = cheapestBid(
      bids.map((b) => b.bid),
      { dseq: created.dseq, gseq: 1, oseq: 1 },
    );
    assert.ok(cheapest);
    const leased = await client.createLease({
      manifest: created.manifest,
      leases: [
        {
          dseq: created.dseq,
          gseq: cheapest.id.gseq,
          oseq: cheapest.id.oseq,
          provider: cheapest.id.provider,
        },
      ],
    });
    assert.equal(leased.leases[0]?.id.provider, cheapest.id.provider);
    const deposited = await client.depositDeployment(created.dseq, "0.5");
    const aep = await client.depositDeploymentByDseq(created.dseq, "0.25");
    const funds = (d: typeof aep) => BigInt(d.escrow_account.state.funds[0]?.amount.split(".")[0] ?? "0");
    assert.ok(funds(aep) > funds(deposited) - 1_000_000n);
    const updated = await client.updateDeployment(created.dseq, sdl("nginx:1.27.0"));
    assert.equal(updated.deployment.id.dseq, created.dseq);
    const got = await client.getDeployment(created.dseq);
    assert.equal(got.deployment.state, "active");
    assert.ok(Array.isArray(await client.getLogs(created.dseq)));
    assert.ok((await client.getEvents(created.dseq)).length > 0);
    const during = await client.getBalances();
    assert.ok(during.balance < before.balance, "deposits debit the credit");
    const listed = [];
    for await (const item of client.listAllDeployments({ pageSize: 1 })) listed.push(item.deployment.id.dseq);
    assert.ok(listed.includes(created.dseq));
    assert.equal((await client.closeDeployment(created.dseq)).success, true);
    assert.equal((await client.closeDeployment(created.dseq)).success, true, "closing twice succeeds");
  });

  test("user, wallets and deployment settings v1 and v2", async () => {
    const me = await client.getCurrentUser();
    assert.equal(me.id, userId);
    const wallets = await client.listWallets(userId);
    assert.equal(wallets[0]?.userId, userId);
    const { dseq } = await client.createDeployment({ sdl: sdl("nginx:1.25.3"), deposit: 5 });
    assert.equal((await client.getDeploymentSetting(dseq)).dseq, dseq);
    assert.equal((await client.updateDeploymentSetting(dseq, false)).autoTopUpEnabled, false);
    assert.equal((await client.getDeploymentSettingV1(userId, dseq)).autoTopUpEnabled, false);
    assert.equal((await client.updateDeploymentSettingV1(userId, dseq, true)).autoTopUpEnabled, true);
    const { dseq: other } = await client.createDeployment({ sdl: sdl("nginx:1.25.3"), deposit: 5 });
    assert.equal(
      (await client.createDeploymentSetting({ dseq: other, autoTopUpEnabled: true })).autoTopUpEnabled,
      true,
    );
    const { dseq: third } = await client.createDeployment({ sdl: sdl("nginx:1.25.3"), deposit: 5 });
    assert.equal((await client.createDeploymentSettingV1({ userId, dseq: third })).dseq, third);
    for (const d of [dseq, other, third]) await client.closeDeployment(d);
  });

  test("deploy() returns the service URIs; the reference server honours Idempotency-Key", async () => {
    const result = await deploy(client, { sdl: sdl("nginx:1.25.3"), deposit: "5", readyTimeoutMs: 30_000 });
    assert.ok((result.serviceUris.web?.length ?? 0) > 0, JSON.stringify(result.serviceUris));
    await client.closeDeployment(result.dseq);

    const key = randomUUID();
    const first = await client.createDeployment(
      { sdl: sdl("nginx:1.25.3"), deposit: "5" },
      { idempotencyKey: key },
    );
    const again = await client.createDeployment(
      { sdl: sdl("nginx:1.25.3"), deposit: "5" },
      { idempotencyKey: key },
    );
    assert.equal(again.dseq, first.dseq, "replayed, not created twice");
    await client.closeDeployment(first.dseq);
  });

  test("the server's errors map to AkashApiError", async () => {
    const missing = await failure(client.getDeployment("999999999"));
    assert.deepEqual([missing.status, missing.code], [404, "not_found"]);
    const badSdl = await failure(client.createDeployment({ sdl: "not: [valid", deposit: 5 }));
    assert.equal(badSdl.status, 400);
    assert.match(badSdl.message, /Invalid SDL/);
    const anonymous = new AkashClient({ apiKey: "ac.sk.local.nope", baseUrl: server.url, env: {} });
    const unauthorized = await failure(anonymous.listDeployments());
    assert.deepEqual([unauthorized.status, unauthorized.code], [401, "unauthorized"]);
    assert.ok(!unauthorized.message.includes("ac.sk.local.nope"));
  });

  test("reads survive a flaky server through retries", async () => {
    const flaky = await startServer({ logLevel: "silent", faults: { errorRate: 0.5 } });
    try {
      const user = await flaky.createUser("flaky@example.test", 10);
      const retrying = new AkashClient({
        apiKey: user.apiKey,
        baseUrl: flaky.url,
        env: {},
        retry: { retries: 10, baseDelayMs: 1, maxDelayMs: 5 },
      });
      for (let i = 0; i < 10; i++) assert.ok(Array.isArray(await retrying.listApiKeys()));
      const single = new AkashClient({
        apiKey: user.apiKey,
        baseUrl: flaky.url,
        env: {},
        retry: { retries: 0 },
      });
      const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => single.listApiKeys()));
      const rejected = outcomes.filter((o) => o.status === "rejected");
      assert.ok(rejected.length > 0, "without retries the injected 503s surface");
      assert.ok(rejected.every((o) => o.reason instanceof AkashApiError && o.reason.status === 503));
    } finally {
      await flaky.close();
    }
  });

  test("the 2026-11 API: sealed secrets, names, PATCH retried, runtime limits, listing filters, funding config", async () => {
    const secretSdl = sdl("nginx:1.25.3").replace(
      "    image: nginx:1.25.3\n",
      '    image: nginx:1.25.3\n    env:\n      - "TOKEN=ac-secret://TOKEN"\n',
    );
    assert.deepEqual(secretReferencesIn(secretSdl), ["TOKEN"]);
    const context = await client.getSdlSecretsContext();
    assert.equal(context.sub, userId);
    const sealedSecrets = await sealSdlSecrets(context, { TOKEN: "t0ken" }, { sdl: secretSdl });
    const created = await client.createDeployment({
      sdl: secretSdl,
      deposit: 5,
      name: "sdk-made",
      runtimeLimitHours: 12,
      sealedSecrets,
    });
    const bids = await waitForBids(client, created.dseq, { timeoutMs: 10_000 });
    const bid = cheapestBid(
      bids.map((b) => b.bid),
      { dseq: created.dseq, gseq: 1, oseq: 1 },
    )!;
    await client.createLease({
      leases: [{ dseq: created.dseq, gseq: 1, oseq: 1, provider: bid.id.provider }],
    });

    const detail = await client.getDeployment(created.dseq);
    assert.equal(detail.name, "sdk-made");
    assert.equal(detail.consoleSettings?.manifestVersion, detail.deployment.hash);
    assert.deepEqual(await client.getDeploymentNames([created.dseq, 1]), {
      [created.dseq]: "sdk-made",
      "1": null,
    });

    const patch = {
      services: { web: { image: "nginx:1.27.0" } },
      ifManifestVersion: detail.consoleSettings?.manifestVersion,
    };
    const patched = await client.patchDeployment(created.dseq, patch);
    const again = await client.patchDeployment(created.dseq, patch);
    assert.equal(
      again.manifestVersion,
      patched.manifestVersion,
      "a repeat of a landed patch answers as it did",
    );
    const stale = await failure(
      client.patchDeployment(created.dseq, { ...patch, services: { web: { image: "x:1" } } }),
    );
    assert.equal(stale.status, 409);
    assert.equal(stale.code, "deployment_definition_changed");

    const setting = await client.updateDeploymentSetting(created.dseq, { runtimeLimitHours: 20 });
    assert.equal(setting.runtimeLimitHours, 20);
    assert.ok(setting.runtimeEndsAt);

    const found: string[] = [];
    for await (const item of client.listAllDeployments({ search: "sdk-", pageSize: 1 }))
      found.push(item.deployment.id.dseq);
    assert.deepEqual(found, [created.dseq]);
    await client.closeDeployment(created.dseq);
    const closed: string[] = [];
    for await (const item of client.listAllDeployments({ state: "closed", reverse: true }))
      closed.push(item.deployment.id.dseq);
    assert.equal(closed[0], created.dseq);

    const tooMany = await failure(client.listDeployments({ limit: 101 }));
    assert.equal(tooMany.kind, "invalid_request", "refused before sending");
    const noAutoFunding = await failure(client.getDeploymentFundingConfig());
    assert.equal(noAutoFunding.status, 404, "this server funds with deposits (AEP-63)");
  });
});
