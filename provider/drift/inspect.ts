// Compares each resource of the stack's state with what the API says now and names the cause of
// every difference. Read-only: it only calls GET routes. Anything the API cannot answer is an error
// for the caller, never "gone" or "in sync"; only the optional enrichments (provider events, fields
// of newer API generations) are skipped when a server does not serve them.
import { generateManifest, manifestToSortedJSON } from "@akashnetwork/chain-sdk/web";
import { parse as parseYaml } from "yaml";
import {
  manifestGroups,
  serviceReadiness,
  type ApiKey,
  type Deployment,
  type DeploymentEvent,
} from "../../sdk";
import { escrowOutputs } from "../resources/escrow";
import { formatUsd, toMicro } from "../resources/money";
import type { CauseCode, DriftCause, DriftedResource } from "./report";
import { num, str, type StateResource } from "./state";

/** Fields only newer Console API generations return (names, runtime limits, the stored SDL). */
export interface NewerDeploymentFields {
  name?: string;
  /** The SDL the Console stores for the deployment, as last applied by anyone. */
  sdl?: string;
  runtimeLimitHours?: number;
  runtimeEndsAt?: string;
  /** Why the API closed it, where it says (`runtime_limit`, `insufficient_funds`, `owner`). */
  closeReason?: string;
}

export interface DriftReader {
  /** undefined when the API says the deployment does not exist. */
  getDeployment(dseq: string): Promise<Deployment | undefined>;
  /** undefined when the API serves no events (the live API does not). */
  getEvents(dseq: string): Promise<DeploymentEvent[] | undefined>;
  /** undefined when the API says the key does not exist. */
  getApiKey(id: string): Promise<ApiKey | undefined>;
  /** undefined on API generations without these fields. */
  newerFields(dseq: string): Promise<NewerDeploymentFields | undefined>;
  /**
   * Returns when a deployment the API does not find is gone from the key's own account (its recorded
   * owner is the key's wallet); throws when the key reaches another account (../resources/account.ts).
   */
  goneFromThisAccount(what: string, recordedOwner: string | undefined): Promise<void>;
}

export interface InspectOptions {
  now: number;
  /** Escrow running dry, a runtime limit or a key expiring within this is reported. */
  thresholdMs: number;
  /** Akash's block time, for heights to times. */
  blockTimeMs?: number;
  /** Reads in flight at once. */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

export const AKASH_BLOCK_TIME_MS = 6000;

interface DeploymentView {
  deployment: Deployment | undefined;
  newer: NewerDeploymentFields | undefined;
  events(): Promise<DeploymentEvent[] | undefined>;
}

type Cause = Omit<DriftCause, "up">;

/** The causes of drift of every resource, in state order; resources without drift are left out. */
export async function inspect(
  reader: DriftReader,
  resources: StateResource[],
  options: InspectOptions,
): Promise<DriftedResource[]> {
  const views = new Map<string, Promise<DeploymentView>>();
  const view = (dseq: string) => {
    let found = views.get(dseq);
    if (!found) {
      found = readView(reader, dseq);
      views.set(dseq, found);
    }
    return found;
  };
  const ctx = { ...options, blockTimeMs: options.blockTimeMs ?? AKASH_BLOCK_TIME_MS, view, reader };
  let done = 0;
  const results = await mapLimit(
    resources,
    options.concurrency ?? 8,
    async (r): Promise<DriftedResource | undefined> => {
      const causes =
        r.kind === "Deployment"
          ? await deploymentCauses(r, ctx)
          : r.kind === "Lease"
            ? await leaseCauses(r, ctx)
            : await apiKeyCauses(r, ctx);
      options.onProgress?.(++done, resources.length);
      return causes.length ? { urn: r.urn, type: r.kind, name: r.name, id: r.id, causes } : undefined;
    },
  );
  return results.filter((r): r is DriftedResource => r !== undefined);
}

type Ctx = Required<Pick<InspectOptions, "now" | "thresholdMs" | "blockTimeMs">> & {
  view(dseq: string): Promise<DeploymentView>;
  reader: DriftReader;
};

async function readView(reader: DriftReader, dseq: string): Promise<DeploymentView> {
  const deployment = await reader.getDeployment(dseq);
  const newer = deployment ? await reader.newerFields(dseq) : undefined;
  let events: Promise<DeploymentEvent[] | undefined> | undefined;
  return { deployment, newer, events: () => (events ??= reader.getEvents(dseq)) };
}

async function deploymentCauses(r: StateResource, ctx: Ctx): Promise<DriftCause[]> {
  const view = await ctx.view(r.id);
  const d = view.deployment;
  const deposit = num(r.outputs, "deposit");
  if (!d) await ctx.reader.goneFromThisAccount(`deployment ${r.id}`, str(r.outputs, "owner"));
  if (!d || d.deployment.state !== "active") {
    const closed = await closureOf(r.id, view, ctx);
    const again = `creates a new deployment (new dseq${deposit ? `, a new $${deposit} deposit` : ""}) and leases it again; its URIs change`;
    const advice =
      closed.cause === "closed_escrow_dry"
        ? "; raise deposit, or set minEscrowUsd to be told before it runs dry again"
        : "";
    return [{ ...closed, up: again + advice }];
  }
  const causes: DriftCause[] = [];
  const stateHash = str(r.outputs, "manifestHash");
  if (stateHash && d.deployment.hash !== stateHash) {
    causes.push({
      ...(await sdlChange(r, d.deployment.hash, view)),
      up: "re-applies your SDL in place (same dseq; the provider restarts the changed services)",
    });
  }
  const name = str(r.outputs, "name");
  if (view.newer?.name !== undefined && name !== undefined && view.newer.name !== name) {
    causes.push({
      cause: "name_changed",
      message: `renamed to "${view.newer.name}" outside Pulumi (the program says "${name}")`,
      up: `renames it back to "${name}"`,
      details: { expected: name, actual: view.newer.name },
    });
  }
  const funding = fundingCause(r, d, ctx);
  if (funding) causes.push(funding);
  const endsAt = view.newer?.runtimeEndsAt;
  if (endsAt && Date.parse(endsAt) - ctx.now < ctx.thresholdMs) {
    causes.push({
      cause: "runtime_ending",
      message: `its runtime limit (${view.newer?.runtimeLimitHours ?? "?"} h) ends at ${endsAt}, within the ${hours(ctx.thresholdMs)} h threshold`,
      up: "nothing: raise its runtime limit (the API extends it by up to 48 h per request), or the deployment closes then",
      details: { runtimeLimitHours: view.newer?.runtimeLimitHours ?? null, runtimeEndsAt: endsAt },
    });
  }
  return causes;
}

/** Why a deployment is no longer active: not found, its escrow ran dry, its runtime limit, or its owner. */
async function closureOf(dseq: string, view: DeploymentView, ctx: Ctx): Promise<Cause> {
  const d = view.deployment;
  if (!d) {
    return {
      cause: "closed_outside_pulumi",
      message: `deployment ${dseq} no longer exists on the API`,
      details: { dseq, state: "not_found" },
    };
  }
  const height =
    Math.max(0, ...d.leases.map((l) => Number(l.closed_on) || 0)) ||
    Number(d.escrow_account.state.settled_at) ||
    null;
  const dry =
    d.escrow_account.state.state === "overdrawn" || d.leases.some((l) => l.state === "insufficient_funds");
  const at = await closedAt(d, height, view, ctx);
  const when = `height ${height ?? "?"}${at ? ` (${at.time}${at.source === "estimate" ? ", estimated" : ""})` : ""}`;
  const details = { dseq, height, time: at?.time ?? null, timeSource: at?.source ?? null };
  if (dry) {
    return {
      cause: "closed_escrow_dry",
      message: `closed by the market at ${when}: its escrow ran dry`,
      details,
    };
  }
  const endsAt = view.newer?.runtimeEndsAt;
  // The API's own reason first: its clock, not this machine's, says when the limit ended.
  if (view.newer?.closeReason === "runtime_limit" || (endsAt && Date.parse(endsAt) <= ctx.now)) {
    return {
      cause: "closed_runtime_limit",
      message: `closed at its runtime limit (${view.newer?.runtimeLimitHours ?? "?"} h, ended ${endsAt ?? "?"})`,
      details: {
        ...details,
        runtimeLimitHours: view.newer?.runtimeLimitHours ?? null,
        runtimeEndsAt: endsAt ?? null,
      },
    };
  }
  return { cause: "closed_outside_pulumi", message: `closed outside Pulumi at ${when}`, details };
}

/**
 * When a deployment closed: the provider's LeaseClosed event where the API serves events, else an
 * estimate from the live API's dseq (its creation time in ms) and heights at Akash's block time.
 */
async function closedAt(
  d: Deployment,
  height: number | null,
  view: DeploymentView,
  ctx: Ctx,
): Promise<{ time: string; source: "provider events" | "estimate" } | undefined> {
  const closedEvent = (await view.events())?.filter((e) => e.reason === "LeaseClosed").at(-1);
  if (closedEvent) return { time: closedEvent.timestamp, source: "provider events" };
  const createdMs = Number(d.deployment.id.dseq);
  const createdHeight = Number(d.deployment.created_at);
  if (height === null || !(createdMs > 1e12) || !createdHeight) return undefined;
  const ms = createdMs + (height - createdHeight) * ctx.blockTimeMs;
  return { time: new Date(ms).toISOString(), source: "estimate" };
}

interface ServiceChange {
  service: string;
  fields: string[];
  image?: { from: string | null; to: string | null };
}

/**
 * Which services and fields an SDL change made elsewhere touched: exactly, from the SDL the API
 * stores (newer API); else from the provider's events of the last manifest update (services whose
 * containers were replaced, with the image they pulled); else the API does not say.
 */
async function sdlChange(r: StateResource, hash: string, view: DeploymentView): Promise<Cause> {
  const before = manifestServices(str(r.outputs, "manifest"));
  let source: "stored SDL" | "provider events" | "none" = "none";
  let services: ServiceChange[] = [];
  const stored = view.newer?.sdl && manifestOfSdl(view.newer.sdl);
  if (stored) {
    source = "stored SDL";
    services = compareServices(before, stored);
  } else {
    const events = await view.events();
    const last = events?.map((e) => e.reason).lastIndexOf("ManifestUpdated") ?? -1;
    if (events && last >= 0) {
      source = "provider events";
      services = changesFromEvents(before, events.slice(last + 1));
    }
  }
  const said = services.length
    ? services
        .map(
          (s) =>
            `${s.service}: ${s.fields
              .map((f) => (f === "image" && s.image ? `image ${s.image.from} -> ${s.image.to}` : f))
              .join(", ")}`,
        )
        .join("; ")
    : "the API does not say which services (it returns only the manifest version)";
  return {
    cause: "sdl_changed",
    message: `SDL changed outside Pulumi: ${said}`,
    details: { manifestHash: hash, stateManifestHash: str(r.outputs, "manifestHash"), source, services },
  };
}

type ServiceMap = Map<string, Record<string, unknown>>;

/**
 * Services of a manifest (groups of services) by name. A service placed in several groups has one
 * definition (only its count may differ), so keying by name loses nothing a diff would report.
 */
function manifestServices(manifest: string | undefined): ServiceMap {
  const out: ServiceMap = new Map();
  try {
    for (const group of JSON.parse(manifest ?? "[]") as { services?: Record<string, unknown>[] }[]) {
      for (const s of group.services ?? []) if (typeof s.name === "string") out.set(s.name, s);
    }
  } catch {
    // A manifest we cannot read names no services; the change is still reported.
  }
  return out;
}

function manifestOfSdl(sdl: string): ServiceMap | undefined {
  try {
    const result = generateManifest(parseYaml(sdl) as Parameters<typeof generateManifest>[0]);
    // The same serialization as the manifest in state, so that only real differences show.
    return result.ok ? manifestServices(manifestToSortedJSON(result.value.groups)) : undefined;
  } catch {
    return undefined;
  }
}

function compareServices(before: ServiceMap, after: ServiceMap): ServiceChange[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names.flatMap((name) => {
    const a = before.get(name);
    const b = after.get(name);
    if (!a || !b) return [{ service: name, fields: [a ? "removed" : "added"] }];
    const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .filter((k) => k !== "name" && JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null))
      .sort();
    if (!fields.length) return [];
    const image = fields.includes("image")
      ? { image: { from: (a.image as string) ?? null, to: (b.image as string) ?? null } }
      : {};
    return [{ service: name, fields, ...image }];
  });
}

function changesFromEvents(before: ServiceMap, events: DeploymentEvent[]): ServiceChange[] {
  const pulled = new Map<string, string>();
  for (const e of events) {
    const image = e.reason === "Pulling" && /Pulling image "([^"]+)"/.exec(e.message)?.[1];
    if (e.service && image) pulled.set(e.service, image);
  }
  return [...pulled.keys()].sort().map((service) => {
    const from = (before.get(service)?.image as string | undefined) ?? null;
    const to = pulled.get(service) ?? null;
    return from !== to
      ? { service, fields: ["image"], image: { from, to } }
      : { service, fields: ["env, command or args (same image)"] };
  });
}

function fundingCause(r: StateResource, d: Deployment, ctx: Ctx): DriftCause | undefined {
  const escrow = escrowOutputs(d);
  const balance = BigInt(escrow.balance);
  const minEscrowUsd = num(r.outputs, "minEscrowUsd");
  const base = { balanceUsd: escrow.balanceUsd, minEscrowUsd: minEscrowUsd ?? null };
  if (minEscrowUsd !== undefined && balance < toMicro(minEscrowUsd)) {
    const short = toMicro(minEscrowUsd) - balance;
    return {
      cause: "underfunded",
      message: `escrow ${formatUsd(balance)} is below minEscrowUsd ${formatUsd(toMicro(minEscrowUsd))}`,
      up: `only warns; raise deposit in the program by at least ${formatUsd(short)}`,
      details: { ...base, raiseByUsd: Number(short) / 1e6, runsDryAtHeight: escrow.fundedUntilHeight },
    };
  }
  const rate = Number(escrow.pricePerBlock);
  if (escrow.fundedUntilHeight === null || !(rate > 0)) return undefined;
  const leftMs = (escrow.fundedUntilHeight - escrow.settledAtHeight) * ctx.blockTimeMs;
  if (leftMs >= ctx.thresholdMs) return undefined;
  const short = BigInt(Math.ceil((rate * ctx.thresholdMs) / ctx.blockTimeMs)) - balance;
  return {
    cause: "underfunded",
    message: `escrow ${formatUsd(balance)} runs dry in about ${hours(leftMs)} h (height ${escrow.fundedUntilHeight}), within the ${hours(ctx.thresholdMs)} h threshold`,
    up: `nothing; raise deposit in the program by at least ${formatUsd(short)} to last the threshold`,
    details: {
      ...base,
      raiseByUsd: Number(short) / 1e6,
      runsDryAtHeight: escrow.fundedUntilHeight,
      runsDryAt: new Date(ctx.now + leftMs).toISOString(),
    },
  };
}

async function leaseCauses(r: StateResource, ctx: Ctx): Promise<DriftCause[]> {
  const dseq = str(r.outputs, "dseq") ?? r.id.split("/")[0]!;
  const gseq = num(r.outputs, "gseq") ?? 1;
  const oseq = num(r.outputs, "oseq") ?? 1;
  const provider = str(r.outputs, "provider") ?? r.id.split("/")[3] ?? "";
  const view = await ctx.view(dseq);
  const d = view.deployment;
  if (!d) await ctx.reader.goneFromThisAccount(`lease ${r.id}`, str(r.outputs, "owner"));
  if (!d || d.deployment.state !== "active") {
    const closed = await closureOf(dseq, view, ctx);
    return [
      { ...closed, message: `gone with its deployment: ${closed.message}`, up: "leases the new deployment" },
    ];
  }
  const mine = d.leases.filter((l) => l.id.gseq === gseq && l.id.oseq === oseq && l.id.provider === provider);
  const lease = mine.find((l) => l.state === "active");
  if (!lease) {
    const last = mine.at(-1);
    const how = last
      ? `is ${last.state} since height ${last.closed_on}${last.reason ? ` (${last.reason})` : ""}`
      : "is gone";
    return [
      {
        cause: "lease_lost",
        message: `the lease with ${provider} ${how} while deployment ${dseq} is active`,
        up: `leases group ${gseq} again (any acceptable provider; its URIs change)`,
        details: {
          dseq,
          gseq,
          oseq,
          provider,
          state: last?.state ?? null,
          closedOnHeight: last?.closed_on ?? null,
        },
      },
    ];
  }
  if (lease.status === null) {
    return [
      {
        cause: "provider_offline",
        message: `provider ${provider} does not answer (offline or unreachable); the lease is active and still paid`,
        up: "nothing: the API cannot move a lease; if it stays offline, `pulumi up --replace <the Deployment's urn>` moves the workload (new dseq and URIs)",
        details: { dseq, gseq, oseq, provider },
      },
    ];
  }
  const expected =
    manifestGroups(str(r.outputs, "manifest") ?? "").find((g) => g.gseq === gseq)?.services ?? [];
  const notReady = serviceReadiness(lease.status, expected).filter((s) => s.ready < s.replicas);
  if (!notReady.length) return [];
  return [
    {
      cause: "services_not_ready",
      message: `services not ready on ${provider}: ${notReady.map((s) => `${s.service} ${s.ready}/${s.replicas}`).join(", ")}`,
      up: "nothing: up does not restart containers; read the provider's events and logs (the Console, or GET /v1/events and /v1/logs where the API serves them)",
      details: { dseq, gseq, oseq, provider, services: notReady },
    },
  ];
}

async function apiKeyCauses(r: StateResource, ctx: Ctx): Promise<DriftCause[]> {
  const key = await ctx.reader.getApiKey(r.id);
  const label = str(r.outputs, "keyFormat") ?? r.id;
  if (!key) {
    return [
      {
        cause: "api_key_revoked",
        message: `API key ${label} was revoked (deleted) outside Pulumi`,
        up: "creates a new key (a new secret: give it to whatever used the old one)",
        details: { keyFormat: label },
      },
    ];
  }
  const causes: DriftCause[] = [];
  const name = str(r.outputs, "name");
  if (name !== undefined && key.name !== name) {
    causes.push({
      cause: "name_changed",
      message: `renamed to "${key.name}" outside Pulumi (the program says "${name}")`,
      up: `renames it back to "${name}"`,
      details: { expected: name, actual: key.name },
    });
  }
  const expiry = expiryCause(key, ctx, "set a new expiresAt in the program to replace it (a new secret)");
  if (expiry) causes.push(expiry);
  return causes;
}

/** An expired key, or one expiring within the threshold. */
export function expiryCause(
  key: Pick<ApiKey, "expiresAt" | "keyFormat">,
  ctx: Pick<InspectOptions, "now" | "thresholdMs">,
  remedy: string,
): DriftCause | undefined {
  const at = key.expiresAt ? Date.parse(key.expiresAt) : NaN;
  if (!(at - ctx.now < ctx.thresholdMs)) return undefined;
  const expired = at <= ctx.now;
  const cause: CauseCode = expired ? "api_key_expired" : "api_key_expiring";
  return {
    cause,
    message: expired
      ? `API key ${key.keyFormat} expired at ${key.expiresAt}`
      : `API key ${key.keyFormat} expires at ${key.expiresAt}, within the ${hours(ctx.thresholdMs)} h threshold`,
    up: `nothing (${expired ? "an expired key stays expired" : "the key expires then"}); ${remedy}`,
    details: { keyFormat: key.keyFormat, expiresAt: key.expiresAt },
  };
}

const hours = (ms: number) => Math.round((ms / 3_600_000) * 10) / 10;

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
