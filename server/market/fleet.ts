/**
 * The simulated provider fleet: loaded from YAML (or an object), validated with zod, normalised to
 * exact units (millicores, bytes) so bidding never re-parses strings.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Attribute } from "./sdl";

/** Shipped with the package (package.json `files` has server/**\/*.yaml); resolved from dist/server/market. */
export const DEFAULT_FLEET_PATH = path.resolve(__dirname, "../../../server/market/default-fleet.yaml");

/** Multiplier a provider's bid delay gets with `slow: true`. */
export const SLOW_FACTOR = 10;

export interface ProviderGpu {
  vendor: string;
  model: string;
  ram?: string;
  interface?: string;
  units: number;
}

export interface ProviderCapacity {
  cpuMillis: number;
  memoryBytes: number;
  /** Ephemeral storage. */
  storageBytes: number;
  persistentStorageBytes: number;
  /** Persistent storage classes offered (beta1, beta2, beta3...). */
  storageClasses: string[];
  gpus: ProviderGpu[];
  /** Leasable IP addresses; its length is how many IP endpoints the provider can serve. */
  ips: string[];
}

export interface Provider {
  name: string;
  address: string;
  hostUri: string;
  /** Host name of hostUri: forwarded ports are reached there. */
  host: string;
  /** Ingress domain: a lease's HTTP URIs are <id>.<ingressDomain>. */
  ingressDomain: string;
  /** Sorted by key. */
  attributes: Attribute[];
  auditors: string[];
  capacity: ProviderCapacity;
  /** Decimal string (exact), e.g. "1.5". */
  priceFactor: string;
  bidDelayMs: number;
  offline: boolean;
  /** Bid delay multiplier, 1 unless the provider is slow. */
  slowFactor: number;
  neverBids: boolean;
}

export interface Fleet {
  providers: Provider[];
}

/** The fleet file or object is invalid; `issues` name the path of each problem. */
export class FleetConfigError extends Error {
  override readonly name = "FleetConfigError";
  constructor(
    readonly source: string,
    readonly issues: readonly string[],
  ) {
    super(`Invalid provider fleet (${source}):\n${issues.map((i) => `  - ${i}`).join("\n")}`);
  }
}

const ADDRESS_RE = /^akash1[02-9ac-hj-np-z]{38}$/;
const SIZE_RE = /^(\d+(?:\.\d+)?)\s*(?:([kmgtpe])(i?))?b?$/i;
const CPU_RE = /^(\d+(?:\.\d+)?)(m?)$/;
const SIZE_POWERS = "kmgtpe";

const address = z
  .string()
  .regex(ADDRESS_RE, "must be an Akash account address: akash1 followed by 38 bech32 characters");

const size = z.union([z.number().nonnegative(), z.string()]).transform((value, ctx) => {
  const bytes = parseSize(value);
  if (bytes === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `"${value}" is not a size (use bytes or e.g. "512Mi", "64Gi", "2Ti")`,
    });
    return z.NEVER;
  }
  return bytes;
});

const cpu = z.union([z.number().positive(), z.string()]).transform((value, ctx) => {
  const millis = parseCpu(value);
  if (millis === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `"${value}" is not a CPU amount (use cores, e.g. 64, or millicores, e.g. "500m")`,
    });
    return z.NEVER;
  }
  return millis;
});

const attributeValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const ProviderSchema = z.strictObject({
  name: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9-]*$/,
      "must be lowercase letters, digits and dashes (it names the provider in faults and logs)",
    ),
  address,
  hostUri: z.url({
    protocol: /^https?$/,
    error: "must be an http(s) URL such as https://provider.example.test:8443",
  }),
  ingressDomain: z.string().min(1).optional(),
  attributes: z.record(z.string().min(1), attributeValue).default({}),
  auditors: z.array(address).default([]),
  capacity: z.strictObject({
    cpu,
    memory: size,
    storage: size,
    persistentStorage: z.strictObject({ size, classes: z.array(z.string().min(1)).min(1) }).optional(),
    gpus: z
      .array(
        z.strictObject({
          vendor: z.string().min(1).default("nvidia"),
          model: z.string().min(1),
          ram: z.string().min(1).optional(),
          interface: z.string().min(1).optional(),
          units: z.number().int().positive(),
        }),
      )
      .default([]),
    ips: z.array(z.union([z.ipv4(), z.ipv6()])).default([]),
  }),
  priceFactor: z.number().positive().default(1),
  bidDelayMs: z.number().int().nonnegative().default(2000),
  offline: z.boolean().default(false),
  slow: z.union([z.boolean(), z.number().min(1)]).default(false),
  neverBids: z.boolean().default(false),
});

const FleetSchema = z
  .strictObject({ providers: z.array(ProviderSchema).min(1, "a fleet needs at least one provider") })
  .superRefine((fleet, ctx) => {
    for (const key of ["name", "address"] as const) {
      const seen = new Map<string, number>();
      fleet.providers.forEach((p, i) => {
        const first = seen.get(p[key]);
        if (first !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["providers", i, key],
            message: `duplicate ${key} "${p[key]}" (also providers[${first}])`,
          });
        }
        seen.set(p[key], i);
      });
    }
  });

/** The fleet as written in YAML (sizes as strings, knobs optional). */
export type FleetInput = z.input<typeof FleetSchema>;

/** Validates a fleet object; `source` names it in errors. */
export function parseFleet(input: unknown, source = "fleet object"): Fleet {
  const result = FleetSchema.safeParse(input);
  if (!result.success) {
    throw new FleetConfigError(
      source,
      result.error.issues.map((issue) => `${formatPath(issue.path) || "(root)"}: ${issue.message}`),
    );
  }
  return { providers: result.data.providers.map(normalizeProvider) };
}

/** Parses and validates fleet YAML text. */
export function parseFleetYaml(text: string, source = "fleet YAML"): Fleet {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new FleetConfigError(source, [
      `not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
  return parseFleet(data, source);
}

/**
 * A fleet from a YAML file path, an object, or (undefined) the shipped default fleet.
 */
export function loadFleet(source?: string | FleetInput): Fleet {
  if (source !== undefined && typeof source !== "string") return parseFleet(source);
  const file = source ?? DEFAULT_FLEET_PATH;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw new FleetConfigError(file, [`cannot read the fleet file: ${reason}`]);
  }
  return parseFleetYaml(text, file);
}

/** Finds a provider by address or name. */
export function findProvider(fleet: Fleet, addressOrName: string): Provider | undefined {
  return fleet.providers.find((p) => p.address === addressOrName || p.name === addressOrName);
}

type ParsedProvider = z.output<typeof ProviderSchema>;

function normalizeProvider(p: ParsedProvider): Provider {
  const host = new URL(p.hostUri).hostname;
  return {
    name: p.name,
    address: p.address,
    hostUri: p.hostUri,
    host,
    ingressDomain: p.ingressDomain ?? `ingress.${host.replace(/^provider\./, "")}`,
    attributes: Object.entries(p.attributes)
      .map(([key, value]) => ({ key, value }))
      .sort((a, b) => a.key.localeCompare(b.key)),
    auditors: [...p.auditors],
    capacity: {
      cpuMillis: p.capacity.cpu,
      memoryBytes: p.capacity.memory,
      storageBytes: p.capacity.storage,
      persistentStorageBytes: p.capacity.persistentStorage?.size ?? 0,
      storageClasses: [...(p.capacity.persistentStorage?.classes ?? [])],
      gpus: p.capacity.gpus.map((g) => ({
        vendor: g.vendor,
        model: g.model,
        ...(g.ram ? { ram: g.ram } : {}),
        ...(g.interface ? { interface: g.interface } : {}),
        units: g.units,
      })),
      ips: [...p.capacity.ips],
    },
    priceFactor: String(p.priceFactor),
    bidDelayMs: p.bidDelayMs,
    offline: p.offline,
    slowFactor: p.slow === true ? SLOW_FACTOR : p.slow === false ? 1 : p.slow,
    neverBids: p.neverBids,
  };
}

function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((s, i) => (typeof s === "number" ? `[${s}]` : `${i === 0 ? "" : "."}${String(s)}`))
    .join("");
}

/** "512Mi" -> 536870912, "1G" -> 1e9, 1024 -> 1024 (binary suffixes with i, decimal without). */
export function parseSize(value: number | string): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? Math.ceil(value) : undefined;
  const match = SIZE_RE.exec(value.trim());
  if (!match) return undefined;
  const power = match[2] ? SIZE_POWERS.indexOf(match[2].toLowerCase()) + 1 : 0;
  const base = match[3] ? 1024 : 1000;
  const bytes = Math.ceil(Number(match[1]) * base ** power);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** 64 -> 64000, "500m" -> 500, "2" -> 2000. */
export function parseCpu(value: number | string): number | undefined {
  if (typeof value === "number")
    return Number.isFinite(value) && value > 0 ? Math.round(value * 1000) : undefined;
  const match = CPU_RE.exec(value.trim());
  if (!match) return undefined;
  const millis = match[2] ? Number(match[1]) : Number(match[1]) * 1000;
  return millis > 0 && Number.isSafeInteger(Math.round(millis)) ? Math.round(millis) : undefined;
}
