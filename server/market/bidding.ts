/**
 * Which providers bid on an order (one SDL placement group), at what price and after what delay.
 * A provider bids when it is up and willing, offers every required attribute, is signed by the
 * required auditors, has the capacity (GPU models included) and its price is within the SDL's
 * maximum; a rejected provider's reasons are returned too, for logs and tests.
 */
import { DEC_SCALE, formatDec, mulDec, parseDec, type Dec } from "./dec";
import type { Fleet, Provider, ProviderGpu } from "./fleet";
import type { ChainResources, GpuModel, GroupResource, OrderGroup } from "./sdl";

const GIB = 1024n ** 3n;

/**
 * Base prices per block in micro-denom units, before a provider's priceFactor. At 6 s blocks
 * (432,000 per 30 days) one core is ~$0.86/month, one GiB of memory ~$0.43/month.
 */
export interface BasePrices {
  cpuPerCore: Dec;
  memoryPerGiB: Dec;
  storagePerGiB: Dec;
  persistentStoragePerGiB: Dec;
  gpuPerUnit: Dec;
  /** Per leased IP endpoint of the group (not per replica). */
  leasedIp: Dec;
}

export const DEFAULT_BASE_PRICES: BasePrices = {
  cpuPerCore: parseDec("2"),
  memoryPerGiB: parseDec("1"),
  storagePerGiB: parseDec("0.05"),
  persistentStoragePerGiB: parseDec("0.2"),
  gpuPerUnit: parseDec("300"),
  leasedIp: parseDec("5"),
};

/** Resources a provider already has committed (active leases); capacity left = capacity - usage. */
export interface ProviderUsage {
  cpuMillis: number;
  memoryBytes: number;
  storageBytes: number;
  persistentStorageBytes: number;
  /** Units in use per provider GPU, keyed by gpuKey(). */
  gpus: Record<string, number>;
  ips: number;
}

export interface BidFaults {
  /** No provider bids at all. */
  bidDrought?: boolean;
  /** true = every provider is offline; or the names/addresses of the offline ones. */
  providersOffline?: boolean | readonly string[];
}

export interface PlanBidsOptions {
  /** Bid prices are in this denom; the order's maximum must be too. */
  denom: string;
  /** Overrides every provider's bidDelayMs (the slow multiplier still applies). */
  bidDelayMs?: number;
  faults?: BidFaults;
  usage?: (providerAddress: string) => ProviderUsage | undefined;
  basePrices?: BasePrices;
}

export interface PlannedBid {
  provider: Provider;
  /** Per block for the whole group (all replicas), chain-style DecCoin. */
  price: { denom: string; amount: string };
  priceDec: Dec;
  /** After the order is created. */
  delayMs: number;
}

export interface BidRejection {
  provider: Provider;
  reasons: string[];
}

export interface BidPlan {
  /** Sorted by delay, then provider address. */
  bids: PlannedBid[];
  rejections: BidRejection[];
}

export function planBids(group: OrderGroup, fleet: Fleet, options: PlanBidsOptions): BidPlan {
  const bids: PlannedBid[] = [];
  const rejections: BidRejection[] = [];
  const maxPrice = groupMaxPrice(group, options.denom);
  for (const provider of fleet.providers) {
    const reasons = availabilityReasons(provider, options.faults);
    if (reasons.length === 0) {
      reasons.push(...attributeReasons(group, provider), ...auditorReasons(group, provider));
      reasons.push(...capacityReasons(group, provider, options.usage?.(provider.address) ?? emptyUsage()));
    }
    const priceDec = bidPrice(group, provider, options.basePrices);
    if (reasons.length === 0) {
      if (maxPrice.reason !== undefined) reasons.push(maxPrice.reason);
      else if (priceDec > maxPrice.amount) {
        reasons.push(
          `price ${formatDec(priceDec)} ${options.denom} per block is above the order's maximum of ${formatDec(maxPrice.amount)}`,
        );
      }
    }
    if (reasons.length > 0) {
      rejections.push({ provider, reasons });
      continue;
    }
    const baseDelay = options.bidDelayMs ?? provider.bidDelayMs;
    bids.push({
      provider,
      price: { denom: options.denom, amount: formatDec(priceDec) },
      priceDec,
      delayMs: Math.round(baseDelay * provider.slowFactor),
    });
  }
  bids.sort((a, b) => a.delayMs - b.delayMs || a.provider.address.localeCompare(b.provider.address));
  return { bids, rejections };
}

/** Bids whose delay has elapsed at `nowMs` for an order created at `orderCreatedAtMs`. */
export function visibleBids(
  bids: readonly PlannedBid[],
  orderCreatedAtMs: number,
  nowMs: number,
): PlannedBid[] {
  return bids.filter((bid) => orderCreatedAtMs + bid.delayMs <= nowMs);
}

/** `resources_offer` of a bid on this group, in the chain's REST JSON form. */
export function resourcesOffer(group: OrderGroup): { resources: ChainResources; count: number }[] {
  return group.resources.map((r) => ({ resources: r.chain, count: r.count }));
}

/**
 * The order's maximum price per block: sum of the SDL price of each resource unit x its count,
 * as the chain computes GroupSpec.Price(). A denom other than the server's makes it unbiddable.
 */
export function groupMaxPrice(group: OrderGroup, denom: string): { amount: Dec; reason?: string } {
  let amount = 0n;
  for (const r of group.resources) {
    if (r.price.denom !== denom) {
      return { amount: 0n, reason: `the order is priced in ${r.price.denom}, providers bid in ${denom}` };
    }
    amount += parseDec(r.price.amount) * BigInt(r.count);
  }
  return { amount };
}

/** A provider's price per block for the whole group, rounded to 6 decimals (at least 0.000001). */
export function bidPrice(
  group: OrderGroup,
  provider: Provider,
  prices: BasePrices = DEFAULT_BASE_PRICES,
): Dec {
  let base = 0n;
  for (const r of group.resources) base += replicaPrice(r, prices) * BigInt(r.count);
  base += BigInt(groupDemand(group).ips) * prices.leasedIp;
  const raw = mulDec(base, parseDec(provider.priceFactor));
  const step = DEC_SCALE / 1_000_000n;
  const rounded = ((raw + step / 2n) / step) * step;
  return rounded > 0n ? rounded : step;
}

function replicaPrice(r: GroupResource, prices: BasePrices): Dec {
  let price = (BigInt(r.cpuMillis) * prices.cpuPerCore) / 1000n;
  price += (BigInt(r.memoryBytes) * prices.memoryPerGiB) / GIB;
  for (const volume of r.storage) {
    const perGiB = volume.persistent ? prices.persistentStoragePerGiB : prices.storagePerGiB;
    price += (BigInt(volume.bytes) * perGiB) / GIB;
  }
  price += BigInt(r.gpu.units) * prices.gpuPerUnit;
  return price;
}

/** Whether a per-provider fault (`true` = all, or a list of names or addresses) covers a provider. */
export function offlineByFault(provider: Provider, named: boolean | readonly string[] | undefined) {
  if (typeof named !== "object") return named === true;
  return named.includes(provider.name) || named.includes(provider.address);
}

function availabilityReasons(provider: Provider, faults: BidFaults | undefined): string[] {
  if (faults?.bidDrought) return ["bid drought (fault injection): no provider bids"];
  if (offlineByFault(provider, faults?.providersOffline)) return ["provider is offline (fault injection)"];
  if (provider.offline) return ["provider is offline"];
  if (provider.neverBids) return ["provider never bids (neverBids)"];
  return [];
}

function attributeReasons(group: OrderGroup, provider: Provider): string[] {
  return group.requirements.attributes
    .filter((wanted) => !provider.attributes.some((a) => a.key === wanted.key && a.value === wanted.value))
    .map((wanted) => {
      const offered = provider.attributes.find((a) => a.key === wanted.key);
      return `attribute ${wanted.key}=${wanted.value} required, provider has ${offered ? `${offered.key}=${offered.value}` : `no ${wanted.key}`}`;
    });
}

function auditorReasons(group: OrderGroup, provider: Provider): string[] {
  const { allOf, anyOf } = group.requirements.signedBy;
  const reasons = allOf
    .filter((auditor) => !provider.auditors.includes(auditor))
    .map((auditor) => `not audited by ${auditor} (signedBy.allOf)`);
  if (anyOf.length > 0 && !anyOf.some((auditor) => provider.auditors.includes(auditor))) {
    reasons.push(`not audited by any of ${anyOf.join(", ")} (signedBy.anyOf)`);
  }
  return reasons;
}

function capacityReasons(group: OrderGroup, provider: Provider, used: ProviderUsage): string[] {
  const demand = groupDemand(group);
  const cap = provider.capacity;
  const reasons: string[] = [];
  const check = (what: string, wanted: number, capacity: number, inUse: number, unit: string) => {
    if (wanted > capacity - inUse) {
      reasons.push(
        `needs ${wanted}${unit} ${what}, provider has ${Math.max(0, capacity - inUse)}${unit} free`,
      );
    }
  };
  check("cpu", demand.cpuMillis, cap.cpuMillis, used.cpuMillis, "m");
  check("memory", demand.memoryBytes, cap.memoryBytes, used.memoryBytes, " bytes");
  check("ephemeral storage", demand.storageBytes, cap.storageBytes, used.storageBytes, " bytes");
  check(
    "persistent storage",
    demand.persistentStorageBytes,
    cap.persistentStorageBytes,
    used.persistentStorageBytes,
    " bytes",
  );
  check("leased IPs", demand.ips, cap.ips.length, used.ips, "");
  for (const storageClass of demand.storageClasses) {
    if (!cap.storageClasses.includes(storageClass)) {
      reasons.push(
        `persistent storage class ${storageClass} not offered (provider has ${cap.storageClasses.join(", ") || "none"})`,
      );
    }
  }
  const gpu = allocateGpus(group, provider, used);
  if (!gpu.ok) reasons.push(gpu.reason);
  return reasons;
}

interface GroupDemand {
  cpuMillis: number;
  memoryBytes: number;
  storageBytes: number;
  persistentStorageBytes: number;
  storageClasses: string[];
  ips: number;
}

function groupDemand(group: OrderGroup): GroupDemand {
  const demand: GroupDemand = {
    cpuMillis: 0,
    memoryBytes: 0,
    storageBytes: 0,
    persistentStorageBytes: 0,
    storageClasses: [],
    ips: 0,
  };
  for (const r of group.resources) {
    demand.cpuMillis += r.cpuMillis * r.count;
    demand.memoryBytes += r.memoryBytes * r.count;
    for (const volume of r.storage) {
      if (volume.persistent) {
        demand.persistentStorageBytes += volume.bytes * r.count;
        if (volume.class && !demand.storageClasses.includes(volume.class))
          demand.storageClasses.push(volume.class);
      } else {
        demand.storageBytes += volume.bytes * r.count;
      }
    }
  }
  demand.ips = new Set(
    group.resources.flatMap((r) =>
      r.endpoints.filter((e) => e.kind === "LEASED_IP").map((e) => e.sequenceNumber),
    ),
  ).size;
  return demand;
}

/** Key of a provider GPU in ProviderUsage.gpus. */
export function gpuKey(gpu: ProviderGpu): string {
  return `${gpu.vendor}/${gpu.model}${gpu.ram ? `/${gpu.ram}` : ""}${gpu.interface ? `/${gpu.interface}` : ""}`;
}

function gpuMatches(wanted: GpuModel[], gpu: ProviderGpu): boolean {
  // No attributes in the SDL means any GPU will do.
  if (wanted.length === 0) return true;
  return wanted.some(
    (w) =>
      w.vendor === gpu.vendor &&
      (w.model === undefined || w.model === gpu.model) &&
      (w.ram === undefined || w.ram === gpu.ram) &&
      (w.interface === undefined || w.interface === gpu.interface),
  );
}

type GpuAllocation = { ok: true; units: Record<string, number> } | { ok: false; reason: string };

/**
 * Takes GPU units for each replica from the first matching provider GPU with enough free units:
 * a replica's GPUs are one model on one machine, as Kubernetes schedules them.
 */
function allocateGpus(group: OrderGroup, provider: Provider, used: ProviderUsage): GpuAllocation {
  const free = new Map(provider.capacity.gpus.map((g) => [gpuKey(g), g.units - (used.gpus[gpuKey(g)] ?? 0)]));
  const units: Record<string, number> = {};
  for (const r of group.resources) {
    if (r.gpu.units === 0) continue;
    for (let replica = 0; replica < r.count; replica++) {
      const gpu = provider.capacity.gpus.find(
        (g) => gpuMatches(r.gpu.models, g) && (free.get(gpuKey(g)) ?? 0) >= r.gpu.units,
      );
      if (!gpu) return { ok: false, reason: gpuShortage(r, provider, used) };
      const key = gpuKey(gpu);
      free.set(key, (free.get(key) ?? 0) - r.gpu.units);
      units[key] = (units[key] ?? 0) + r.gpu.units;
    }
  }
  return { ok: true, units };
}

function gpuShortage(r: GroupResource, provider: Provider, used: ProviderUsage): string {
  const wanted = r.gpu.models.map((m) =>
    [m.vendor, m.model ?? "*", m.ram, m.interface].filter(Boolean).join("/"),
  );
  const offered = provider.capacity.gpus.map((g) => `${g.units}x ${gpuKey(g)}`);
  const inUse = Object.values(used.gpus).some((n) => n > 0) ? " (some in use)" : "";
  return `needs ${r.count} x ${r.gpu.units} GPU(s) of ${wanted.join(" | ") || "any model"}, provider has ${
    offered.join(", ") || "no GPUs"
  }${inUse}`;
}

export function emptyUsage(): ProviderUsage {
  return { cpuMillis: 0, memoryBytes: 0, storageBytes: 0, persistentStorageBytes: 0, gpus: {}, ips: 0 };
}

/**
 * What a lease of this group takes from the provider, to add to its usage while the lease is
 * active. Assumes the group fits (it was bid on).
 */
export function leaseUsage(
  group: OrderGroup,
  provider: Provider,
  used: ProviderUsage = emptyUsage(),
): ProviderUsage {
  const demand = groupDemand(group);
  const gpu = allocateGpus(group, provider, used);
  return {
    cpuMillis: demand.cpuMillis,
    memoryBytes: demand.memoryBytes,
    storageBytes: demand.storageBytes,
    persistentStorageBytes: demand.persistentStorageBytes,
    gpus: gpu.ok ? gpu.units : {},
    ips: demand.ips,
  };
}

export function addUsage(a: ProviderUsage, b: ProviderUsage): ProviderUsage {
  const gpus = { ...a.gpus };
  for (const [key, units] of Object.entries(b.gpus)) gpus[key] = (gpus[key] ?? 0) + units;
  return {
    cpuMillis: a.cpuMillis + b.cpuMillis,
    memoryBytes: a.memoryBytes + b.memoryBytes,
    storageBytes: a.storageBytes + b.storageBytes,
    persistentStorageBytes: a.persistentStorageBytes + b.persistentStorageBytes,
    gpus,
    ips: a.ips + b.ips,
  };
}
