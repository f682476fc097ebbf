import assert from "node:assert/strict";
import { before, test } from "node:test";
import type { RunningServer } from "../index";
import { ManualClock } from "../market";
import { client, helloSdl, type Caller } from "../test-support/http";
import { describeEachStore } from "../test-support/stores";

const START = Date.UTC(2026, 0, 1);
const BID_DELAY_MS = 1000;
const START_DELAY_MS = 2000;

/**
 * Authentication and deployment reads are answered from an in-process cache while nothing changes.
 * These reproduce each way a cached answer could go stale: writes, the next block, a rollout
 * finishing, the escrow running dry, revocation and expiry. Every read below follows an identical
 * read, so it would be a cache hit if the cache missed the change. (Across PostgreSQL replicas:
 * cached-reads-replicas.test.ts.)
 */
describeEachStore("cached reads show every change at once", (store) => {
  const clock = new ManualClock({ startMs: START });
  let server: RunningServer;
  let api: Caller;
  before(async () => {
    server = await store.start({ clock, bidDelayMs: BID_DELAY_MS, startDelayMs: START_DELAY_MS });
    api = client(server.url, (await server.createUser("cached@example.com", 1000)).apiKey);
  });

  async function readTwice(dseq: string) {
    const first = await api("GET", `/v1/deployments/${dseq}`);
    const second = await api("GET", `/v1/deployments/${dseq}`);
    assert.equal(second.status, 200, second.text);
    assert.equal(second.text, first.text, "an unchanged deployment reads the same");
    return second.body.data;
  }

  async function create(): Promise<{ dseq: string; manifest: string }> {
    const created = await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } });
    assert.equal(created.status, 201, created.text);
    return created.body.data;
  }

  /** Leases the deployment from its first bidder, once the bids are in. */
  async function lease(dseq: string, manifest: string): Promise<void> {
    clock.advanceMs(BID_DELAY_MS);
    const bid = (await api("GET", `/v1/bids?dseq=${dseq}`)).body.data[0].bid;
    const leased = await api("POST", "/v1/leases", {
      manifest,
      leases: [{ dseq, gseq: 1, oseq: 1, provider: bid.id.provider }],
    });
    assert.equal(leased.status, 200, leased.text);
  }

  async function createLeased(): Promise<string> {
    const { dseq, manifest } = await create();
    await readTwice(dseq);
    await lease(dseq, manifest);
    return dseq;
  }

  const funds = (d: { escrow_account: { state: { funds: { amount: string }[] } } }) =>
    Number(d.escrow_account.state.funds[0]?.amount);

  test("a top-up, a lease, an SDL update and a close each show on the next read", async () => {
    const { dseq, manifest } = await create();
    const initial = await readTwice(dseq);
    assert.equal(initial.leases.length, 0);

    await api("POST", `/v1/deployments/deposit/${dseq}`, { data: { deposit: 2 } });
    const toppedUp = await readTwice(dseq);
    assert.equal(funds(toppedUp), funds(initial) + 2_000_000);

    await lease(dseq, manifest);
    assert.equal((await readTwice(dseq)).leases.length, 1);

    const updated = await api("PUT", `/v1/deployments/${dseq}`, {
      data: { sdl: helloSdl().replace("nginx:1.25.3", "nginx:1.27.0") },
    });
    assert.equal(updated.status, 200, updated.text);
    assert.notEqual((await readTwice(dseq)).deployment.hash, initial.deployment.hash);

    assert.equal((await api("DELETE", `/v1/deployments/${dseq}`)).status, 200);
    assert.equal((await readTwice(dseq)).deployment.state, "closed");
  });

  test("a listing shows a new deployment, a top-up, the next block's escrow and a close on the next read", async () => {
    const page = "/v1/deployments?reverse=true&limit=5";
    const listTwice = async () => {
      const first = await api("GET", page);
      const second = await api("GET", page);
      assert.equal(second.status, 200, second.text);
      assert.equal(second.text, first.text, "an unchanged listing reads the same");
      return second.body.data;
    };
    type Page = Awaited<ReturnType<typeof listTwice>>;
    const item = (listed: Page, dseq: string) =>
      listed.deployments.find((d: { deployment: { id: { dseq: string } } }) => d.deployment.id.dseq === dseq);
    const initial = await listTwice();

    const dseq = await createLeased();
    const created = await listTwice();
    assert.equal(created.pagination.total, initial.pagination.total + 1);
    assert.ok(item(created, dseq), "the new deployment is listed");

    await api("POST", `/v1/deployments/deposit/${dseq}`, { data: { deposit: 2 } });
    const toppedUp = await listTwice();
    assert.equal(funds(item(toppedUp, dseq)), funds(item(created, dseq)) + 2_000_000);

    clock.advanceBlocks(1);
    assert.ok(funds(item(await listTwice(), dseq)) < funds(item(toppedUp, dseq)), "a block's rent left");

    assert.equal((await api("DELETE", `/v1/deployments/${dseq}`)).status, 200);
    const closed = await listTwice();
    assert.equal(closed.pagination.total, initial.pagination.total);
    assert.equal(item(closed, dseq), undefined, "a closed deployment leaves the active listing");
  });

  test("escrow settles at each new block and services turn ready after the start delay, with no write between", async () => {
    const dseq = await createLeased();
    const leased = await readTwice(dseq);
    assert.equal(leased.leases[0].status.services.web.ready_replicas, 0);

    clock.advanceBlocks(1);
    const nextBlock = await readTwice(dseq);
    assert.equal(
      Number(nextBlock.escrow_account.state.settled_at),
      Number(leased.escrow_account.state.settled_at) + 1,
    );
    assert.ok(funds(nextBlock) < funds(leased), "a block's rent left the escrow");

    clock.advanceMs(START_DELAY_MS);
    assert.equal((await readTwice(dseq)).leases[0].status.services.web.ready_replicas, 1);
  });

  test("a deployment whose escrow runs dry reads as closed right after the dry block", async () => {
    const dseq = await createLeased();
    const leased = await readTwice(dseq);
    const pricePerBlock = Number(leased.leases[0].price.amount);
    const blocksLeft = Math.floor(funds(leased) / pricePerBlock);
    clock.advanceBlocks(blocksLeft - 1);
    assert.equal((await readTwice(dseq)).deployment.state, "active");
    clock.advanceBlocks(2);
    const dry = await readTwice(dseq);
    assert.equal(dry.deployment.state, "closed");
    assert.equal(dry.escrow_account.state.state, "overdrawn");
  });

  test("a key used a moment ago is refused on the very next request after it is revoked or expires", async () => {
    const keyFor = async (expiresAt?: string) => {
      const answer = await api("POST", "/v1/api-keys", {
        data: { name: "short-lived", ...(expiresAt ? { expiresAt } : {}) },
      });
      assert.equal(answer.status, 201, answer.text);
      return answer.body.data as { id: string; apiKey: string };
    };
    const revoked = await keyFor();
    const asRevoked = client(server.url, revoked.apiKey);
    assert.equal((await asRevoked("GET", "/v1/api-keys")).status, 200);
    assert.equal((await asRevoked("GET", "/v1/api-keys")).status, 200);
    assert.equal((await api("DELETE", `/v1/api-keys/${revoked.id}`)).status, 204);
    assert.equal((await asRevoked("GET", "/v1/api-keys")).status, 401);

    // The API checks that an expiry is in the future by wall time; the server's clock then passes it.
    const expiresAt = Date.now() + 60_000;
    const asExpiring = client(server.url, (await keyFor(new Date(expiresAt).toISOString())).apiKey);
    assert.equal((await asExpiring("GET", "/v1/api-keys")).status, 200);
    assert.equal((await asExpiring("GET", "/v1/api-keys")).status, 200);
    clock.advanceMs(expiresAt - clock.now());
    assert.equal((await asExpiring("GET", "/v1/api-keys")).status, 401);
  });
});
