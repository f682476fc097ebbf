import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DeploymentEventSchema, LogEntrySchema } from "../../sdk/contract";
import {
  filterEvents,
  filterLogs,
  leaseEvents,
  MAX_REPORTED_REPLICAS,
  MAX_REPORTED_RESTARTS,
  leaseLogs,
  mergeByTime,
  periodicRestarts,
  type LeaseTimeline,
} from "./events";
import { findProvider, loadFleet, type Provider } from "./fleet";
import { compileSdl, type OrderGroup } from "./sdl";
import { MULTI_GROUP_SDL, NGINX_SDL } from "./testing/sdl-fixtures";

const fra1 = findProvider(loadFleet(), "fra1") as Provider;
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

async function groupOf(sdl: string, name?: string): Promise<OrderGroup> {
  const { groups } = await compileSdl(sdl, { denom: "uact" });
  const group = name === undefined ? groups[0] : groups.find((g) => g.name === name);
  assert.ok(group);
  return group;
}

describe("lease events", () => {
  let nginx: OrderGroup;
  let timeline: LeaseTimeline;
  before(async () => {
    nginx = await groupOf(NGINX_SDL);
    timeline = {
      lease: { dseq: "42", gseq: 1, oseq: 1 },
      provider: fra1,
      group: nginx,
      createdAtMs: T0,
      startDelayMs: 10_000,
      nowMs: T0 + 60_000,
    };
  });

  test("a started lease shows scheduling, image pull, create and start, in order, in the contract's shape", () => {
    const events = leaseEvents(timeline);
    assert.deepEqual(
      events.map((e) => e.reason),
      ["ManifestReceived", "Scheduled", "Pulling", "Pulled", "Created", "Started"],
    );
    assert.equal(events[2]?.message, 'Pulling image "nginx:1.25.3"');
    assert.equal(
      events[5]?.timestamp,
      new Date(T0 + 10_000).toISOString(),
      "Started when the status turns ready",
    );
    for (const e of events) {
      assert.deepEqual(DeploymentEventSchema.parse(e), e);
      assert.equal(e.provider, fra1.address);
      assert.equal(e.gseq, 1);
    }
    assert.match(
      events[1]?.message ?? "",
      /^Successfully assigned [0-9a-f]{26}\/web-[0-9a-f]{10}-[0-9a-f]{5} to node1\.provider\.fra1/,
    );
  });

  test("only what has happened by now is reported", () => {
    const early = leaseEvents({ ...timeline, nowMs: T0 + 5000 });
    assert.deepEqual(
      early.map((e) => e.reason),
      ["ManifestReceived", "Scheduled", "Pulling"],
    );
  });

  test("the same timeline always gives the same events", () => {
    assert.deepEqual(leaseEvents(timeline), leaseEvents({ ...timeline }));
  });

  test("an in-place update with a new image pulls it and replaces the container; unchanged services stay", async () => {
    const updated = await groupOf(NGINX_SDL.replace("nginx:1.25.3", "nginx:1.27.0"));
    const events = leaseEvents({ ...timeline, updates: [{ atMs: T0 + 30_000, group: updated }] });
    const after = events
      .filter((e) => Date.parse(e.timestamp) >= T0 + 30_000)
      .map((e) => `${e.reason}: ${e.message}`);
    assert.ok(after.includes("ManifestUpdated: Manifest updated (generation 2)"));
    assert.ok(after.includes('Pulling: Pulling image "nginx:1.27.0"'));
    assert.ok(after.includes("Killing: Stopping container web (replaced by generation 2)"));
    const same = leaseEvents({ ...timeline, updates: [{ atMs: T0 + 30_000, group: nginx }] });
    assert.deepEqual(
      same.slice(6).map((e) => e.reason),
      ["ManifestUpdated"],
    );
  });

  test("a crash shows a BackOff warning and a restart", () => {
    const events = leaseEvents({ ...timeline, restarts: [{ atMs: T0 + 40_000, service: "web" }] });
    const backOff = events.find((e) => e.reason === "BackOff");
    assert.equal(backOff?.type, "Warning");
    assert.match(backOff?.message ?? "", /^Back-off restarting failed container web in pod web-/);
    assert.equal(events.at(-1)?.reason, "Started");
  });

  test("the restart fault: a crash every N ms after the container started, until now or the close", async () => {
    // Started at T0 + 10 s; now is T0 + 60 s: crashes at 25, 40 and 55 s.
    const restarts = periodicRestarts(timeline, 15_000);
    assert.deepEqual(
      restarts.map((r) => [r.atMs - T0, r.service, r.replica]),
      [
        [25_000, "web", 0],
        [40_000, "web", 0],
        [55_000, "web", 0],
      ],
    );
    const events = leaseEvents({ ...timeline, restarts });
    assert.deepEqual(
      events.filter((e) => e.type === "Warning").map((e) => [e.reason, e.timestamp]),
      restarts.map((r) => ["BackOff", new Date(r.atMs).toISOString()]),
    );
    const logs = leaseLogs({ ...timeline, restarts });
    assert.equal(logs.filter((l) => l.message === "container exited with code 1, restarting").length, 3);
    assert.equal(logs.at(-1)?.message, "nginx: start worker processes", "each crash is followed by a start");

    assert.deepEqual(periodicRestarts(timeline, 0), [], "0 = off");
    assert.deepEqual(periodicRestarts({ ...timeline, nowMs: T0 + 24_999 }, 15_000), []);
    assert.equal(periodicRestarts({ ...timeline, closedAtMs: T0 + 30_000 }, 15_000).length, 1);
    const months = periodicRestarts({ ...timeline, nowMs: T0 + 90 * 86_400_000 }, 1000);
    assert.equal(months.length, MAX_REPORTED_RESTARTS, "only the latest restarts of a long-running lease");
    assert.equal(months.at(-1)?.atMs, T0 + 90 * 86_400_000);

    const updated = await groupOf(NGINX_SDL.replace("nginx:1.25.3", "nginx:1.27.0"));
    const afterUpdate = leaseEvents({
      ...timeline,
      updates: [{ atMs: T0 + 30_000, group: updated }],
      restarts: [{ atMs: T0 + 50_000, service: "web" }],
    });
    const pod = (message: string | undefined) => /(web-[0-9a-f]{10}-[0-9a-f]{5})/.exec(message ?? "")?.[1];
    const scheduled = afterUpdate.filter((e) => e.reason === "Scheduled").map((e) => pod(e.message));
    assert.equal(
      pod(afterUpdate.find((e) => e.reason === "BackOff")?.message),
      scheduled.at(-1),
      "the pod that crashes is the updated one",
    );
  });

  test("closing stops the containers and ends the stream; running dry is a warning", () => {
    const closed = leaseEvents({
      ...timeline,
      closedAtMs: T0 + 50_000,
      closeReason: "closed by the owner",
      nowMs: T0 + 99_000,
    });
    assert.deepEqual(
      closed.slice(-2).map((e) => [e.type, e.reason, e.message]),
      [
        ["Normal", "Killing", "Stopping container web"],
        ["Normal", "LeaseClosed", "Lease closed: closed by the owner"],
      ],
    );
    const dry = leaseEvents({
      ...timeline,
      closedAtMs: T0 + 50_000,
      closeReason: "escrow ran dry (insufficient funds)",
    });
    assert.equal(dry.at(-1)?.type, "Warning");
    const closedBeforeStart = leaseEvents({
      ...timeline,
      closedAtMs: T0 + 3000,
      closeReason: "closed by the owner",
    });
    assert.ok(!closedBeforeStart.some((e) => e.reason === "Started"), "nothing after the close");
  });

  test("each replica is its own pod", async () => {
    const edge = await groupOf(MULTI_GROUP_SDL, "edge");
    const events = leaseEvents({ ...timeline, group: edge });
    assert.equal(events[0]?.message, "Manifest received for lease 42/1/1: api x2");
    const scheduled = events.filter((e) => e.reason === "Scheduled").map((e) => e.message);
    assert.equal(scheduled.length, 2);
    assert.notEqual(scheduled[0], scheduled[1]);
  });

  test("a huge replica count reports a bounded number of pods", async () => {
    const many = await groupOf(NGINX_SDL.replace("count: 1", "count: 100000"));
    const events = leaseEvents({ ...timeline, group: many });
    assert.equal(events.filter((e) => e.reason === "Started").length, MAX_REPORTED_REPLICAS);
    assert.equal(leaseLogs({ ...timeline, group: many }).length, MAX_REPORTED_REPLICAS * 4);
  });
});

describe("lease logs", () => {
  let timeline: LeaseTimeline;
  before(async () => {
    timeline = {
      lease: { dseq: "42", gseq: 1, oseq: 1 },
      provider: fra1,
      group: await groupOf(NGINX_SDL),
      createdAtMs: T0,
      startDelayMs: 10_000,
      nowMs: T0 + 60_000,
    };
  });

  test("nginx prints its entrypoint lines once started, nothing before", () => {
    assert.deepEqual(leaseLogs({ ...timeline, nowMs: T0 + 9999 }), []);
    const logs = leaseLogs(timeline);
    assert.equal(logs.length, 4);
    assert.equal(
      logs[0]?.message,
      "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
    );
    for (const line of logs) {
      assert.deepEqual(LogEntrySchema.parse(line), line);
      assert.equal(line.service, "web");
      assert.equal(line.replica, 0);
    }
  });

  test("other images print a banner with their ports; closing prints the shutdown", async () => {
    const edge = await groupOf(MULTI_GROUP_SDL, "edge");
    const logs = leaseLogs({ ...timeline, group: edge, closedAtMs: T0 + 30_000 });
    const replica0 = logs.filter((l) => l.replica === 0).map((l) => l.message);
    assert.deepEqual(replica0, [
      "starting api (ghcr.io/example/api:1.0.0)",
      "listening on 0.0.0.0:8080",
      "received SIGTERM, shutting down",
    ]);
    assert.equal(logs.filter((l) => l.replica === 1).length, 3);
  });

  test("filters: service, since and tail", async () => {
    const api = leaseLogs({
      ...timeline,
      group: await groupOf(MULTI_GROUP_SDL, "edge"),
      lease: { dseq: "42", gseq: 2, oseq: 1 },
    });
    const web = leaseLogs(timeline);
    const all = mergeByTime([web, api]);
    assert.equal(all.length, web.length + api.length);
    assert.deepEqual(filterLogs(all, { service: "api" }), api);
    assert.deepEqual(filterLogs(all, { tail: 2 }), all.slice(-2));
    assert.deepEqual(filterLogs(all, { since: new Date(T0 + 60_000).toISOString() }), []);
    const events = leaseEvents(timeline);
    assert.deepEqual(filterEvents(events, { limit: 1 }), events.slice(-1));
    assert.deepEqual(filterEvents(events, { since: events.at(-1)?.timestamp }), events.slice(-1));
  });
});
