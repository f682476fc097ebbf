/**
 * SDL -> manifest, manifest version and order groups, computed with @akashnetwork/chain-sdk exactly
 * as the live Console API does (deployment/services/sdl/sdl.service.ts): parse the YAML, force every
 * placement's pricing denom to the server's denom, optionally append the allowed auditors to
 * `signedBy.anyOf`, then `generateManifest`, `manifestToSortedJSON(groups)` and
 * `generateManifestVersion(groups)` (base64 = the on-chain deployment hash).
 */
import { resolveSecretReferences } from "../../sdk/secrets";
import { secretReferenceName } from "./secrets";
import {
  generateManifest,
  generateManifestVersion,
  manifestToSortedJSON,
  yaml,
  type SDLInput,
} from "@akashnetwork/chain-sdk/web";

export interface Attribute {
  key: string;
  value: string;
}

export type EndpointKind = "SHARED_HTTP" | "RANDOM_PORT" | "LEASED_IP";

export interface GpuModel {
  vendor: string;
  /** Undefined when the SDL accepts any model of the vendor. */
  model?: string;
  ram?: string;
  interface?: string;
}

export interface StorageVolume {
  name: string;
  bytes: number;
  persistent: boolean;
  class?: string;
  attributes: Attribute[];
}

/** The resource unit in the chain's REST JSON form, as bids show it in `resources_offer[].resources`. */
export interface ChainResources {
  id: number;
  cpu: { units: { val: string }; attributes: Attribute[] };
  memory: { quantity: { val: string }; attributes: Attribute[] };
  storage: { name: string; quantity: { val: string }; attributes: Attribute[] }[];
  gpu: { units: { val: string }; attributes: Attribute[] };
  endpoints: { kind: EndpointKind; sequence_number: number }[];
}

export interface GroupResource {
  id: number;
  /** Per replica. */
  cpuMillis: number;
  memoryBytes: number;
  storage: StorageVolume[];
  gpu: { units: number; models: GpuModel[] };
  endpoints: { kind: EndpointKind; sequenceNumber: number }[];
  count: number;
  /** Maximum price per block for ONE replica, as written in the SDL (denom forced to the server's). */
  price: { denom: string; amount: string };
  chain: ChainResources;
}

export interface ServiceExpose {
  port: number;
  /** 0 when the SDL has no `as` (the container port is used). */
  externalPort: number;
  proto: string;
  global: boolean;
  /** Target service for service-to-service exposure, else undefined. */
  service?: string;
  /** Name of the SDL `endpoints:` IP endpoint, else undefined. */
  ip?: string;
  hosts: string[];
  endpointSequenceNumber: number;
}

export interface GroupService {
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: string[];
  count: number;
  resourceId: number;
  expose: ServiceExpose[];
}

export interface OrderGroup {
  name: string;
  requirements: { attributes: Attribute[]; signedBy: { allOf: string[]; anyOf: string[] } };
  resources: GroupResource[];
  services: GroupService[];
}

export interface CompiledSdl {
  /**
   * `manifestToSortedJSON(groups)`: the string clients pass back verbatim to POST /v1/leases.
   * Unresolved: secret values appear as their `ac-secret://` references.
   */
  manifest: string;
  /**
   * base64 of `generateManifestVersion(groups)` over the groups with secret values resolved (what
   * the provider receives and checks against the chain): the deployment `hash`.
   */
  hash: string;
  /** One per placement group; gseq = index + 1. Unresolved, like `manifest`. */
  groups: OrderGroup[];
  /** The secret names the SDL references (`ac-secret://NAME`), sorted. */
  references: string[];
}

export interface CompileSdlOptions {
  /** Every placement's pricing denom is set to this (the live API uses its grant denom). */
  denom: string;
  /** Appended to each placement's `signedBy.anyOf` (live: MANAGED_WALLET_LEASE_ALLOWED_AUDITORS). */
  allowedAuditors?: readonly string[];
  /**
   * Values of the SDL's secret references, resolved into the manifest the version (`hash`) is
   * computed over. A reference without a value stays a reference (callers check first).
   */
  secrets?: Readonly<Record<string, string>>;
}

/** The SDL cannot be compiled; `message` is the live API's 400 message. */
export class InvalidSdlError extends Error {
  override readonly name = "InvalidSdlError";
  constructor(readonly messages: readonly string[]) {
    super(`Invalid SDL: ${messages.join(", ")}`);
  }
}

export async function compileSdl(sdl: string, options: CompileSdlOptions): Promise<CompiledSdl> {
  const input = parseSdlYaml(sdl);
  if (isRecord(input)) {
    const placement =
      isRecord(input.profiles) && isRecord(input.profiles.placement) ? input.profiles.placement : {};
    forcePricingDenom(placement, options.denom);
    appendAuditors(placement, options.allowedAuditors ?? []);
  }
  let result: ReturnType<typeof generateManifest>;
  try {
    result = generateManifest(input as SDLInput);
  } catch (error) {
    // The validator is meant to report, not throw; anything it throws is still the SDL's fault.
    throw new InvalidSdlError([errorMessage(error)]);
  }
  if (!result.ok) throw new InvalidSdlError(result.value.map((e) => e.message));
  const { groups, groupSpecs } = result.value;
  const references = secretReferencesOf(groups);
  const version = await generateManifestVersion(resolveSecretReferences(groups, options.secrets ?? {}));
  return {
    manifest: manifestToSortedJSON(groups),
    hash: Buffer.from(version).toString("base64"),
    references,
    groups: groupSpecs.map((spec) => {
      const manifestGroup = groups.find((g) => g.name === spec.name);
      return toOrderGroup(spec, manifestGroup?.services ?? []);
    }),
  };
}

type ManifestGroups = Extract<ReturnType<typeof generateManifest>, { ok: true }>["value"]["groups"];

/**
 * The secret names referenced by env values (`NAME=ac-secret://SECRET`) and registry credentials
 * (username, password). A value with the reserved `ac-` prefix that is not a valid reference is an
 * invalid SDL, as on the live API.
 */
function secretReferencesOf(groups: ManifestGroups): string[] {
  const names = new Set<string>();
  const problems: string[] = [];
  const visit = (value: string, where: string) => {
    if (!value.startsWith("ac-")) return;
    const name = secretReferenceName(value);
    if (name) names.add(name);
    else
      problems.push(
        `${where} starts with the reserved prefix "ac-" but is not a secret reference ac-secret://NAME (NAME: [A-Za-z_][A-Za-z0-9_]{0,63})`,
      );
  };
  for (const group of groups) {
    for (const service of group.services) {
      for (const entry of service.env) {
        const equals = entry.indexOf("=");
        if (equals >= 0)
          visit(entry.slice(equals + 1), `env ${entry.slice(0, equals)} of service ${service.name}`);
      }
      if (service.credentials) {
        visit(service.credentials.username, `credentials.username of service ${service.name}`);
        visit(service.credentials.password, `credentials.password of service ${service.name}`);
      }
    }
  }
  if (problems.length > 0) throw new InvalidSdlError(problems);
  return [...names].sort();
}

function parseSdlYaml(sdl: string): unknown {
  try {
    // chain-sdk's `yaml` tag with a single chunk is a plain js-yaml load (what live `yaml.raw` does).
    return yaml<unknown>(Object.assign([sdl], { raw: [sdl] }));
  } catch (error) {
    throw new InvalidSdlError([errorMessage(error)]);
  }
}

function forcePricingDenom(placement: Record<string, unknown>, denom: string): void {
  for (const profile of Object.values(placement)) {
    if (!isRecord(profile) || !isRecord(profile.pricing)) continue;
    for (const price of Object.values(profile.pricing)) {
      if (isRecord(price)) price.denom = denom;
    }
  }
}

function appendAuditors(placement: Record<string, unknown>, auditors: readonly string[]): void {
  if (auditors.length === 0) return;
  for (const profile of Object.values(placement)) {
    if (!isRecord(profile)) continue;
    if (!isRecord(profile.signedBy)) profile.signedBy = {};
    const signedBy = profile.signedBy as Record<string, unknown>;
    if (!Array.isArray(signedBy.anyOf)) signedBy.anyOf = [];
    const anyOf = signedBy.anyOf as unknown[];
    for (const auditor of auditors) if (!anyOf.includes(auditor)) anyOf.push(auditor);
  }
}

type ManifestResult = Extract<ReturnType<typeof generateManifest>, { ok: true }>["value"];
type GroupSpec = ManifestResult["groupSpecs"][number];
type ManifestService = ManifestResult["groups"][number]["services"][number];
type ResourceValue = { val: Uint8Array } | undefined;

const ENDPOINT_KINDS: Record<number, EndpointKind> = { 0: "SHARED_HTTP", 1: "RANDOM_PORT", 2: "LEASED_IP" };

function toOrderGroup(spec: GroupSpec, services: ManifestService[]): OrderGroup {
  return {
    name: spec.name,
    requirements: {
      attributes: (spec.requirements?.attributes ?? []).map(copyAttribute),
      signedBy: {
        allOf: [...(spec.requirements?.signedBy?.allOf ?? [])],
        anyOf: [...(spec.requirements?.signedBy?.anyOf ?? [])],
      },
    },
    resources: spec.resources.map((unit) => {
      const r = unit.resource;
      const cpuAttributes = (r?.cpu?.attributes ?? []).map(copyAttribute);
      const memoryAttributes = (r?.memory?.attributes ?? []).map(copyAttribute);
      const gpuAttributes = (r?.gpu?.attributes ?? []).map(copyAttribute);
      const storage = (r?.storage ?? []).map((s) => ({
        name: s.name,
        val: decodeValue(s.quantity),
        attributes: s.attributes.map(copyAttribute),
      }));
      const endpoints = (r?.endpoints ?? []).map((e) => ({
        kind: ENDPOINT_KINDS[e.kind] ?? "SHARED_HTTP",
        sequenceNumber: e.sequenceNumber,
      }));
      const cpuVal = decodeValue(r?.cpu?.units);
      const memoryVal = decodeValue(r?.memory?.quantity);
      const gpuVal = decodeValue(r?.gpu?.units);
      return {
        id: r?.id ?? 0,
        cpuMillis: Number(cpuVal),
        memoryBytes: Number(memoryVal),
        storage: storage.map((s) => storageVolume(s.name, s.val, s.attributes)),
        gpu: { units: Number(gpuVal), models: gpuAttributes.map((a) => parseGpuModel(a.key)) },
        endpoints,
        count: unit.count,
        price: { denom: unit.price?.denom ?? "", amount: unit.price?.amount ?? "0" },
        chain: {
          id: r?.id ?? 0,
          cpu: { units: { val: cpuVal }, attributes: cpuAttributes },
          memory: { quantity: { val: memoryVal }, attributes: memoryAttributes },
          storage: storage.map((s) => ({ name: s.name, quantity: { val: s.val }, attributes: s.attributes })),
          gpu: { units: { val: gpuVal }, attributes: gpuAttributes },
          endpoints: endpoints.map((e) => ({ kind: e.kind, sequence_number: e.sequenceNumber })),
        },
      };
    }),
    services: services.map((s) => ({
      name: s.name,
      image: s.image,
      command: [...s.command],
      args: [...s.args],
      env: [...s.env],
      count: s.count,
      resourceId: s.resources?.id ?? 0,
      expose: s.expose.map((e) => ({
        port: e.port,
        externalPort: e.externalPort,
        proto: e.proto,
        global: e.global,
        ...(e.service ? { service: e.service } : {}),
        ...(e.ip ? { ip: e.ip } : {}),
        hosts: [...e.hosts],
        endpointSequenceNumber: e.endpointSequenceNumber,
      })),
    })),
  };
}

const decoder = new TextDecoder();

function decodeValue(value: ResourceValue): string {
  return value ? decoder.decode(value.val) : "0";
}

function copyAttribute(a: Attribute): Attribute {
  return { key: a.key, value: a.value };
}

function storageVolume(name: string, val: string, attributes: Attribute[]): StorageVolume {
  const storageClass = attributes.find((a) => a.key === "class")?.value;
  return {
    name,
    bytes: Number(val),
    persistent: attributes.some((a) => a.key === "persistent" && a.value === "true"),
    ...(storageClass ? { class: storageClass } : {}),
    attributes,
  };
}

/** Inverse of chain-sdk's GPU attribute keys: vendor/<v>/model/<m>[/ram/<r>][/interface/<i>]. */
function parseGpuModel(key: string): GpuModel {
  const parts = key.split("/");
  const model: GpuModel = { vendor: parts[1] ?? "" };
  for (let i = 2; i + 1 < parts.length; i += 2) {
    const value = parts[i + 1] ?? "";
    if (parts[i] === "model" && value !== "*") model.model = value;
    if (parts[i] === "ram") model.ram = value;
    if (parts[i] === "interface") model.interface = value;
  }
  return model;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export type ResourceComparison = { same: true } | { same: false; changed: string[] };

/**
 * Whether a new SDL's groups can replace the old ones in place. A lease is bound to the resources
 * it was bid on (the provider rejects a manifest that does not fit them), so any change to group
 * names, resource units, sizes, GPUs, endpoints or counts is reported; pricing and placement
 * requirements only mattered for bidding and are ignored.
 */
export function compareGroupResources(oldGroups: OrderGroup[], newGroups: OrderGroup[]): ResourceComparison {
  const changed: string[] = [];
  const oldNames = oldGroups.map((g) => g.name);
  const newNames = newGroups.map((g) => g.name);
  for (const name of newNames) if (!oldNames.includes(name)) changed.push(`group "${name}" was added`);
  for (const name of oldNames) if (!newNames.includes(name)) changed.push(`group "${name}" was removed`);
  if (changed.length === 0 && oldNames.join("\n") !== newNames.join("\n")) {
    changed.push(`groups were reordered (${oldNames.join(", ")} -> ${newNames.join(", ")})`);
  }
  for (const oldGroup of oldGroups) {
    const newGroup = newGroups.find((g) => g.name === oldGroup.name);
    if (newGroup) changed.push(...compareResources(oldGroup, newGroup));
  }
  return changed.length === 0 ? { same: true } : { same: false, changed };
}

function compareResources(oldGroup: OrderGroup, newGroup: OrderGroup): string[] {
  const where = `group "${oldGroup.name}"`;
  if (oldGroup.resources.length !== newGroup.resources.length) {
    return [
      `${where}: number of resource units changed from ${oldGroup.resources.length} to ${newGroup.resources.length}`,
    ];
  }
  const changes: string[] = [];
  oldGroup.resources.forEach((before, i) => {
    const after = newGroup.resources[i];
    if (!after) return;
    const unit = `${where} resource ${before.id} (${servicesOf(oldGroup, before.id)})`;
    const diff = (what: string, a: string, b: string) => {
      if (a !== b) changes.push(`${unit}: ${what} changed from ${a} to ${b}`);
    };
    diff("count", String(before.count), String(after.count));
    diff("cpu", `${before.cpuMillis}m`, `${after.cpuMillis}m`);
    diff("memory", `${before.memoryBytes} bytes`, `${after.memoryBytes} bytes`);
    diff("storage", describeStorage(before.storage), describeStorage(after.storage));
    diff("gpu", describeGpu(before), describeGpu(after));
    diff("endpoints", describeEndpoints(before), describeEndpoints(after));
  });
  return changes;
}

function servicesOf(group: OrderGroup, resourceId: number): string {
  const names = group.services.filter((s) => s.resourceId === resourceId).map((s) => s.name);
  return names.length > 0 ? `service ${names.join(", ")}` : "no service";
}

function describeStorage(volumes: StorageVolume[]): string {
  return `[${volumes
    .map((v) => `${v.name}=${v.bytes} bytes${v.attributes.map((a) => ` ${a.key}=${a.value}`).join("")}`)
    .join("; ")}]`;
}

function describeGpu(resource: GroupResource): string {
  const attrs = resource.chain.gpu.attributes.map((a) => a.key).join(" | ");
  return `${resource.gpu.units} unit(s)${attrs ? ` of ${attrs}` : ""}`;
}

function describeEndpoints(resource: GroupResource): string {
  return `[${resource.endpoints.map((e) => `${e.kind}#${e.sequenceNumber}`).join(", ")}]`;
}
