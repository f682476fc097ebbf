// The lease mechanics shared by deploy() and the Pulumi Lease: the manifest's groups, the readiness
// rule, the poll schedule and the wait for the services.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AkashApiError } from "../client";
import { lease, runningStatus } from "../client/testing/samples";
import { manifestGroups, servicesReady, waitForServices } from "./leases";
import { nextPollDelay } from "./poll";

const svc = (name: string, ready: number, uris: string[]) => ({
  name,
  available: ready,
  total: 1,
  uris,
  observed_generation: 1,
  replicas: 1,
  updated_replicas: 1,
  ready_replicas: ready,
  available_replicas: ready,
});

describe("servicesReady", () => {
  // Moved from provider/resources/lease-status.test.ts with the rule itself; same assertions.
  test("ready only when every expected service has its replicas ready", () => {
    const status = {
      services: { web: svc("web", 1, []), api: svc("api", 0, []) },
      forwarded_ports: {},
      ips: {},
    };
    assert.equal(servicesReady(status, ["web"]), true);
    assert.equal(servicesReady(status, ["web", "api"]), false);
    assert.equal(servicesReady(status, ["db"]), false);
    assert.equal(servicesReady(null, []), false);
  });

  test("without expected names, every listed service counts; ready replicas or available ones", () => {
    const status = {
      services: { web: { ...svc("web", 0, []), available: 1 } },
      forwarded_ports: {},
      ips: {},
    };
    assert.equal(servicesReady(status, []), true);
    assert.equal(servicesReady({ services: {}, forwarded_ports: {}, ips: {} }, []), false);
  });
});

describe("manifestGroups", () => {
  test("groups in manifest order with their sorted service names; nothing from an unreadable manifest", () => {
    const manifest = JSON.stringify([
      { name: "dcloud", services: [{ name: "web" }, { name: "api" }] },
      { name: "west", services: [{ name: "cache" }] },
    ]);
    assert.deepEqual(manifestGroups(manifest), [
      { gseq: 1, name: "dcloud", services: ["api", "web"] },
      { gseq: 2, name: "west", services: ["cache"] },
    ]);
    assert.deepEqual(manifestGroups("not json"), []);
    assert.deepEqual(manifestGroups("{}"), []);
  });
});

describe("nextPollDelay", () => {
  test("grows by half to the ceiling, and to the patient ceiling after a while", () => {
    const schedule = { firstMs: 100, maxMs: 250, patientAfterMs: 30_000, patientMaxMs: 2000 };
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((poll) => nextPollDelay(schedule, poll, 1000)),
      [100, 150, 225, 250, 250],
    );
    assert.equal(nextPollDelay(schedule, 200, 30_000), 2000);
    assert.equal(nextPollDelay({ firstMs: 100, maxMs: 3000 }, 3), 338);
  });
});

describe("waitForServices", () => {
  const manifest = JSON.stringify([{ name: "dcloud", services: [{ name: "web" }] }]);

  test("polls on the schedule until the group's services are ready", async () => {
    const sleeps: number[] = [];
    let reads = 0;
    const result = await waitForServices([lease("7", "akash1p", null)], {
      manifest,
      read: async () => [lease("7", "akash1p", ++reads >= 3 ? runningStatus("web.example") : null)],
      timeoutMs: 60_000,
      schedule: { firstMs: 200, maxMs: 2000 },
      sleep: async (ms) => void sleeps.push(ms),
    });
    assert.equal(result.ready, true);
    assert.deepEqual(sleeps, [200, 300, 450]);
    assert.equal(result.leases[0]?.status?.services.web?.uris[0], "web.example");
  });

  test("a read failing with a transient error is skipped while time is left; at the deadline it is thrown", async () => {
    const unavailable = () =>
      new AkashApiError({
        kind: "http",
        status: 503,
        code: "unavailable",
        method: "GET",
        path: "/v1/deployments/7",
        message: "unavailable",
      });
    let clock = 0;
    let reads = 0;
    const options = {
      manifest,
      timeoutMs: 1000,
      schedule: { firstMs: 200, maxMs: 200 },
      now: () => clock,
      sleep: async (ms: number) => void (clock += ms),
    };
    const result = await waitForServices([lease("7", "akash1p", null)], {
      ...options,
      read: async () => {
        if (++reads === 1) throw unavailable();
        return [lease("7", "akash1p", runningStatus("web.example"))];
      },
    });
    assert.equal(result.ready, true);
    assert.equal(reads, 2);
    clock = 0;
    await assert.rejects(
      waitForServices([lease("7", "akash1p", null)], {
        ...options,
        read: async () => Promise.reject(unavailable()),
      }),
      /unavailable/,
    );
  });

  test("not ready when the time runs out, with the leases as last read", async () => {
    let clock = 0;
    const result = await waitForServices([lease("7", "akash1p", null)], {
      manifest,
      read: async () => [lease("7", "akash1p", null)],
      timeoutMs: 1000,
      schedule: { firstMs: 200, maxMs: 2000 },
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
    });
    assert.equal(result.ready, false);
    assert.equal(clock, 1000, "never sleeps past the deadline");
  });
});
