// What a lease is and when it serves, for every flow that leases (deploy() here, the Pulumi Lease
// resource): the reference to one order and the provider leasing it, the manifest's groups, the
// readiness rule, and the wait for the services.
import type { CreateLeaseBody, LeaseRequest } from "../contract/leases";
import type { LeaseStatus, LeaseWithStatus } from "../contract/deployments";
import { nextPollDelay, readWhileWaiting, type PollSchedule } from "./poll";

/** One order of a deployment (group `gseq`, order `oseq`) and the provider whose bid leases it. */
export type OrderRef = Omit<LeaseRequest, "dseq">;

/** The mTLS certificate a lease request may carry (APIs that still use one). */
export type LeaseCertificate = NonNullable<CreateLeaseBody["certificate"]>;

/** A placement group of a manifest: its gseq (1-based, in manifest order), name and service names. */
export interface ManifestGroup {
  gseq: number;
  name: string;
  /** Service names, sorted. */
  services: string[];
}

/** The groups of a manifest (the JSON string the API returns on create); none when unreadable. */
export function manifestGroups(manifest: string): ManifestGroup[] {
  try {
    const groups = JSON.parse(manifest) as { name?: string; services?: { name?: string }[] }[];
    if (!Array.isArray(groups)) return [];
    return groups.map((g, i) => ({
      gseq: i + 1,
      name: g?.name ?? "",
      services: (g?.services ?? []).flatMap((s) => (s?.name ? [s.name] : [])).sort(),
    }));
  } catch {
    return [];
  }
}

/**
 * The readiness rule: every expected service reports all its replicas ready (at least one). An
 * empty `expected` means "whatever the provider lists", which must then be at least one service.
 * A status of null (the provider did not answer) is never ready.
 */
export function servicesReady(status: LeaseStatus | null | undefined, expected: readonly string[]): boolean {
  const services = serviceReadiness(status, expected);
  return services.length > 0 && services.every((s) => s.ready >= s.replicas);
}

/** Each expected service (or each listed one) with its ready and wanted replicas, by the same rule. */
export function serviceReadiness(
  status: LeaseStatus | null | undefined,
  expected: readonly string[],
): { service: string; ready: number; replicas: number }[] {
  const listed = Object.entries(status?.services ?? {}).map(([key, s]) => ({ ...s, name: s.name || key }));
  const names = expected.length ? expected : listed.map((s) => s.name);
  return names.map((name) => {
    const s = listed.find((x) => x.name === name);
    if (!s) return { service: name, ready: 0, replicas: 1 };
    return {
      service: name,
      ready: Math.max(s.ready_replicas, s.available),
      replicas: Math.max(1, s.replicas, s.total),
    };
  });
}

export interface WaitForServicesOptions {
  /** The deployment's manifest: each lease waits for the services of its group. */
  manifest: string;
  /** Reads the leases again; throws when they can no longer serve (closed, gone). */
  read: () => Promise<LeaseWithStatus[]>;
  timeoutMs: number;
  schedule: PollSchedule;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
}

export interface ServicesWait {
  /** The leases as last read. */
  leases: LeaseWithStatus[];
  /** False when the time ran out first. */
  ready: boolean;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls on `schedule` until every lease's services are ready (servicesReady, with the services of
 * its group in the manifest) or `timeoutMs` has passed; `leases` is the first reading.
 */
export async function waitForServices(
  leases: LeaseWithStatus[],
  options: WaitForServicesOptions,
): Promise<ServicesWait> {
  const { now = Date.now, sleep = sleepFor } = options;
  const groups = manifestGroups(options.manifest);
  const expected = (gseq: number) => groups.find((g) => g.gseq === gseq)?.services ?? [];
  const started = now();
  const deadline = started + options.timeoutMs;
  let current = leases;
  for (let poll = 0; ; poll++) {
    const ready = current.length > 0 && current.every((l) => servicesReady(l.status, expected(l.id.gseq)));
    const left = deadline - now();
    if (ready || left <= 0) return { leases: current, ready };
    await sleep(Math.min(nextPollDelay(options.schedule, poll, now() - started), left), options.signal);
    current = (await readWhileWaiting(options.read, deadline, now)) ?? current;
  }
}
