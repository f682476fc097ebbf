import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  addUsage,
  bidPrice,
  emptyUsage,
  groupMaxPrice,
  leaseUsage,
  planBids,
  resourcesOffer,
  visibleBids,
  type BidPlan,
  type PlanBidsOptions,
} from "./bidding";
import { parseDec } from "./dec";
import { loadFleet, parseFleet, type Fleet, type Provider } from "./fleet";
import { compileSdl, type OrderGroup } from "./sdl";
import { DEFAULT_AUDITOR, GPU_SDL, IP_SDL, MULTI_GROUP_SDL, NGINX_SDL } from "./testing/sdl-fixtures";

const fleet = loadFleet();

async function group(sdl: string, name?: string, auditors: string[] = []): Promise<OrderGroup> {
  const { groups } = await compileSdl(sdl, { denom: "uact", allowedAuditors: auditors });
  const found = name === undefined ? groups[0] : groups.find((g) => g.name === name);
  assert.ok(found, `no group ${name}`);
  return found;
}

function bidders(plan: BidPlan): string[] {
  return plan.bids.map((b) => b.provider.name);
}

function reasonsOf(plan: BidPlan, name: string): string[] {
  return plan.rejections.find((r) => r.provider.name === name)?.reasons ?? [];
}

function withProvider(overrides: Partial<Provider>): Fleet {
  const base = fleet.providers[0];
  assert.ok(base);
  return { providers: [{ ...base, ...overrides }] };
}

const opts: PlanBidsOptions = { denom: "uact" };

describe("who bids", () => {
  let nginx: OrderGroup;
  before(async () => {
    nginx = await group(NGINX_SDL);
  });

  test("the seed's nginx gets a bid from every default provider, earliest first", () => {
    const plan = planBids(nginx, fleet, opts);
    assert.deepEqual(bidders(plan), ["sto1", "fra1", "nyc1", "sjc1", "sgp1"]);
    assert.deepEqual(
      plan.bids.map((b) => b.delayMs),
      [1500, 2000, 3000, 4500, 6000],
    );
    assert.deepEqual(plan.rejections, []);
  });

  test("with the live API's auditor appended, the unaudited provider does not bid (signedBy.anyOf)", async () => {
    const plan = planBids(await group(NGINX_SDL, undefined, [DEFAULT_AUDITOR]), fleet, opts);
    assert.deepEqual(bidders(plan), ["fra1", "nyc1", "sjc1", "sgp1"]);
    assert.deepEqual(reasonsOf(plan, "sto1"), [`not audited by any of ${DEFAULT_AUDITOR} (signedBy.anyOf)`]);
  });

  test("placement attributes must all be offered", async () => {
    const plan = planBids(await group(MULTI_GROUP_SDL, "edge"), fleet, opts);
    assert.deepEqual(bidders(plan).sort(), ["fra1", "sgp1", "sjc1", "sto1"]);
    assert.deepEqual(reasonsOf(plan, "nyc1"), [
      "attribute tier=community required, provider has tier=premium",
    ]);
  });

  test("signedBy.allOf auditors, attributes and persistent storage class together pick one provider", async () => {
    const plan = planBids(await group(MULTI_GROUP_SDL, "core"), fleet, opts);
    assert.deepEqual(bidders(plan), ["nyc1"]);
    assert.deepEqual(reasonsOf(plan, "sto1"), [
      "attribute region=us-east required, provider has region=eu-north",
      `not audited by ${DEFAULT_AUDITOR} (signedBy.allOf)`,
      `needs ${20 * 1024 ** 3} bytes persistent storage, provider has 0 bytes free`,
      "persistent storage class beta3 not offered (provider has none)",
    ]);
    const classOnly = planBids(
      await group(MULTI_GROUP_SDL, "core"),
      withProvider({ attributes: [{ key: "region", value: "us-east" }] }),
      opts,
    );
    assert.equal(classOnly.bids.length, 1, "fra1 has beta3 storage");
    const noBeta3 = planBids(
      await group(MULTI_GROUP_SDL, "core"),
      withProvider({
        attributes: [{ key: "region", value: "us-east" }],
        capacity: { ...fleet.providers[0]!.capacity, storageClasses: ["beta2"] },
      }),
      opts,
    );
    assert.deepEqual(noBeta3.rejections[0]?.reasons, [
      "persistent storage class beta3 not offered (provider has beta2)",
    ]);
  });

  test("GPU models: only a provider with an H100 or A100 bids", async () => {
    const plan = planBids(await group(GPU_SDL), fleet, opts);
    assert.deepEqual(bidders(plan), ["nyc1"]);
    assert.match(
      reasonsOf(plan, "sjc1")[0] ?? "",
      /needs 1 x 1 GPU\(s\) of nvidia\/h100 \| nvidia\/a100, provider has 4x nvidia\/rtx4090/,
    );
    assert.match(reasonsOf(plan, "fra1")[0] ?? "", /provider has no GPUs/);
  });

  test("GPU models: an unknown model gets no bid, a vendor wildcard takes any model", async () => {
    const l40s = planBids(
      await group(GPU_SDL.replace("- model: h100\n", "").replace("model: a100", "model: l40s")),
      fleet,
      opts,
    );
    assert.deepEqual(bidders(l40s), []);
    const anyNvidia = planBids(
      await group(
        GPU_SDL.replace(
          /vendor:\n\s+nvidia:\n\s+- model: h100\n\s+- model: a100/,
          "vendor:\n              nvidia:",
        ),
      ),
      fleet,
      opts,
    );
    assert.deepEqual(bidders(anyNvidia).sort(), ["nyc1", "sjc1"]);
  });

  test("GPU units beyond what the provider has left get no bid", async () => {
    const gpu = await group(
      GPU_SDL.replace("units: 1\n          attributes", "units: 9\n          attributes"),
    );
    assert.deepEqual(
      bidders(planBids(gpu, fleet, opts)),
      [],
      "nyc1 has 8 of each model; one replica's GPUs are one model",
    );
    const eight = await group(
      GPU_SDL.replace("units: 1\n          attributes", "units: 8\n          attributes"),
    );
    const nyc1 = fleet.providers.find((p) => p.name === "nyc1")!;
    const used = leaseUsage(eight, nyc1);
    assert.deepEqual(used.gpus, { "nvidia/h100/80Gi/sxm5": 8 });
    const second = planBids(eight, fleet, { ...opts, usage: (a) => (a === nyc1.address ? used : undefined) });
    assert.deepEqual(bidders(second), ["nyc1"], "the A100s are still free");
    const both = addUsage(used, leaseUsage(eight, nyc1, used));
    assert.deepEqual(both.gpus, { "nvidia/h100/80Gi/sxm5": 8, "nvidia/a100/80Gi/sxm4": 8 });
    const third = planBids(eight, fleet, { ...opts, usage: (a) => (a === nyc1.address ? both : undefined) });
    assert.match(reasonsOf(third, "nyc1")[0] ?? "", /\(some in use\)/);
  });

  test("leased IP endpoints need a provider with free IPs", async () => {
    const plan = planBids(await group(IP_SDL), fleet, opts);
    assert.deepEqual(bidders(plan), ["fra1", "nyc1"]);
    assert.deepEqual(reasonsOf(plan, "sjc1"), ["needs 1 leased IPs, provider has 0 free"]);
  });

  test("cpu, memory and storage must fit the capacity", async () => {
    const big = await group(NGINX_SDL.replace("count: 1", "count: 300"));
    const plan = planBids(big, fleet, opts);
    assert.deepEqual(bidders(plan), ["nyc1"], "only the 256-core provider fits 300 x 0.5 cpu");
    assert.deepEqual(reasonsOf(plan, "fra1"), ["needs 150000m cpu, provider has 128000m free"]);
    const disk = await group(NGINX_SDL.replace("size: 512Mi\n  placement", "size: 3Ti\n  placement"));
    assert.deepEqual(reasonsOf(planBids(disk, fleet, opts), "sto1"), [
      `needs ${3 * 1024 ** 4} bytes ephemeral storage, provider has ${2 * 1024 ** 4} bytes free`,
    ]);
  });

  test("capacity in use is subtracted", () => {
    const usage = { ...emptyUsage(), cpuMillis: 127_800 };
    const plan = planBids(nginx, withProvider({}), { denom: "uact", usage: () => usage });
    assert.deepEqual(plan.rejections[0]?.reasons, ["needs 500m cpu, provider has 200m free"]);
  });
});

describe("price", () => {
  test("nginx costs 1.525 per block at factor 1: 0.5 core x 2 + 0.5 GiB x 1 + 0.5 GiB disk x 0.05", async () => {
    const nginx = await group(NGINX_SDL);
    const plan = planBids(nginx, fleet, opts);
    const prices = Object.fromEntries(plan.bids.map((b) => [b.provider.name, b.price.amount]));
    assert.deepEqual(prices, {
      fra1: "1.525000000000000000",
      nyc1: "2.287500000000000000",
      sjc1: "1.220000000000000000",
      sgp1: "1.677500000000000000",
      sto1: "0.915000000000000000",
    });
    assert.ok(plan.bids.every((b) => b.price.denom === "uact"));
  });

  test("replicas multiply the price and the order's maximum", async () => {
    const edge = await group(MULTI_GROUP_SDL, "edge");
    const fra1 = fleet.providers.find((p) => p.name === "fra1")!;
    // 2 x (1 core x 2 + 1 GiB x 1 + 1 GiB x 0.05) = 6.1
    assert.equal(bidPrice(edge, fra1), parseDec("6.1"));
    assert.deepEqual(groupMaxPrice(edge, "uact"), { amount: parseDec("21") });
  });

  test("a provider above the SDL's maximum price does not bid; equal to it does", async () => {
    const capped = await group(NGINX_SDL.replace("amount: 1000", "amount: 1.22"));
    const plan = planBids(capped, fleet, opts);
    assert.deepEqual(bidders(plan), ["sto1", "sjc1"]);
    assert.deepEqual(reasonsOf(plan, "fra1"), [
      "price 1.525000000000000000 uact per block is above the order's maximum of 1.220000000000000000",
    ]);
  });

  test("an order priced in another denom gets no bids", async () => {
    const nginx = await group(NGINX_SDL);
    const plan = planBids(nginx, fleet, { denom: "uakt" });
    assert.deepEqual(bidders(plan), []);
    assert.deepEqual(reasonsOf(plan, "fra1"), ["the order is priced in uact, providers bid in uakt"]);
  });

  test("GPU and leased IP prices are included", async () => {
    const nyc1 = fleet.providers.find((p) => p.name === "nyc1")!;
    const gpu = await group(GPU_SDL);
    // (8 x 2 + 64 x 1 + 200 x 0.05 + 300) x 1.5
    assert.equal(bidPrice(gpu, nyc1), parseDec("585"));
    const ip = await group(IP_SDL);
    // (0.5 x 2 + 0.5 x 1 + 1 x 0.05 + 5) x 1.5
    assert.equal(bidPrice(ip, nyc1), parseDec("9.825"));
  });

  test("bids carry the resources offered in the chain's JSON form", async () => {
    const nginx = await group(NGINX_SDL);
    const [offer] = resourcesOffer(nginx);
    assert.equal(offer?.count, 1);
    assert.deepEqual(offer?.resources.memory, { quantity: { val: "536870912" }, attributes: [] });
  });
});

describe("delays and faults", () => {
  let nginx: OrderGroup;
  before(async () => {
    nginx = await group(NGINX_SDL);
  });

  test("a global bid delay overrides the providers' own, slow ones still lag", () => {
    const slowFleet = parseFleet({
      providers: [
        {
          name: "slowpoke",
          address: "akash1zzfu2cmhn879jwxu2mhse0vqlzraa4a0adph0e",
          hostUri: "https://provider.slowpoke.test",
          capacity: { cpu: 4, memory: "8Gi", storage: "100Gi" },
          slow: true,
        },
      ],
    });
    assert.equal(planBids(nginx, slowFleet, opts).bids[0]?.delayMs, 20_000);
    assert.equal(planBids(nginx, slowFleet, { ...opts, bidDelayMs: 100 }).bids[0]?.delayMs, 1000);
  });

  test("bids become visible once their delay has passed", () => {
    const { bids } = planBids(nginx, fleet, opts);
    const created = 1_000_000;
    assert.deepEqual(visibleBids(bids, created, created + 1499), []);
    assert.deepEqual(
      visibleBids(bids, created, created + 2000).map((b) => b.provider.name),
      ["sto1", "fra1"],
    );
    assert.equal(visibleBids(bids, created, created + 60_000).length, 5);
  });

  test("offline and neverBids providers stay silent", () => {
    assert.deepEqual(planBids(nginx, withProvider({ offline: true }), opts).rejections[0]?.reasons, [
      "provider is offline",
    ]);
    assert.deepEqual(planBids(nginx, withProvider({ neverBids: true }), opts).rejections[0]?.reasons, [
      "provider never bids (neverBids)",
    ]);
  });

  test("providers taken offline by fault injection, by name or address, or all", () => {
    const sjc1 = fleet.providers.find((p) => p.name === "sjc1")!;
    const some = planBids(nginx, fleet, { ...opts, faults: { providersOffline: ["fra1", sjc1.address] } });
    assert.deepEqual(bidders(some), ["sto1", "nyc1", "sgp1"]);
    assert.deepEqual(reasonsOf(some, "fra1"), ["provider is offline (fault injection)"]);
    assert.deepEqual(bidders(planBids(nginx, fleet, { ...opts, faults: { providersOffline: true } })), []);
  });

  test("a bid drought silences everyone", () => {
    const plan = planBids(nginx, fleet, { ...opts, faults: { bidDrought: true } });
    assert.deepEqual(plan.bids, []);
    assert.equal(plan.rejections.length, fleet.providers.length);
    assert.deepEqual(reasonsOf(plan, "nyc1"), ["bid drought (fault injection): no provider bids"]);
  });
});
