import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startServer, type RunningServer } from "../../index";
import { ManualClock } from "../../market";
import { TWO_GROUP_SDL } from "../../market/testing/sdl-fixtures";
import { client, createDeployment, leaseFirstBids, type Caller } from "../../test-support/http";

const START = Date.UTC(2026, 0, 1);

describe("leases", () => {
  const clock = new ManualClock({ startMs: START });
  let server: RunningServer;
  let api: Caller;
  before(async () => {
    server = await startServer({ logLevel: "silent", clock, bidDelayMs: 1000, startDelayMs: 2000 });
    api = client(server.url, (await server.createUser("deployer@example.com", 1000)).apiKey);
  });
  after(() => server.close());

  const create = (sdl?: string) => createDeployment(api, sdl);
  const lease = (dseq: string, manifest: string, gseqs?: number[]) =>
    leaseFirstBids(api, clock, dseq, manifest, gseqs);

  test("leases: one per group on different providers; status after the start delay with URIs and forwarded ports", async () => {
    const { dseq, manifest } = await create(TWO_GROUP_SDL);
    await lease(dseq, manifest, [1, 2]);
    const before = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
    assert.equal(before.leases.length, 2);
    assert.deepEqual(
      before.leases.map((l: { id: { gseq: number } }) => l.id.gseq),
      [1, 2],
    );
    assert.equal(before.leases[0].status.services.api.ready_replicas, 0);
    clock.advanceMs(2000);
    const ready = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
    const front = ready.leases[0].status;
    const cache = ready.leases[1].status;
    assert.equal(front.services.api.available_replicas, 1);
    assert.match(front.services.api.uris[0], /^[a-z0-9]+\./);
    assert.deepEqual(front.forwarded_ports, {});
    assert.equal(cache.forwarded_ports.cache[0].port, 6379);
    assert.ok(cache.forwarded_ports.cache[0].externalPort >= 30000);
  });

  test("leases: bid not visible or unknown -> 400, manifest mismatch -> 400, repeat is idempotent", async () => {
    const { dseq, manifest } = await create();
    const early = await api("POST", "/v1/leases", {
      manifest,
      leases: [{ dseq, gseq: 1, oseq: 1, provider: "akash1zzfu2cmhn879jwxu2mhse0vqlzraa4a0adph0e" }],
    });
    assert.equal(early.status, 400);
    assert.match(early.body.message, /^Failed to create lease: bid not open/);
    clock.advanceMs(1000);
    const bid = (await api("GET", `/v1/bids?dseq=${dseq}`)).body.data[0].bid;
    const entry = { dseq, gseq: 1, oseq: 1, provider: bid.id.provider };
    const wrongManifest = await api("POST", "/v1/leases", { manifest: "[]", leases: [entry] });
    assert.equal(wrongManifest.status, 400);
    assert.match(wrongManifest.body.message, /manifest does not match/);
    const notJson = await api("POST", "/v1/leases", { manifest: "{", leases: [entry] });
    assert.equal(notJson.status, 400);
    const first = await api("POST", "/v1/leases", {
      manifest,
      leases: [entry],
      certificate: { certPem: "x", keyPem: "y" },
    });
    assert.equal(first.status, 200);
    const repeat = await api("POST", "/v1/leases", { manifest, leases: [entry] });
    assert.equal(repeat.status, 200);
    assert.equal(repeat.body.data.leases.length, 1);
    const badProvider = await api("POST", "/v1/leases", {
      manifest,
      leases: [{ ...entry, provider: "not-an-address" }],
    });
    assert.equal(badProvider.status, 400);
    assert.deepEqual(badProvider.body.data[0].path, ["leases", 0, "provider"]);
  });
});
