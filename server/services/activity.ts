import type { DeploymentEvent, LogEntry } from "../../sdk/contract";
import {
  filterEvents,
  filterLogs,
  findProvider,
  leaseEvents,
  leaseLogs,
  mergeByTime,
  periodicRestarts,
  type EventFilter,
  type LeaseTimeline,
  type LogFilter,
  type OrderGroup,
} from "../market";
import { listManifestVersions, type ManifestVersionRow } from "../repositories/deployments";
import { listLeases, type LeaseRow } from "../repositories/leases";
import type { DeploymentService } from "./deployments";
import { RUNTIME_LIMIT_REASON } from "./deployment-view";
import { LEASE_CLOSED_INSUFFICIENT_FUNDS } from "./escrow-ledger";
import type { MarketContext } from "./market-context";

/**
 * Logs and events of a deployment (AEP-63 draft): derived from each lease's timeline (creation,
 * in-place manifest updates, injected restarts, closing) by the market's pure generators; nothing
 * is stored.
 */
export class ActivityService {
  readonly #ctx: MarketContext;
  readonly #deployments: DeploymentService;

  constructor(ctx: MarketContext, deployments: DeploymentService) {
    this.#ctx = ctx;
    this.#deployments = deployments;
  }

  async events(userId: string, dseq: number, filter: EventFilter): Promise<DeploymentEvent[]> {
    const timelines = await this.#timelines(userId, dseq);
    return filterEvents(mergeByTime(timelines.map(leaseEvents)), filter);
  }

  async logs(userId: string, dseq: number, filter: LogFilter): Promise<LogEntry[]> {
    const timelines = await this.#timelines(userId, dseq);
    return filterLogs(mergeByTime(timelines.map(leaseLogs)), filter);
  }

  async #timelines(userId: string, dseq: number): Promise<LeaseTimeline[]> {
    const { row } = await this.#deployments.settledOrThrow(userId, dseq);
    const [leases, versions] = await Promise.all([
      listLeases(this.#ctx.db, userId, [dseq]),
      listManifestVersions(this.#ctx.db, userId, dseq),
    ]);
    const nowMs = this.#ctx.clock.now();
    return leases.flatMap((lease) => {
      const provider = findProvider(this.#ctx.fleet, lease.provider);
      const atCreation = groupAt(versions, lease.gseq, lease.created_at);
      if (!provider || !atCreation) return [];
      const updates = versions
        .filter((v) => v.created_at > lease.created_at)
        .flatMap((v) => {
          const group = groupOf(v, lease.gseq);
          return group ? [{ atMs: v.created_at, group }] : [];
        });
      const closedAtMs = closedAt(lease, this.#ctx.clock.timeOfHeight.bind(this.#ctx.clock));
      const timeline: LeaseTimeline = {
        lease: { dseq: String(lease.dseq), gseq: lease.gseq, oseq: lease.oseq },
        provider,
        group: atCreation,
        createdAtMs: lease.created_at,
        startDelayMs: this.#ctx.config.startDelayMs,
        updates,
        ...(closedAtMs !== undefined
          ? { closedAtMs, closeReason: closeReason(lease, row.close_reason) }
          : {}),
        nowMs,
      };
      return [{ ...timeline, restarts: periodicRestarts(timeline, this.#ctx.config.faults.restartEveryMs) }];
    });
  }
}

function groupOf(version: ManifestVersionRow, gseq: number): OrderGroup | undefined {
  return (JSON.parse(version.groups_json) as OrderGroup[])[gseq - 1];
}

/** The group as the provider received it when the lease was created. */
function groupAt(
  versions: readonly ManifestVersionRow[],
  gseq: number,
  atMs: number,
): OrderGroup | undefined {
  const inForce = versions.filter((v) => v.created_at <= atMs).at(-1) ?? versions[0];
  return inForce && groupOf(inForce, gseq);
}

function closedAt(lease: LeaseRow, timeOfHeight: (height: number) => number): number | undefined {
  if (lease.state === "active" || lease.closed_height === null) return undefined;
  return Math.max(lease.created_at, timeOfHeight(lease.closed_height));
}

function closeReason(lease: LeaseRow, deploymentReason: string | null): string {
  if (lease.reason === LEASE_CLOSED_INSUFFICIENT_FUNDS) return "escrow ran dry (insufficient funds)";
  return deploymentReason === RUNTIME_LIMIT_REASON
    ? "the deployment's runtime limit ended"
    : "closed by the owner";
}
