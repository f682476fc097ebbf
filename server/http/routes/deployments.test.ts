import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startServer, type RunningServer } from "../../index";
import { ManualClock } from "../../market";
import { client, createDeployment, helloSdl, leaseFirstBids, type Caller } from "../../test-support/http";

const START = Date.UTC(2026, 0, 1);

describe("deployments, logs and events", () => {
  const clock = new ManualClock({ startMs: START });
  let server: RunningServer;
  let api: Caller;
  before(async () => {
    server = await startServer({ logLevel: "silent", clock, bidDelayMs: 1000, startDelayMs: 2000 });
    api = client(server.url, (await server.createUser("deployer@example.com", 1000)).apiKey);
  });
  after(() => server.close());

  const create = () => createDeployment(api);
  const lease = (dseq: string, manifest: string) => leaseFirstBids(api, clock, dseq, manifest);

  test("create answers dseq, the manifest string and signTx; the SDL's pricing denom becomes the server's", async () => {
    const answer = await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5.5 } });
    assert.equal(answer.status, 201);
    const { dseq, manifest, signTx } = answer.body.data;
    assert.match(dseq, /^\d+$/);
    assert.equal(JSON.parse(manifest)[0].services[0].image, "nginx:1.25.3");
    assert.equal(signTx.code, 0);
    assert.match(signTx.transactionHash, /^[0-9A-F]{64}$/);
    const deployment = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
    assert.equal(deployment.deployment.state, "active");
    assert.match(deployment.deployment.hash, /^[A-Za-z0-9+/]+=*$/);
    assert.equal(deployment.escrow_account.state.funds[0].denom, "uact");
    clock.advanceMs(1000);
    const bids = (await api("GET", `/v1/bids/${dseq}`)).body.data;
    assert.ok(bids.length > 0);
    for (const { bid } of bids) {
      assert.equal(bid.price.denom, "uact");
      assert.ok(Number(bid.price.amount) <= 1000, "no bid above the SDL's maximum price");
      assert.equal(bid.resources_offer[0].resources.cpu.units.val, "500");
    }
  });

  test("invalid SDL -> 400 'Invalid SDL: ...' with the validator's message", async () => {
    for (const sdl of ["invalid-sdl", "version: '2.0'\nservices: {}\n", "{{{"]) {
      const answer = await api("POST", "/v1/deployments", { data: { sdl, deposit: 5 } });
      assert.equal(answer.status, 400, sdl);
      assert.match(answer.body.message, /^Invalid SDL: .+/);
    }
  });

  test("dseq validation as live: non-numeric -> 'expected bigint', <= 0 -> too_small; unknown -> 404", async () => {
    for (const dseq of ["undefined", "abc123"]) {
      const answer = await api("GET", `/v1/deployments/${dseq}`);
      assert.equal(answer.status, 400);
      assert.deepEqual(answer.body.data[0].path, ["dseq"]);
      assert.match(answer.body.data[0].message, /expected bigint/);
    }
    const negative = await api("DELETE", "/v1/deployments/-123");
    assert.equal(negative.status, 400);
    assert.equal(negative.body.data[0].code, "too_small");
    const unknown = await api("GET", "/v1/deployments/999");
    assert.deepEqual(unknown.body, {
      error: "NotFoundError",
      message: "Deployment not found",
      code: "not_found",
      type: "client_error",
    });
    assert.equal((await api("DELETE", "/v1/deployments/999")).status, 404);
    assert.equal((await api("GET", "/v1/bids?dseq=999")).status, 404);
    assert.equal((await api("GET", "/v1/bids")).status, 400);
  });

  test("list: active by default, oldest first (newest with reverse), skip/limit (at most 100)/hasMore, leases without status", async () => {
    const lister = client(server.url, (await server.createUser("lister@example.com", 100)).apiKey);
    const dseqs: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      dseqs.push(
        (await lister("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } })).body.data.dseq,
      );
    }
    await lister("DELETE", `/v1/deployments/${dseqs[0]}`);
    const ids = (page: { deployments: { deployment: { id: { dseq: string } } }[] }) =>
      page.deployments.map((d) => d.deployment.id.dseq);
    const all = (await lister("GET", "/v1/deployments")).body.data;
    assert.deepEqual(ids(all), [dseqs[1], dseqs[2]]);
    assert.deepEqual(all.pagination, { total: 2, skip: 0, limit: 100, hasMore: false });
    assert.equal(all.deployments[0].name, "web");
    assert.deepEqual(all.deployments[0].settings, {
      name: "web",
      runtimeLimitHours: null,
      runtimeEndsAt: null,
      closed: false,
      closeReason: null,
    });
    assert.equal(all.deployments[0].groups[0].group_spec.name, "akash");
    assert.equal("status" in all.deployments[0].leases, false);
    assert.deepEqual(ids((await lister("GET", "/v1/deployments?reverse=true")).body.data), [
      dseqs[2],
      dseqs[1],
    ]);
    const page = (await lister("GET", "/v1/deployments?skip=0&limit=1")).body.data;
    assert.deepEqual(ids(page), [dseqs[1]]);
    assert.deepEqual(page.pagination, { total: 2, skip: 0, limit: 1, hasMore: true });
    const last = (await lister("GET", "/v1/deployments?skip=1&limit=1")).body.data;
    assert.deepEqual(last.pagination, { total: 2, skip: 1, limit: 1, hasMore: false });
    const closed = (await lister("GET", "/v1/deployments?state=closed")).body.data;
    assert.deepEqual(ids(closed), [dseqs[0]]);
    assert.equal(closed.deployments[0].settings.closeReason, "owner");
    assert.equal(closed.pagination.total, 1);
    assert.equal((await lister("GET", "/v1/deployments?skip=-1")).status, 400);
    assert.equal((await lister("GET", "/v1/deployments?limit=0")).status, 400);
    assert.equal((await lister("GET", "/v1/deployments?limit=101")).status, 400);
    assert.equal((await lister("GET", "/v1/deployments?state=all")).status, 400);
    assert.equal((await lister("GET", "/v1/deployments?status=active")).status, 200);
  });

  test("PUT: same resources update in place (new hash, new image in events); changed resources -> clear 400", async () => {
    const { dseq, manifest } = await create();
    await lease(dseq, manifest);
    const before = (await api("GET", `/v1/deployments/${dseq}`)).body.data.deployment.hash;
    const updated = await api("PUT", `/v1/deployments/${dseq}`, {
      data: { sdl: helloSdl({ image: "nginx:1.27.0" }) },
    });
    assert.equal(updated.status, 200);
    assert.notEqual(updated.body.data.deployment.hash, before);
    assert.equal(updated.body.data.leases[0].state, "active");
    clock.advanceMs(2000);
    const events = (await api("GET", `/v1/events/${dseq}`)).body.data as {
      reason: string;
      message: string;
    }[];
    assert.ok(events.some((e) => e.reason === "Pulling" && e.message.includes("nginx:1.27.0")));
    const status = (await api("GET", `/v1/deployments/${dseq}`)).body.data.leases[0].status.services.web;
    assert.equal(status.observed_generation, 2);

    const bigger = await api("PUT", `/v1/deployments/${dseq}`, { data: { sdl: helloSdl({ cpu: 2 }) } });
    assert.equal(bigger.status, 400);
    assert.match(
      bigger.body.message,
      /resources of a deployment cannot change in place.*cpu changed from 500m to 2000m/,
    );
    assert.equal(
      (await api("PUT", `/v1/deployments/${dseq}`, { data: { sdl: "nope" } })).body.message.startsWith(
        "Invalid SDL",
      ),
      true,
    );
    await api("DELETE", `/v1/deployments/${dseq}`);
    const closed = await api("PUT", `/v1/deployments/${dseq}`, {
      data: { sdl: helloSdl({ image: "nginx:1.28" }) },
    });
    assert.equal(closed.status, 400);
    assert.deepEqual(closed.body, {
      error: "BadRequestError",
      message: "Deployment closed",
      code: "bad_request",
      type: "client_error",
    });
  });

  test("close is idempotent; the manifest-based new lease after close is refused", async () => {
    const { dseq, manifest } = await create();
    assert.deepEqual((await api("DELETE", `/v1/deployments/${dseq}`)).body, { data: { success: true } });
    assert.deepEqual((await api("DELETE", `/v1/deployments/${dseq}`)).body, { data: { success: true } });
    const bids = (await api("GET", `/v1/bids?dseq=${dseq}`)).body.data as { bid: { state: string } }[];
    assert.ok(bids.every((b) => b.bid.state === "closed"));
    const refused = await api("POST", "/v1/leases", {
      manifest,
      leases: [{ dseq, gseq: 1, oseq: 1, provider: "akash1zzfu2cmhn879jwxu2mhse0vqlzraa4a0adph0e" }],
    });
    assert.equal(refused.status, 400);
  });

  test("logs and events: what the provider reports, oldest first, with filters", async () => {
    const { dseq, manifest } = await create();
    assert.deepEqual((await api("GET", `/v1/logs/${dseq}`)).body, { data: [] });
    await lease(dseq, manifest);
    clock.advanceMs(2100);
    const events = (await api("GET", `/v1/events/${dseq}`)).body.data as {
      reason: string;
      timestamp: string;
    }[];
    const reasons = events.map((e) => e.reason);
    for (const reason of ["Scheduled", "Pulling", "Pulled", "Started"])
      assert.ok(reasons.includes(reason), reason);
    assert.deepEqual(
      events.map((e) => e.timestamp),
      [...events.map((e) => e.timestamp)].sort(),
    );
    const logs = (await api("GET", `/v1/logs/${dseq}?service=web&tail=2`)).body.data as {
      service: string;
      message: string;
    }[];
    assert.equal(logs.length, 2);
    assert.ok(logs.every((l) => l.service === "web"));
    assert.deepEqual((await api("GET", `/v1/logs/${dseq}?service=nothing`)).body, { data: [] });
    const limited = (await api("GET", `/v1/events/${dseq}?limit=1`)).body.data;
    assert.equal(limited.length, 1);
    assert.equal((await api("GET", `/v1/events/${dseq}?since=not-a-date`)).status, 400);
    await api("DELETE", `/v1/deployments/${dseq}`);
    const closing = (await api("GET", `/v1/events/${dseq}`)).body.data as {
      reason: string;
      message: string;
    }[];
    assert.equal(closing.at(-1)?.reason, "LeaseClosed");
  });
});
