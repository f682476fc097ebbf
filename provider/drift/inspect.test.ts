// The drift check's causes from API answers, including those only newer API generations give
// (names, runtime limits, the stored SDL), which the reference server does not serve yet.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { generateManifest, manifestToSortedJSON } from "@akashnetwork/chain-sdk/web";
import { parse as parseYaml } from "yaml";
import type { ApiKey, Deployment, DeploymentEvent, LeaseWithStatus } from "../../sdk";
import { inspect, type DriftReader, type NewerDeploymentFields } from "./inspect";
import { driftLines, exitCodeOf, type DriftReport } from "./report";
import type { StateResource } from "./state";

const NOW = Date.parse("2026-11-20T12:00:00Z");
const HOUR = 3_600_000;
const PROVIDER = "akash1wl3hyke8jh6pk5nxx3mak0d90zyg6szlrt70fs";
const SDL = readFileSync(path.join(__dirname, "../../../examples/nginx/deploy.yaml"), "utf8");
const manifestOf = (sdl: string) => {
  const result = generateManifest(parseYaml(sdl) as Parameters<typeof generateManifest>[0]);
  assert.ok(result.ok);
  return manifestToSortedJSON(result.value.groups);
};
const ready = {
  forwarded_ports: {},
  ips: {},
  services: {
    web: {
      name: "web",
      available: 1,
      total: 1,
      uris: ["x.test"],
      observed_generation: 1,
      replicas: 1,
      updated_replicas: 1,
      ready_replicas: 1,
      available_replicas: 1,
    },
  },
};

function lease(overrides: Partial<LeaseWithStatus> = {}): LeaseWithStatus {
  return {
    id: { owner: "akash1owner", dseq: "1763600000000", gseq: 1, oseq: 1, provider: PROVIDER, bseq: 0 },
    state: "active",
    price: { denom: "uact", amount: "1.000000000000000000" },
    created_at: "100",
    closed_on: "0",
    status: ready,
    ...overrides,
  };
}

function deployment(o: {
  state?: string;
  hash?: string;
  escrow?: string;
  funds?: string;
  leases?: LeaseWithStatus[];
}): Deployment {
  return {
    deployment: {
      id: { owner: "akash1owner", dseq: "1763600000000" },
      state: o.state ?? "active",
      hash: o.hash ?? "hash-1",
      created_at: "100",
    },
    leases: o.leases ?? [lease()],
    escrow_account: {
      id: { scope: "deployment", xid: "akash1owner/1763600000000" },
      state: {
        owner: "akash1owner",
        state: o.escrow ?? "open",
        transferred: [{ denom: "uact", amount: "0" }],
        settled_at: "1000",
        funds: [{ denom: "uact", amount: o.funds ?? "5000000.000000000000000000" }],
        deposits: [],
      },
    },
  };
}

const dep = (outputs: Record<string, unknown> = {}): StateResource => ({
  urn: "urn:pulumi:prod::p::pulumi-nodejs:dynamic/akash:Deployment::web",
  kind: "Deployment",
  name: "web",
  id: "1763600000000",
  outputs: { manifestHash: "hash-1", manifest: manifestOf(SDL), deposit: 5, ...outputs },
});
const leaseResource: StateResource = {
  urn: "urn:pulumi:prod::p::pulumi-nodejs:dynamic/akash:Lease::web-akash",
  kind: "Lease",
  name: "web-akash",
  id: `1763600000000/1/1/${PROVIDER}`,
  outputs: { dseq: "1763600000000", gseq: 1, oseq: 1, provider: PROVIDER, manifest: manifestOf(SDL) },
};

function reader(
  d: Deployment | undefined,
  more: { newer?: NewerDeploymentFields; events?: DeploymentEvent[]; keys?: ApiKey[] } = {},
): DriftReader {
  return {
    getDeployment: async () => d,
    getEvents: async () => more.events,
    getApiKey: async (id) => more.keys?.find((k) => k.id === id),
    newerFields: async () => more.newer,
    goneFromThisAccount: async () => {},
  };
}

const options = { now: NOW, thresholdMs: 72 * HOUR };
const causes = async (r: DriftReader, resources: StateResource[] = [dep()]) =>
  (await inspect(r, resources, options)).flatMap((x) => x.causes.map((c) => ({ name: x.name, ...c })));

describe("drift causes", () => {
  test("a healthy deployment and lease: nothing", async () => {
    assert.deepEqual(await causes(reader(deployment({})), [dep(), leaseResource]), []);
  });

  test("closed by the market, on an API without events: height, and a time estimated from the dseq", async () => {
    const closed = deployment({
      state: "closed",
      escrow: "overdrawn",
      leases: [lease({ state: "insufficient_funds", closed_on: "1100" })],
    });
    const [d, l] = await causes(reader(closed), [dep(), leaseResource]);
    assert.equal(d?.cause, "closed_escrow_dry");
    // dseq 1763600000000 ms at height 100; 1000 blocks of 6 s later.
    assert.equal(
      d?.message,
      "closed by the market at height 1100 (2025-11-20T02:33:20.000Z, estimated): its escrow ran dry",
    );
    assert.match(d!.up, /creates a new deployment .*\$5 deposit.*raise deposit/);
    assert.equal(l?.cause, "closed_escrow_dry");
    assert.match(l!.message, /^gone with its deployment: closed by the market/);
  });

  test("closed at its runtime limit (newer API) and closed by its owner are told apart", async () => {
    const closed = deployment({ state: "closed", escrow: "closed", leases: [lease({ state: "closed" })] });
    const limited = await causes(
      reader(closed, { newer: { runtimeLimitHours: 24, runtimeEndsAt: "2026-11-19T00:00:00Z" } }),
    );
    assert.equal(limited[0]?.cause, "closed_runtime_limit");
    assert.match(limited[0]!.message, /runtime limit \(24 h, ended 2026-11-19T00:00:00Z\)/);
    assert.equal((await causes(reader(closed)))[0]?.cause, "closed_outside_pulumi");
    assert.equal((await causes(reader(undefined)))[0]?.details.state, "not_found");
  });

  test("newer API: a name changed elsewhere, a runtime limit ending within the threshold", async () => {
    const found = await causes(
      reader(deployment({}), {
        newer: {
          name: "renamed",
          runtimeLimitHours: 48,
          runtimeEndsAt: new Date(NOW + 5 * HOUR).toISOString(),
        },
      }),
      [dep({ name: "web" })],
    );
    assert.deepEqual(
      found.map((c) => c.cause),
      ["name_changed", "runtime_ending"],
    );
    assert.match(found[0]!.up, /renames it back to "web"/);
  });

  test("an SDL changed elsewhere: services and fields from the stored SDL (newer API), else the API does not say", async () => {
    const changed = deployment({ hash: "hash-2" });
    const stored = SDL.replace("nginx:1.25.3", "nginx:1.27.0").replace(
      "    image: nginx:1.27.0\n",
      "    image: nginx:1.27.0\n    env:\n      - MODE=debug\n",
    );
    const [exact] = await causes(reader(changed, { newer: { sdl: stored } }));
    assert.equal(exact?.cause, "sdl_changed");
    assert.deepEqual(exact?.details.services, [
      { service: "web", fields: ["env", "image"], image: { from: "nginx:1.25.3", to: "nginx:1.27.0" } },
    ]);
    assert.match(exact!.message, /web: env, image nginx:1.25.3 -> nginx:1.27.0/);
    const [unknown] = await causes(reader(changed));
    assert.equal(unknown?.details.source, "none");
    assert.match(unknown!.message, /the API does not say which services/);
  });

  test("escrow: below minEscrowUsd, or running dry within the threshold, with the top-up that fixes it", async () => {
    const [policy] = await causes(reader(deployment({ funds: "2000000" })), [dep({ minEscrowUsd: 3 })]);
    assert.equal(policy?.cause, "underfunded");
    assert.match(policy!.up, /raise deposit in the program by at least \$1$/);
    // 10,000 blocks left at 1 uact/block = 16.7 h < 72 h; 72 h = 43,200 blocks.
    const [runway] = await causes(reader(deployment({ funds: "10000" })));
    assert.equal(runway?.cause, "underfunded");
    assert.match(runway!.message, /runs dry in about 16.7 h \(height 11000\), within the 72 h threshold/);
    assert.equal(runway?.details.raiseByUsd, 0.0332);
  });

  test("leases: lost while the deployment is active, provider offline, services not ready", async () => {
    const lost = deployment({
      leases: [lease({ state: "closed", closed_on: "900", reason: "lease_closed_provider" })],
    });
    const [l1] = await causes(reader(lost), [leaseResource]);
    assert.equal(l1?.cause, "lease_lost");
    assert.match(l1!.message, /is closed since height 900 \(lease_closed_provider\)/);
    const [l2] = await causes(reader(deployment({ leases: [lease({ status: null })] })), [leaseResource]);
    assert.equal(l2?.cause, "provider_offline");
    const crashing = {
      ...ready,
      services: { web: { ...ready.services.web, ready_replicas: 0, available: 0 } },
    };
    const [l3] = await causes(reader(deployment({ leases: [lease({ status: crashing })] })), [leaseResource]);
    assert.equal(l3?.cause, "services_not_ready");
    assert.deepEqual(l3?.details.services, [{ service: "web", ready: 0, replicas: 1 }]);
  });

  test("API keys: revoked, expiring within the threshold", async () => {
    const key = (id: string, expiresAt: string | null): ApiKey => ({
      id,
      name: id,
      expiresAt,
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-01T00:00:00Z",
      lastUsedAt: null,
      keyFormat: `ac.sk.test.${id}***`,
    });
    const resource = (id: string): StateResource => ({
      urn: `urn:pulumi:prod::p::pulumi-nodejs:dynamic/akash:ApiKey::${id}`,
      kind: "ApiKey",
      name: id,
      id,
      outputs: { name: id, keyFormat: `ac.sk.test.${id}***` },
    });
    const found = await causes(
      reader(undefined, { keys: [key("soon", new Date(NOW + HOUR).toISOString()), key("fine", null)] }),
      [resource("soon"), resource("fine"), resource("gone")],
    );
    assert.deepEqual(
      found.map((c) => [c.name, c.cause]),
      [
        ["soon", "api_key_expiring"],
        ["gone", "api_key_revoked"],
      ],
    );
  });

  test("a failed read is the caller's error, never a cause; progress counts every resource", async () => {
    const failing: DriftReader = {
      ...reader(deployment({})),
      getDeployment: async () => {
        throw new Error("connect ECONNREFUSED");
      },
    };
    await assert.rejects(inspect(failing, [dep()], options), /ECONNREFUSED/);
    const seen: number[] = [];
    await inspect(reader(deployment({})), [dep(), leaseResource], {
      ...options,
      onProgress: (done, total) => seen.push(done * 10 + total),
    });
    assert.deepEqual(seen, [12, 22]);
  });

  test("exit codes and lines of a report", () => {
    const report: DriftReport = {
      schemaVersion: 1,
      status: "drift",
      stack: "prod",
      apiUrl: "http://x",
      checkedAt: "",
      thresholdHours: 72,
      resources: { checked: 2, drifted: 1 },
      drift: [
        {
          urn: "u",
          type: "Deployment",
          name: "web",
          id: "1",
          causes: [{ cause: "closed_outside_pulumi", message: "closed", up: "creates", details: {} }],
        },
      ],
    };
    assert.equal(exitCodeOf(report), 7);
    assert.deepEqual(driftLines(report), ["Deployment web (1): closed -> up: creates"]);
    assert.equal(exitCodeOf({ ...report, status: "in_sync" }), 0);
    assert.equal(exitCodeOf({ ...report, remediation: { command: "up", succeeded: false } }), 1);
  });
});
