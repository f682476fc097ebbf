import type {
  CloseReason,
  Deployment,
  DeploymentListItem,
  EscrowAccount,
  LeaseStatus,
  LeaseWithStatus,
  ListedDeploymentSettings,
} from "../../sdk/contract";
import { decFromMicro, formatDec } from "../market";
import type { DeploymentListRow, EscrowDepositRow } from "../repositories/deployments";
import type { LeaseRow } from "../repositories/leases";

/**
 * The escrow and deployment as of a height: what the stored row says, settled in memory up to
 * that height (reads never write unless the escrow ran dry).
 */
export interface SettledDeployment<R extends DeploymentListRow = DeploymentListRow> {
  row: R;
  /** Escrow balance and total transferred (Dec), settled up to `settledHeight`. */
  funds: bigint;
  transferred: bigint;
  settledHeight: number;
  state: "active" | "closed";
}

/** The chain's escrow account of a deployment, amounts as DecCoin strings in the server's denom. */
export function escrowAccountView(
  owner: string,
  deployment: SettledDeployment,
  deposits: readonly EscrowDepositRow[],
  denom: string,
): EscrowAccount {
  return {
    id: { scope: "deployment", xid: `${owner}/${deployment.row.dseq}` },
    state: {
      owner,
      state: escrowState(deployment),
      transferred: [{ denom, amount: formatDec(deployment.transferred) }],
      settled_at: String(deployment.settledHeight),
      funds: [{ denom, amount: formatDec(deployment.funds) }],
      deposits: deposits.map((d) => ({
        owner,
        height: String(d.height),
        source: "grant",
        balance: { denom, amount: formatDec(decFromMicro(d.amount)) },
      })),
    },
  };
}

function escrowState(deployment: SettledDeployment): string {
  if (deployment.state === "active") return "open";
  return deployment.row.close_reason === INSUFFICIENT_FUNDS_REASON ? "overdrawn" : "closed";
}

export const INSUFFICIENT_FUNDS_REASON = "insufficient_funds";
export const RUNTIME_LIMIT_REASON = "runtime_limit";
export const OWNER_CLOSE_REASON = "owner";

export function deploymentInfoView(owner: string, deployment: SettledDeployment) {
  return {
    id: { owner, dseq: String(deployment.row.dseq) },
    state: deployment.state,
    hash: deployment.row.hash,
    created_at: String(deployment.row.created_height),
  };
}

export function leaseView(owner: string, lease: LeaseRow, denom: string) {
  return {
    id: {
      owner,
      dseq: String(lease.dseq),
      gseq: lease.gseq,
      oseq: lease.oseq,
      provider: lease.provider,
      bseq: lease.bseq,
    },
    state: lease.state,
    price: { denom, amount: formatDec(BigInt(lease.price_amount)) },
    created_at: String(lease.created_height),
    closed_on: String(lease.closed_height ?? 0),
    ...(lease.reason ? { reason: lease.reason } : {}),
  };
}

export function deploymentView(
  owner: string,
  deployment: SettledDeployment,
  leases: readonly LeaseRow[],
  deposits: readonly EscrowDepositRow[],
  denom: string,
  statusOf: (lease: LeaseRow) => LeaseStatus | null,
): Deployment {
  const leaseViews: LeaseWithStatus[] = leases.map((lease) => ({
    ...leaseView(owner, lease, denom),
    status: statusOf(lease),
  }));
  return {
    deployment: deploymentInfoView(owner, deployment),
    leases: leaseViews,
    escrow_account: escrowAccountView(owner, deployment, deposits, denom),
  };
}

export function deploymentListItemView(
  owner: string,
  deployment: SettledDeployment,
  leases: readonly LeaseRow[],
  deposits: readonly EscrowDepositRow[],
  denom: string,
): DeploymentListItem {
  return {
    deployment: deploymentInfoView(owner, deployment),
    leases: leases.map((lease) => leaseView(owner, lease, denom)),
    escrow_account: escrowAccountView(owner, deployment, deposits, denom),
  };
}

/** What the console holds about a deployment: name, runtime limit and when it ends, closed and why. */
export function settingsView(
  row: Pick<DeploymentListRow, "name" | "runtime_limit_hours" | "runtime_ends_at" | "state" | "close_reason">,
): ListedDeploymentSettings {
  const closed = row.state !== "active";
  return {
    name: row.name,
    runtimeLimitHours: row.runtime_limit_hours,
    runtimeEndsAt: row.runtime_ends_at === null ? null : new Date(row.runtime_ends_at).toISOString(),
    closed,
    closeReason: closed ? closeReasonOf(row.close_reason) : null,
  };
}

function closeReasonOf(reason: string | null): CloseReason {
  return reason === INSUFFICIENT_FUNDS_REASON || reason === RUNTIME_LIMIT_REASON ? reason : "owner";
}
