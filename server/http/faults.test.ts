import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { startServer, type RunningServer, type ServerOptions } from "../index";
import { ManualClock, loadFleet } from "../market";
import { client, helloSdl, type Caller } from "../test-support/http";

const START = Date.UTC(2026, 0, 1);

describe("market faults over HTTP", () => {
  const servers: RunningServer[] = [];
  const dirs: string[] = [];
  const start = async (options: ServerOptions) => {
    const server = await startServer({ logLevel: "silent", bidDelayMs: 0, startDelayMs: 2000, ...options });
    servers.push(server);
    return server;
  };
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** Creates a deployment and leases it from `provider` (the first bidder when omitted). */
  async function deployOn(api: Caller, provider?: string): Promise<{ dseq: string; provider: string }> {
    const created = await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } });
    assert.equal(created.status, 201, created.text);
    const { dseq, manifest } = created.body.data;
    const bids = (await api("GET", `/v1/bids?dseq=${dseq}`)).body.data as {
      bid: { id: { provider: string } };
    }[];
    const chosen = provider ?? bids[0]?.bid.id.provider;
    assert.ok(chosen && bids.some((b) => b.bid.id.provider === chosen), `a bid from ${chosen}`);
    const leased = await api("POST", "/v1/leases", {
      manifest,
      leases: [{ dseq, gseq: 1, oseq: 1, provider: chosen }],
    });
    assert.equal(leased.status, 200, leased.text);
    return { dseq, provider: chosen };
  }

  test("restartEveryMs: containers crash and restart every N ms, in events and logs", async () => {
    const clock = new ManualClock({ startMs: START });
    const server = await start({ clock, faults: { restartEveryMs: 60_000 } });
    const api = client(server.url, (await server.createUser("restarts@example.com", 100)).apiKey);
    const { dseq } = await deployOn(api);
    const backOffs = async () =>
      ((await api("GET", `/v1/events/${dseq}`)).body.data as { reason: string; type: string }[]).filter(
        (e) => e.reason === "BackOff",
      );

    clock.advanceMs(2000 + 59_000);
    assert.deepEqual(await backOffs(), [], "no crash before the first interval has passed");
    clock.advanceMs(1000 + 60_000 + 1000);
    const crashes = await backOffs();
    assert.equal(crashes.length, 2);
    assert.ok(crashes.every((e) => e.type === "Warning"));
    const events = (await api("GET", `/v1/events/${dseq}`)).body.data as { reason: string }[];
    assert.equal(events.filter((e) => e.reason === "Started").length, 3, "the first start and two restarts");
    const logs = (await api("GET", `/v1/logs/${dseq}?service=web`)).body.data as { message: string }[];
    assert.equal(logs.filter((l) => l.message === "container exited with code 1, restarting").length, 2);
  });

  test("providersOffline as a list: those providers neither bid nor answer lease status; others work", async () => {
    const dir = mkdtempSync(join(tmpdir(), "akash-ref-faults-"));
    dirs.push(dir);
    const clock = new ManualClock({ startMs: START });
    const healthy = await start({ clock, dataDir: dir });
    const { apiKey } = await healthy.createUser("offline@example.com", 100);
    let api = client(healthy.url, apiKey);
    const first = await deployOn(api);
    const bidders = (
      (await api("GET", `/v1/bids?dseq=${first.dseq}`)).body.data as { bid: { id: { provider: string } } }[]
    ).map((b) => b.bid.id.provider);
    const other = bidders.find((p) => p !== first.provider);
    assert.ok(other, `two providers bid on the hello-world SDL: ${bidders.join(", ")}`);
    const second = await deployOn(api, other);
    await healthy.close();

    // The same store and clock, restarted with the first lease's provider offline.
    const faulty = await start({ clock, dataDir: dir, faults: { providersOffline: [first.provider] } });
    api = client(faulty.url, apiKey);
    clock.advanceMs(2000);
    const statusOf = async (dseq: string) =>
      (await api("GET", `/v1/deployments/${dseq}`)).body.data.leases[0].status;
    assert.equal(await statusOf(first.dseq), null, "the offline provider does not answer");
    assert.equal((await statusOf(second.dseq)).services.web.ready_replicas, 1, "the others do");

    const created = await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } });
    const rebid = (
      (await api("GET", `/v1/bids?dseq=${created.body.data.dseq}`)).body.data as {
        bid: { id: { provider: string } };
      }[]
    ).map((b) => b.bid.id.provider);
    assert.ok(!rebid.includes(first.provider), "no bid from the offline provider");
    assert.deepEqual(rebid.sort(), bidders.filter((p) => p !== first.provider).sort());
  });

  test("providersUnready, changed while the server runs: those providers' leases answer with no ready replica", async () => {
    const clock = new ManualClock({ startMs: START });
    const server = await start({ clock });
    const api = client(server.url, (await server.createUser("unready@example.com", 100)).apiKey);
    const { dseq, provider } = await deployOn(api);
    const web = async () =>
      (await api("GET", `/v1/deployments/${dseq}`)).body.data.leases[0].status.services.web;
    clock.advanceMs(3000);
    assert.equal((await web()).ready_replicas, 1);
    server.config.faults.providersUnready = [provider];
    clock.advanceMs(6000); // the next block: cached views are rebuilt
    assert.deepEqual([(await web()).ready_replicas, (await web()).replicas], [0, 1]);
    server.config.faults.providersUnready = false;
    clock.advanceMs(6000);
    assert.equal((await web()).ready_replicas, 1);
  });

  test("an offline provider that is not in the fleet is a startup error naming the fleet", async () => {
    const fleet = loadFleet();
    const unknown = "akash1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq";
    await assert.rejects(
      startServer({
        logLevel: "silent",
        faults: { providersOffline: [fleet.providers[0]?.name ?? "", unknown] },
      }),
      (error: Error) => {
        assert.match(
          error.message,
          new RegExp(`faults\\.providersOffline names ${unknown}, not in the fleet`),
        );
        for (const p of fleet.providers) assert.ok(error.message.includes(p.address), p.address);
        return true;
      },
    );
    await assert.rejects(
      startServer({ logLevel: "silent", faults: { restartEveryMs: -1 } }),
      /faults\.restartEveryMs must be >= 0/,
    );
  });
});
