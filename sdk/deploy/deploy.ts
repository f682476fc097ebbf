// deploy(): the seed guide's whole script in one call, done right: create -> wait for bids ->
// select (cheapest by default) -> lease -> wait until the services report URIs. If anything fails
// after the deployment exists, it is closed so its deposit is refunded, unless told to keep it.
import { AkashApiError, type AkashClient, type RequestOptions } from "../client";
import type { Bid } from "../contract/bids";
import type { Deployment, LeaseWithStatus } from "../contract/deployments";
import { compareDecimal, type UsdAmount } from "../money";
import { manifestGroups, waitForServices, type OrderRef } from "./leases";
import type { PollSchedule } from "./poll";
import { waitForBids } from "./wait-for-bids";

/** Picks the bid to accept for one order (group); undefined rejects them all. */
export type BidSelector = (
  bids: Bid[],
  order: Omit<OrderRef, "provider"> & { dseq: string },
) => Bid | undefined;

/** Lowest price per block; ties go to the earliest bid. */
export const cheapestBid: BidSelector = (bids) =>
  [...bids].sort((a, b) => compareDecimal(a.price.amount, b.price.amount))[0];

export interface DeployOptions {
  sdl: string;
  /** Escrow deposit in dollars ("5", 5.5). Optional on the live API; the reference server needs >= its minimum. */
  deposit?: UsdAmount;
  selector?: BidSelector;
  /** How long to wait for bids (ms); default 5 minutes. */
  bidTimeoutMs?: number;
  /** Open bids per group to wait for before selecting; default 1 (lease as soon as possible). */
  minBids?: number;
  /** Wait until every lease reports its services available; default true. */
  waitForServices?: boolean;
  /** How long to wait for the services (ms); default 5 minutes. */
  readyTimeoutMs?: number;
  /** Keep the deployment (and its deposit) when a later step fails; default false: close it. */
  keepOnFailure?: boolean;
  signal?: AbortSignal;
  /** Idempotency-Key for the create call (see AkashClient.createDeployment). */
  idempotencyKey?: string;
}

export interface DeployResult {
  dseq: string;
  manifest: string;
  deployment: Deployment;
  /** URIs per service name, from every lease's provider status. */
  serviceUris: Record<string, string[]>;
}

export async function deploy(client: AkashClient, options: DeployOptions): Promise<DeployResult> {
  const { signal, selector = cheapestBid } = options;
  const created = await client.createDeployment(
    { sdl: options.sdl, deposit: options.deposit },
    { signal, idempotencyKey: options.idempotencyKey },
  );
  const { dseq, manifest } = created;
  try {
    const groups = manifestGroups(manifest).length || 1;
    const bids = await waitForBids(client, dseq, {
      timeoutMs: options.bidTimeoutMs,
      minBids: options.minBids,
      groups,
      signal,
    });
    const leases = [];
    for (let gseq = 1; gseq <= groups; gseq++) {
      const candidates = bids.map((item) => item.bid).filter((bid) => bid.id.gseq === gseq);
      const oseq = candidates[0]?.id.oseq ?? 1;
      const chosen = selector(candidates, { dseq, gseq, oseq });
      if (!chosen) {
        throw new Error(
          `The bid selector accepted none of the ${candidates.length} bids for group ${gseq} of deployment ${dseq}.`,
        );
      }
      leases.push({ dseq, gseq: chosen.id.gseq, oseq: chosen.id.oseq, provider: chosen.id.provider });
    }
    let deployment = await client.createLease({ manifest, leases }, { signal });
    if (options.waitForServices !== false) {
      deployment = await waitForAllServices(
        client,
        dseq,
        manifest,
        deployment,
        options.readyTimeoutMs ?? 300_000,
        signal,
      );
    }
    return { dseq, manifest, deployment, serviceUris: serviceUris(deployment) };
  } catch (error) {
    if (options.keepOnFailure) throw error;
    await closeAfterFailure(client, dseq, error);
    throw error;
  }
}

/** URIs per service across all leases; leases whose status is null (provider unreachable) add none. */
export function serviceUris(deployment: Deployment): Record<string, string[]> {
  const uris: Record<string, string[]> = {};
  for (const lease of deployment.leases) {
    for (const [name, service] of Object.entries(lease.status?.services ?? {})) {
      (uris[name] ??= []).push(...service.uris);
    }
  }
  return uris;
}

/** deploy() polls the services at 250 ms, growing to 3 s. */
const SERVICE_POLLS: PollSchedule = { firstMs: 250, maxMs: 3000 };

/** The active leases of a deployment that can serve; throws when it cannot. */
function servingLeases(deployment: Deployment): LeaseWithStatus[] {
  const active = deployment.leases.filter((lease) => lease.state === "active");
  if (deployment.deployment.state !== "active" || active.length === 0) {
    throw new Error(
      `Deployment ${deployment.deployment.id.dseq} is ${deployment.deployment.state} with ${active.length} active leases; it cannot serve.`,
    );
  }
  return active;
}

/** Waits until every active lease of the deployment serves (the readiness rule of leases.ts). */
async function waitForAllServices(
  client: AkashClient,
  dseq: string,
  manifest: string,
  initial: Deployment,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Deployment> {
  let deployment = initial;
  const { leases, ready } = await waitForServices(servingLeases(deployment), {
    manifest,
    read: async () => servingLeases((deployment = await client.getDeployment(dseq, { signal }))),
    timeoutMs,
    schedule: SERVICE_POLLS,
    now: () => client.now(),
    sleep: (ms, abort) => client.sleep(ms, abort),
    signal,
  });
  if (ready) return deployment;
  throw new AkashApiError({
    kind: "timeout",
    code: "services_not_ready",
    method: "GET",
    path: `/v1/deployments/${dseq}`,
    message: `The services of deployment ${dseq} were not all available after ${Math.round(timeoutMs / 1000)} s (lease status ${leases.some((l) => l.status === null) ? "unavailable from the provider" : "reports replicas still starting"}).`,
  });
}

async function closeAfterFailure(client: AkashClient, dseq: string, original: unknown): Promise<void> {
  // A fresh deadline and no caller signal: an aborted deploy must still release its deposit.
  const closeOptions: RequestOptions = { deadlineMs: 60_000 };
  try {
    await client.closeDeployment(dseq, closeOptions);
  } catch (closeError) {
    throw new AggregateError(
      [original, closeError],
      `Deploying ${dseq} failed and closing it failed too; close it yourself (DELETE /v1/deployments/${dseq}) to recover the deposit.`,
      { cause: closeError },
    );
  }
}
