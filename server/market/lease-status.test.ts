import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { LeaseStatusSchema } from "../../sdk/contract/deployments";
import { findProvider, loadFleet, type Provider } from "./fleet";
import { ingressHost, leaseStatus, type LeaseStatusInput } from "./lease-status";
import { compileSdl, type OrderGroup } from "./sdl";
import { IP_SDL, MULTI_GROUP_SDL, NGINX_SDL } from "./testing/sdl-fixtures";

const fleet = loadFleet();
const fra1 = findProvider(fleet, "fra1") as Provider;
const sjc1 = findProvider(fleet, "sjc1") as Provider;
const lease = { dseq: "1763800000000", gseq: 1, oseq: 1 };

async function groupOf(sdl: string, name?: string): Promise<OrderGroup> {
  const { groups } = await compileSdl(sdl, { denom: "uact" });
  const group = name === undefined ? groups[0] : groups.find((g) => g.name === name);
  assert.ok(group);
  return group;
}

function input(group: OrderGroup, overrides: Partial<LeaseStatusInput> = {}): LeaseStatusInput {
  return { group, provider: fra1, lease, deployedAtMs: 1000, nowMs: 1000, startDelayMs: 5000, ...overrides };
}

describe("lease status", () => {
  let nginx: OrderGroup;
  before(async () => {
    nginx = await groupOf(NGINX_SDL);
  });

  test("nginx, once started: one ready replica behind an ingress URI on the provider's domain", () => {
    const status = leaseStatus(input(nginx, { nowMs: 6000 }));
    assert.deepEqual(status, {
      forwarded_ports: {},
      ips: {},
      services: {
        web: {
          name: "web",
          available: 1,
          total: 1,
          uris: [ingressHost(fra1, lease, "web")],
          observed_generation: 1,
          replicas: 1,
          updated_replicas: 1,
          ready_replicas: 1,
          available_replicas: 1,
        },
      },
    });
    assert.match(status?.services.web?.uris[0] ?? "", /^[a-z2-7]{26}\.ingress\.fra1\.akash-sim\.test$/);
  });

  test("before the start delay the service is listed but nothing is available", () => {
    const web = leaseStatus(input(nginx, { nowMs: 5999 }))?.services.web;
    assert.deepEqual(
      [web?.available, web?.total, web?.ready_replicas, web?.available_replicas, web?.updated_replicas],
      [0, 1, 0, 0, 0],
    );
  });

  test("URIs are stable for a lease and differ between leases and providers", () => {
    const a = leaseStatus(input(nginx, { nowMs: 9000 }))?.services.web?.uris;
    assert.deepEqual(leaseStatus(input(nginx, { nowMs: 99_000 }))?.services.web?.uris, a);
    assert.notDeepEqual(leaseStatus(input(nginx, { lease: { ...lease, dseq: "2" } }))?.services.web?.uris, a);
    const other = leaseStatus(input(nginx, { provider: sjc1 }))?.services.web?.uris[0];
    assert.match(other ?? "", /\.ingress\.sjc1\.akash-sim\.test$/);
  });

  test("non-80 global ports are forwarded on the provider host, IP endpoints get the provider's IPs", async () => {
    const status = leaseStatus(input(await groupOf(IP_SDL), { nowMs: 6000 }));
    const forwarded = status?.forwarded_ports.web ?? [];
    assert.deepEqual(
      forwarded.map((p) => [p.host, p.port, p.available]),
      [
        ["provider.fra1.akash-sim.test", 2222, 1],
        ["provider.fra1.akash-sim.test", 443, 1],
        ["provider.fra1.akash-sim.test", 5353, 1],
      ],
    );
    for (const p of forwarded)
      assert.ok(p.externalPort >= 30000 && p.externalPort <= 32767, `${p.externalPort}`);
    assert.equal(new Set(forwarded.map((p) => p.externalPort)).size, forwarded.length);
    const ips = status?.ips.web ?? [];
    assert.deepEqual(
      ips.map((ip) => [ip.Port, ip.ExternalPort, ip.Protocol]),
      [
        [80, 80, "TCP"],
        [443, 443, "TCP"],
      ],
    );
    assert.ok(fra1.capacity.ips.includes(ips[0]?.IP ?? ""));
    assert.deepEqual(
      LeaseStatusSchema.parse(status),
      status,
      "exactly the contract's shape, nothing stripped",
    );
    assert.equal(ips[0]?.IP, ips[1]?.IP, "one SDL IP endpoint is one address");
    assert.equal(status?.services.web?.uris.length, 1, "port 80 is also served by the ingress");
  });

  test("a port exposed `as: 80` is ingress; service-to-service ports appear nowhere", async () => {
    const edge = leaseStatus(input(await groupOf(MULTI_GROUP_SDL, "edge"), { nowMs: 6000 }));
    assert.equal(edge?.services.api?.uris.length, 1);
    assert.deepEqual(edge?.forwarded_ports, {});
    const core = leaseStatus(input(await groupOf(MULTI_GROUP_SDL, "core"), { nowMs: 6000 }));
    assert.deepEqual(core?.services.db?.uris, []);
    assert.deepEqual(core?.forwarded_ports, {});
  });

  test("replica counts follow the SDL count", async () => {
    const api = leaseStatus(input(await groupOf(MULTI_GROUP_SDL, "edge"), { nowMs: 6000 }))?.services.api;
    assert.deepEqual([api?.total, api?.replicas, api?.ready_replicas], [2, 2, 2]);
  });

  test("an in-place update bumps the generation and rolls out after the start delay", () => {
    const rolling = leaseStatus(input(nginx, { nowMs: 20_000, updatedAtMs: 18_000, generation: 2 }))?.services
      .web;
    assert.deepEqual(
      [rolling?.observed_generation, rolling?.updated_replicas, rolling?.available],
      [2, 0, 1],
    );
    const done = leaseStatus(input(nginx, { nowMs: 23_000, updatedAtMs: 18_000, generation: 2 }))?.services
      .web;
    assert.equal(done?.updated_replicas, 1);
  });

  test("closed leases and offline providers give no status (null), as the live API shows a failed provider call", () => {
    assert.equal(leaseStatus(input(nginx, { closed: true })), null);
    assert.equal(leaseStatus(input(nginx, { providerOffline: true })), null);
  });

  test("an unready provider (crashing containers) answers, with no replica ready", () => {
    const web = leaseStatus(input(nginx, { nowMs: 60_000, unready: true }))?.services.web;
    assert.equal(web?.replicas, 1);
    assert.equal(web?.ready_replicas, 0);
    assert.equal(web?.available, 0);
    assert.ok(web?.uris.length, "the ingress still has its URI");
  });

  test("custom hosts from the SDL's accept list are listed after the generated URI", async () => {
    const sdl = NGINX_SDL.replace(
      "      - port: 80\n",
      "      - port: 80\n        accept:\n          - www.example.com\n",
    );
    const uris = leaseStatus(input(await groupOf(sdl), { nowMs: 6000 }))?.services.web?.uris;
    assert.equal(uris?.length, 2);
    assert.equal(uris?.[1], "www.example.com");
  });
});
