/**
 * The provider's lease status (GET {hostUri}/lease/{dseq}/{gseq}/{oseq}/status), in the exact
 * shape the live API passes through: services with replica counts and ingress URIs,
 * forwarded_ports for global ports that are not HTTP ingress (not TCP 80), ips for IP endpoints.
 * Everything is derived deterministically from the lease's identity, so the same lease always
 * shows the same URIs, ports and IPs, in a stable order (services and ports in manifest order).
 */
import { createHash } from "node:crypto";
import type { LeaseStatus, ServiceStatus } from "../../sdk/contract/deployments";
import type { Provider } from "./fleet";
import type { OrderGroup, ServiceExpose } from "./sdl";

/** The status shapes are the contract's (sdk/), the single source of truth for the wire format. */
export type { LeaseStatus, ServiceStatus };

export interface LeaseRef {
  dseq: string;
  gseq: number;
  oseq: number;
}

export interface LeaseStatusInput {
  group: OrderGroup;
  provider: Provider;
  lease: LeaseRef;
  /** When the provider received the first manifest (lease creation). */
  deployedAtMs: number;
  /** When the current manifest replaced an earlier one (PUT in place), if it did. */
  updatedAtMs?: number;
  /** Manifests received so far: 1, plus one per in-place update. */
  generation?: number;
  nowMs: number;
  /** How long replicas take to become ready after a manifest arrives. */
  startDelayMs: number;
  /** The lease is closed: the provider no longer knows it. */
  closed?: boolean;
  /** The provider is unreachable (its offline knob or fault injection). */
  providerOffline?: boolean;
  /** The containers keep crashing (fault injection): no replica is ready. */
  unready?: boolean;
}

/** Kubernetes NodePort range, where providers map forwarded ports. */
const NODE_PORT_MIN = 30000;
const NODE_PORT_COUNT = 2768;

/**
 * The status a provider would report now; null when it would not answer (closed lease, provider
 * offline), which is what the live API shows when the provider call fails.
 */
export function leaseStatus(input: LeaseStatusInput): LeaseStatus | null {
  if (input.closed || input.providerOffline) return null;
  const { group, provider, lease } = input;
  const started = input.nowMs >= input.deployedAtMs + input.startDelayMs;
  const rolledOut = input.updatedAtMs === undefined || input.nowMs >= input.updatedAtMs + input.startDelayMs;
  const generation = input.generation ?? 1;
  const usedPorts = new Set<number>();
  const assignedIps = new Map<string, string>();
  const status: LeaseStatus = { forwarded_ports: {}, ips: {}, services: {} };

  for (const service of group.services) {
    const ready = started && !input.unready ? service.count : 0;
    const uris = new Set<string>();
    for (const expose of service.expose.filter((e) => isIngress(e))) {
      uris.add(ingressHost(provider, lease, service.name));
      for (const host of expose.hosts) uris.add(host);
    }
    status.services[service.name] = {
      name: service.name,
      available: ready,
      total: service.count,
      uris: [...uris],
      observed_generation: generation,
      replicas: service.count,
      updated_replicas: started && rolledOut ? service.count : 0,
      ready_replicas: ready,
      available_replicas: ready,
    };

    const forwarded = service.expose
      .filter((e) => e.global && !isIngress(e))
      .map((e) => ({
        host: provider.host,
        // The Kubernetes service port is the SDL's `as` when given, the container port otherwise.
        port: e.externalPort || e.port,
        externalPort: nodePort(
          usedPorts,
          `${provider.address}/${leaseKey(lease)}/${service.name}/${e.port}/${e.proto}`,
        ),
        available: ready,
      }));
    if (forwarded.length > 0) status.forwarded_ports[service.name] = forwarded;

    const ips = service.expose
      .filter((e): e is ServiceExpose & { ip: string } => e.global && e.ip !== undefined)
      .map((e) => ({
        IP: leasedIp(provider, lease, e.ip, assignedIps),
        Port: e.port,
        ExternalPort: e.externalPort || e.port,
        Protocol: e.proto,
      }));
    if (ips.length > 0) status.ips[service.name] = ips;
  }
  return status;
}

/** The provider's HTTP ingress serves global TCP exposes on port 80 (`as: 80` or port 80). */
export function isIngress(expose: ServiceExpose): boolean {
  return expose.global && expose.proto === "TCP" && (expose.externalPort || expose.port) === 80;
}

/** "<26 base32 chars>.<ingressDomain>", stable for a provider, lease and service. */
export function ingressHost(provider: Provider, lease: LeaseRef, service: string): string {
  const digest = createHash("sha256")
    .update(`${provider.address}/${leaseKey(lease)}/${service}`)
    .digest();
  return `${base32(digest).slice(0, 26)}.${provider.ingressDomain}`;
}

function leaseKey(lease: LeaseRef): string {
  return `${lease.dseq}/${lease.gseq}/${lease.oseq}`;
}

function nodePort(used: Set<number>, seed: string): number {
  let offset = createHash("sha256").update(seed).digest().readUInt32BE(0) % NODE_PORT_COUNT;
  while (used.has(NODE_PORT_MIN + offset)) offset = (offset + 1) % NODE_PORT_COUNT;
  used.add(NODE_PORT_MIN + offset);
  return NODE_PORT_MIN + offset;
}

/** One address of the provider's pool per SDL IP endpoint name; distinct names get distinct addresses while the pool allows. */
function leasedIp(
  provider: Provider,
  lease: LeaseRef,
  endpoint: string,
  assigned: Map<string, string>,
): string {
  const known = assigned.get(endpoint);
  if (known !== undefined) return known;
  const pool = provider.capacity.ips;
  if (pool.length === 0) return "";
  const taken = new Set(assigned.values());
  let index =
    createHash("sha256")
      .update(`${provider.address}/${leaseKey(lease)}/${endpoint}`)
      .digest()
      .readUInt32BE(0) % pool.length;
  for (let tries = 0; tries < pool.length && taken.has(pool[index] ?? ""); tries++)
    index = (index + 1) % pool.length;
  const ip = pool[index] ?? "";
  assigned.set(endpoint, ip);
  return ip;
}

const BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}
