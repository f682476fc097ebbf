/**
 * What a provider reports about a lease, derived from its timeline: Kubernetes-style events
 * (scheduling, image pull, container start, restarts, rollout of an updated manifest, lease
 * closed) and the containers' log lines. Pure functions of the timeline and the clock: nothing is
 * stored, the same lease read twice gives the same entries, and only what has happened by `nowMs`
 * is returned. Shapes are the contract's (sdk/).
 */
import { createHash } from "node:crypto";
import type { DeploymentEvent, LogEntry } from "../../sdk/contract";
import type { Provider } from "./fleet";
import type { LeaseRef } from "./lease-status";
import type { GroupService, OrderGroup } from "./sdl";

export type { DeploymentEvent, LogEntry };

export interface LeaseTimeline {
  lease: LeaseRef;
  provider: Provider;
  /** The group as first deployed. */
  group: OrderGroup;
  /** When the lease was created and the manifest sent. */
  createdAtMs: number;
  /** Manifest arrival to replicas ready (the lease status uses the same delay). */
  startDelayMs: number;
  /** In-place manifest updates (PUT with unchanged resources), oldest first. */
  updates?: readonly { atMs: number; group: OrderGroup }[];
  /** Container crashes to report (fault injection), each followed by a restart. */
  restarts?: readonly Restart[];
  closedAtMs?: number;
  /**
   * Why the lease closed, e.g. "closed by the owner" or "escrow ran dry (insufficient funds)"; a
   * reason that mentions funds or running dry makes the LeaseClosed event a Warning.
   */
  closeReason?: string;
  /** The current time: only what has happened by then is reported. */
  nowMs: number;
}

export interface Restart {
  atMs: number;
  service: string;
  replica?: number;
}

type Stamped<T> = { atMs: number; seq: number; entry: T };

/** Phases of a pod start, as fractions of the start delay, so "Started" lands when the status turns ready. */
const PULLING_AT = 0.1;
const PULLED_AT = 0.6;
const CREATED_AT = 0.8;

export function leaseEvents(t: LeaseTimeline): DeploymentEvent[] {
  const out: Stamped<DeploymentEvent>[] = [];
  const push = (
    atMs: number,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    service?: string,
  ) => {
    out.push({
      atMs,
      seq: out.length,
      entry: {
        timestamp: iso(atMs),
        type,
        reason,
        message,
        ...(service !== undefined ? { service } : {}),
        provider: t.provider.address,
        gseq: t.lease.gseq,
        oseq: t.lease.oseq,
      },
    });
  };
  const replicas = t.group.services.map((s) => `${s.name} x${s.count}`).join(", ");
  push(
    t.createdAtMs,
    "Normal",
    "ManifestReceived",
    `Manifest received for lease ${leaseName(t)}: ${replicas}`,
  );
  const podStart = (atMs: number, service: GroupService, replica: number, generation: number) => {
    const pod = podName(t, service.name, replica, generation);
    const d = t.startDelayMs;
    push(
      atMs,
      "Normal",
      "Scheduled",
      `Successfully assigned ${namespace(t)}/${pod} to ${nodeName(t, replica)}`,
      service.name,
    );
    push(atMs + d * PULLING_AT, "Normal", "Pulling", `Pulling image "${service.image}"`, service.name);
    push(
      atMs + d * PULLED_AT,
      "Normal",
      "Pulled",
      `Successfully pulled image "${service.image}" in ${((d * (PULLED_AT - PULLING_AT)) / 1000).toFixed(3)}s`,
      service.name,
    );
    push(atMs + d * CREATED_AT, "Normal", "Created", `Created container ${service.name}`, service.name);
    push(atMs + d, "Normal", "Started", `Started container ${service.name}`, service.name);
  };

  forEachReplica(t.group, (service, replica) => podStart(t.createdAtMs, service, replica, 0));
  let current = t.group;
  (t.updates ?? []).forEach((update, i) => {
    push(update.atMs, "Normal", "ManifestUpdated", `Manifest updated (generation ${i + 2})`);
    forEachReplica(update.group, (service, replica) => {
      const before = current.services.find((s) => s.name === service.name);
      if (before && sameContainer(before, service)) return;
      podStart(update.atMs, service, replica, i + 1);
      push(
        update.atMs + t.startDelayMs,
        "Normal",
        "Killing",
        `Stopping container ${service.name} (replaced by generation ${i + 2})`,
        service.name,
      );
    });
    current = update.group;
  });
  for (const restart of t.restarts ?? []) {
    const replica = restart.replica ?? 0;
    const pod = podName(t, restart.service, replica, generationAt(t, restart.service, restart.atMs));
    push(
      restart.atMs,
      "Warning",
      "BackOff",
      `Back-off restarting failed container ${restart.service} in pod ${pod}`,
      restart.service,
    );
    push(
      restart.atMs + t.startDelayMs * (1 - CREATED_AT),
      "Normal",
      "Started",
      `Started container ${restart.service}`,
      restart.service,
    );
  }
  if (t.closedAtMs !== undefined) {
    forEachReplica(current, (service) =>
      push(t.closedAtMs as number, "Normal", "Killing", `Stopping container ${service.name}`, service.name),
    );
    const insufficient = /insufficient|dry|funds/i.test(t.closeReason ?? "");
    push(
      t.closedAtMs,
      insufficient ? "Warning" : "Normal",
      "LeaseClosed",
      `Lease closed: ${t.closeReason ?? "closed"}`,
    );
  }
  return settle(out, t);
}

export function leaseLogs(t: LeaseTimeline): LogEntry[] {
  const out: Stamped<LogEntry>[] = [];
  const push = (atMs: number, service: string, replica: number, message: string) => {
    out.push({
      atMs,
      seq: out.length,
      entry: {
        timestamp: iso(atMs),
        service,
        replica,
        provider: t.provider.address,
        gseq: t.lease.gseq,
        oseq: t.lease.oseq,
        message,
      },
    });
  };
  const startLines = (atMs: number, service: GroupService, replica: number) => {
    startupMessages(service).forEach((message, i) =>
      push(atMs + t.startDelayMs + i, service.name, replica, message),
    );
  };
  forEachReplica(t.group, (service, replica) => startLines(t.createdAtMs, service, replica));
  let current = t.group;
  for (const update of t.updates ?? []) {
    forEachReplica(update.group, (service, replica) => {
      const before = current.services.find((s) => s.name === service.name);
      if (!before || !sameContainer(before, service)) startLines(update.atMs, service, replica);
    });
    current = update.group;
  }
  for (const restart of t.restarts ?? []) {
    const service = current.services.find((s) => s.name === restart.service);
    if (!service) continue;
    const replica = restart.replica ?? 0;
    push(restart.atMs, service.name, replica, "container exited with code 1, restarting");
    startupMessages(service).forEach((message, i) =>
      push(restart.atMs + t.startDelayMs * (1 - CREATED_AT) + i, service.name, replica, message),
    );
  }
  if (t.closedAtMs !== undefined) {
    forEachReplica(current, (service, replica) =>
      push(t.closedAtMs as number, service.name, replica, "received SIGTERM, shutting down"),
    );
  }
  return settle(out, t);
}

/**
 * Pods reported restarting per service. Clusters expire old events too, and a lease that has run
 * for months under a short restart interval must not make every read expensive.
 */
export const MAX_REPORTED_RESTARTS = 20;

/**
 * The crashes of the restart fault (`faults.restartEveryMs`): each service's first replica crashes
 * every `everyMs` after it started (the start delay after the lease was created) until now or the
 * lease closed. Derived from the timeline, like everything here, so repeated reads agree and
 * nothing is stored; only the latest MAX_REPORTED_RESTARTS per service.
 */
export function periodicRestarts(
  t: Pick<LeaseTimeline, "group" | "createdAtMs" | "startDelayMs" | "closedAtMs" | "nowMs">,
  everyMs: number,
): Restart[] {
  if (!(everyMs > 0)) return [];
  const startedAtMs = t.createdAtMs + t.startDelayMs;
  const endMs = Math.min(t.nowMs, t.closedAtMs ?? Number.POSITIVE_INFINITY);
  const last = Math.floor((endMs - startedAtMs) / everyMs);
  const first = Math.max(1, last - MAX_REPORTED_RESTARTS + 1);
  const restarts: Restart[] = [];
  for (const service of t.group.services) {
    for (let n = first; n <= last; n++)
      restarts.push({ atMs: startedAtMs + n * everyMs, service: service.name, replica: 0 });
  }
  return restarts;
}

/** The generation of a service's pods at a time: the last update that replaced its container. */
function generationAt(t: LeaseTimeline, service: string, atMs: number): number {
  let generation = 0;
  let current = t.group;
  (t.updates ?? []).forEach((update, i) => {
    if (update.atMs > atMs) return;
    const before = current.services.find((s) => s.name === service);
    const after = update.group.services.find((s) => s.name === service);
    if (after && (!before || !sameContainer(before, after))) generation = i + 1;
    current = update.group;
  });
  return generation;
}

/** What a container prints when it starts: nginx's own entrypoint lines for nginx images, else a generic banner. */
function startupMessages(service: GroupService): string[] {
  const ports = service.expose.map((e) => e.port).filter((p, i, all) => all.indexOf(p) === i);
  if (/(^|\/)nginx(:|$)/.test(service.image)) {
    return [
      "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
      "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
      "/docker-entrypoint.sh: Configuration complete; ready for start up",
      "nginx: start worker processes",
    ];
  }
  return [
    `starting ${service.name} (${service.image})`,
    ...ports.map((port) => `listening on 0.0.0.0:${port}`),
  ];
}

/** Merges several leases' entries (a deployment's), oldest first; ties keep lease order. */
export function mergeByTime<T extends { timestamp: string }>(lists: readonly T[][]): T[] {
  return lists
    .flatMap((list, l) => list.map((entry, i) => ({ entry, l, i })))
    .sort((a, b) => a.entry.timestamp.localeCompare(b.entry.timestamp) || a.l - b.l || a.i - b.i)
    .map((x) => x.entry);
}

export interface LogFilter {
  service?: string;
  /** Only the last N lines (after the other filters). */
  tail?: number;
  /** ISO time: only lines at or after it. */
  since?: string;
}

export function filterLogs(entries: readonly LogEntry[], filter: LogFilter): LogEntry[] {
  const since = filter.since === undefined ? undefined : Date.parse(filter.since);
  const kept = entries.filter(
    (e) =>
      (filter.service === undefined || e.service === filter.service) &&
      (since === undefined || Date.parse(e.timestamp) >= since),
  );
  return filter.tail === undefined ? kept : kept.slice(Math.max(0, kept.length - filter.tail));
}

export interface EventFilter {
  since?: string;
  /** At most N, the latest. */
  limit?: number;
}

export function filterEvents(events: readonly DeploymentEvent[], filter: EventFilter): DeploymentEvent[] {
  const since = filter.since === undefined ? undefined : Date.parse(filter.since);
  const kept = events.filter((e) => since === undefined || Date.parse(e.timestamp) >= since);
  return filter.limit === undefined ? kept : kept.slice(Math.max(0, kept.length - filter.limit));
}

function settle<T>(out: Stamped<T>[], t: LeaseTimeline): T[] {
  const end = Math.min(t.nowMs, t.closedAtMs ?? Number.POSITIVE_INFINITY);
  return out
    .filter((s) => s.atMs <= end)
    .sort((a, b) => a.atMs - b.atMs || a.seq - b.seq)
    .map((s) => s.entry);
}

/**
 * Pods reported per service. A lease can legally run hundreds of thousands of tiny replicas; past
 * this many, more identical entries tell nobody anything and would make every read expensive.
 */
export const MAX_REPORTED_REPLICAS = 20;

function forEachReplica(group: OrderGroup, fn: (service: GroupService, replica: number) => void): void {
  for (const service of group.services) {
    for (let replica = 0; replica < Math.min(service.count, MAX_REPORTED_REPLICAS); replica++)
      fn(service, replica);
  }
}

function sameContainer(a: GroupService, b: GroupService): boolean {
  return (
    a.image === b.image &&
    a.env.join("\n") === b.env.join("\n") &&
    a.command.join("\n") === b.command.join("\n") &&
    a.args.join("\n") === b.args.join("\n")
  );
}

function leaseName(t: LeaseTimeline): string {
  return `${t.lease.dseq}/${t.lease.gseq}/${t.lease.oseq}`;
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Providers run each lease in its own namespace named after the lease. */
function namespace(t: LeaseTimeline): string {
  return digest(`${t.provider.address}/${leaseName(t)}`).slice(0, 26);
}

function podName(t: LeaseTimeline, service: string, replica: number, generation: number): string {
  const template = digest(`${leaseName(t)}/${service}/${generation}`).slice(0, 10);
  const suffix = digest(`${leaseName(t)}/${service}/${generation}/${replica}`).slice(0, 5);
  return `${service}-${template}-${suffix}`;
}

function nodeName(t: LeaseTimeline, replica: number): string {
  return `node${(replica % 3) + 1}.${t.provider.host}`;
}

function iso(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}
