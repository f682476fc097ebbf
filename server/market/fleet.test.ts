import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  DEFAULT_FLEET_PATH,
  FleetConfigError,
  findProvider,
  loadFleet,
  parseCpu,
  parseFleet,
  parseSize,
} from "./fleet";
import { DEFAULT_AUDITOR } from "./testing/sdl-fixtures";

const BECH32_ACCOUNT = /^akash1[02-9ac-hj-np-z]{38}$/;

function minimalProvider(overrides: Record<string, unknown> = {}) {
  return {
    name: "p1",
    address: "akash1zzfu2cmhn879jwxu2mhse0vqlzraa4a0adph0e",
    hostUri: "https://provider.p1.example.test:8443",
    capacity: { cpu: 4, memory: "8Gi", storage: "100Gi" },
    ...overrides,
  };
}

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof FleetConfigError, `expected FleetConfigError, got ${String(error)}`);
    return [...error.issues];
  }
  assert.fail("the fleet was accepted");
}

describe("default fleet", () => {
  test("ships next to the sources and is found from dist", () => {
    assert.match(DEFAULT_FLEET_PATH, /server[/\\]market[/\\]default-fleet\.yaml$/);
    assert.doesNotMatch(DEFAULT_FLEET_PATH, /dist/);
  });

  test("has about five providers in different regions, most audited by the live default auditor", () => {
    const fleet = loadFleet();
    assert.ok(fleet.providers.length >= 4 && fleet.providers.length <= 8);
    const regions = new Set(fleet.providers.map((p) => p.attributes.find((a) => a.key === "region")?.value));
    assert.equal(regions.size, fleet.providers.length);
    const audited = fleet.providers.filter((p) => p.auditors.includes(DEFAULT_AUDITOR));
    assert.ok(audited.length > fleet.providers.length / 2);
    assert.ok(audited.length < fleet.providers.length, "one unaudited provider shows the auditor filter");
    for (const p of fleet.providers) assert.match(p.address, BECH32_ACCOUNT);
    assert.ok(fleet.providers.some((p) => p.capacity.gpus.length > 0));
    assert.ok(fleet.providers.some((p) => p.capacity.ips.length > 0));
  });

  test("normalises units and derives host and ingress domain", () => {
    const fra = findProvider(loadFleet(), "fra1");
    assert.equal(fra?.host, "provider.fra1.akash-sim.test");
    assert.equal(fra?.ingressDomain, "ingress.fra1.akash-sim.test");
    assert.equal(fra?.capacity.cpuMillis, 128_000);
    assert.equal(fra?.capacity.memoryBytes, 512 * 1024 ** 3);
    assert.deepEqual(fra?.capacity.storageClasses, ["beta2", "beta3"]);
    assert.equal(fra?.slowFactor, 1);
    assert.equal(findProvider(loadFleet(), fra?.address ?? "")?.name, "fra1");
  });
});

describe("fleet validation", () => {
  test("defaults fill in the knobs", () => {
    const [p] = parseFleet({ providers: [minimalProvider()] }).providers;
    assert.deepEqual(
      {
        priceFactor: p?.priceFactor,
        bidDelayMs: p?.bidDelayMs,
        offline: p?.offline,
        slow: p?.slowFactor,
        never: p?.neverBids,
      },
      { priceFactor: "1", bidDelayMs: 2000, offline: false, slow: 1, never: false },
    );
    assert.deepEqual(p?.attributes, []);
    assert.deepEqual(p?.capacity.gpus, []);
  });

  test("slow: true multiplies the delay by 10, a number by itself", () => {
    const fleet = parseFleet({
      providers: [
        minimalProvider({ slow: true }),
        minimalProvider({ name: "p2", address: "akash1fra60778nda7v5ukdmm6mqpjkwxsu28jfcc66e", slow: 3 }),
      ],
    });
    assert.deepEqual(
      fleet.providers.map((p) => p.slowFactor),
      [10, 3],
    );
  });

  test("attributes are sorted key/value strings", () => {
    const [p] = parseFleet({
      providers: [minimalProvider({ attributes: { tier: "premium", gpu: true, zone: 2 } })],
    }).providers;
    assert.deepEqual(p?.attributes, [
      { key: "gpu", value: "true" },
      { key: "tier", value: "premium" },
      { key: "zone", value: "2" },
    ]);
  });

  test("each problem names its path", () => {
    const issues = issuesOf(() =>
      parseFleet({
        providers: [
          minimalProvider({
            address: "cosmos1abc",
            capacity: { cpu: "lots", memory: "8 bananas", storage: "1Ti" },
          }),
          minimalProvider({ name: "p1", hostUri: "ftp://x", priceFactor: -1, auditors: ["nope"] }),
        ],
      }),
    );
    const has = (prefix: string, text: RegExp) =>
      assert.ok(
        issues.some((i) => i.startsWith(prefix) && text.test(i)),
        `no issue "${prefix}" ~ ${text}:\n${issues.join("\n")}`,
      );
    has("providers[0].address:", /akash1 followed by 38 bech32 characters/);
    has("providers[0].capacity.cpu:", /"lots" is not a CPU amount/);
    has("providers[0].capacity.memory:", /"8 bananas" is not a size/);
    has("providers[1].hostUri:", /http\(s\) URL/);
    has("providers[1].priceFactor:", /.+/);
    has("providers[1].auditors[0]:", /akash1/);
  });

  test("duplicate names and addresses are refused", () => {
    const issues = issuesOf(() => parseFleet({ providers: [minimalProvider(), minimalProvider()] }));
    assert.deepEqual(issues, [
      'providers[1].name: duplicate name "p1" (also providers[0])',
      'providers[1].address: duplicate address "akash1zzfu2cmhn879jwxu2mhse0vqlzraa4a0adph0e" (also providers[0])',
    ]);
  });

  test("unknown keys are errors, so typos do not pass silently", () => {
    const issues = issuesOf(() => parseFleet({ providers: [minimalProvider({ bidDelay: 5 })] }));
    assert.ok(
      issues.some((i) => i.startsWith("providers[0]:") && i.includes("bidDelay")),
      issues.join("\n"),
    );
  });

  test("an empty fleet is refused", () => {
    const issues = issuesOf(() => parseFleet({ providers: [] }));
    assert.deepEqual(issues, ["providers: a fleet needs at least one provider"]);
  });
});

describe("fleet files", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "fleet-test-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("a YAML file is loaded by path", () => {
    const file = path.join(dir, "fleet.yaml");
    writeFileSync(
      file,
      [
        "providers:",
        "  - name: solo",
        "    address: akash1zzfu2cmhn879jwxu2mhse0vqlzraa4a0adph0e",
        "    hostUri: http://provider.solo.test:8443",
        "    capacity: { cpu: 2500m, memory: 4G, storage: 1099511627776 }",
        "    bidDelayMs: 0",
      ].join("\n"),
    );
    const [p] = loadFleet(file).providers;
    assert.equal(p?.capacity.cpuMillis, 2500);
    assert.equal(p?.capacity.memoryBytes, 4_000_000_000);
    assert.equal(p?.capacity.storageBytes, 1024 ** 4);
    assert.equal(p?.bidDelayMs, 0);
  });

  test("a missing file, bad YAML and a bad shape each say which file", () => {
    const missing = path.join(dir, "nope.yaml");
    assert.throws(
      () => loadFleet(missing),
      (e: Error) => e.message.includes(missing) && e.message.includes("file not found"),
    );
    const bad = path.join(dir, "bad.yaml");
    writeFileSync(bad, "providers: [\n");
    assert.throws(
      () => loadFleet(bad),
      (e: Error) => e.message.includes(bad) && e.message.includes("not valid YAML"),
    );
    const shape = path.join(dir, "shape.yaml");
    writeFileSync(shape, "provider: []\n");
    assert.throws(
      () => loadFleet(shape),
      (e: Error) => e.message.includes(shape) && e.message.includes("providers:"),
    );
  });
});

describe("quantities", () => {
  test("sizes in binary and decimal units", () => {
    assert.equal(parseSize("512Mi"), 512 * 1024 ** 2);
    assert.equal(parseSize("1.5Gi"), 1.5 * 1024 ** 3);
    assert.equal(parseSize("2T"), 2e12);
    assert.equal(parseSize("64GiB"), 64 * 1024 ** 3);
    assert.equal(parseSize(1024), 1024);
    assert.equal(parseSize("5i"), undefined);
    assert.equal(parseSize("-1Gi"), undefined);
  });

  test("cpu in cores or millicores", () => {
    assert.equal(parseCpu(64), 64_000);
    assert.equal(parseCpu("0.5"), 500);
    assert.equal(parseCpu("250m"), 250);
    assert.equal(parseCpu("0m"), undefined);
    assert.equal(parseCpu("x"), undefined);
  });
});
