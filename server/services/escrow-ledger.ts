import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import { fundedUntil, settleEscrow } from "../market";
import { closeDeploymentBids } from "../repositories/bids";
import { updateDeployment, type DeploymentListRow } from "../repositories/deployments";
import { closeLeases } from "../repositories/leases";
import { countActiveDeployment } from "../repositories/users";
import { INSUFFICIENT_FUNDS_REASON, type SettledDeployment } from "./deployment-view";

export const LEASE_CLOSED_INSUFFICIENT_FUNDS = "lease_closed_insufficient_funds";
export const LEASE_CLOSED_OWNER = "lease_closed_owner";

/**
 * A deployment's escrow settled up to `height` in memory (O(1): funds - rate x blocks), with the
 * dry height when it ran out on the way. Closed deployments are returned as stored.
 */
export function settleInMemory<R extends DeploymentListRow>(
  row: R,
  height: number,
): SettledDeployment<R> & { dryHeight?: number } {
  const funds = BigInt(row.escrow_funds);
  const transferred = BigInt(row.escrow_transferred);
  if (row.state !== "active") {
    return { row, funds, transferred, settledHeight: row.escrow_settled_height, state: "closed" };
  }
  const settlement = settleEscrow(
    { balance: funds, settledHeight: row.escrow_settled_height },
    BigInt(row.escrow_rate),
    height,
  );
  return {
    row,
    funds: settlement.balance,
    transferred: transferred + settlement.transferred,
    settledHeight: settlement.settledHeight,
    state: settlement.dryHeight === undefined ? "active" : "closed",
    ...(settlement.dryHeight !== undefined ? { dryHeight: settlement.dryHeight } : {}),
  };
}

/** The block at which `funds` run out at `rate` from `height`; null when nothing is charged. */
export function dryHeightOf(funds: bigint, rate: bigint, height: number): number | null {
  const until = fundedUntil(funds, rate, height, 1);
  if (!until) return null;
  return until.dryHeight > BigInt(Number.MAX_SAFE_INTEGER)
    ? Number.MAX_SAFE_INTEGER
    : Number(until.dryHeight);
}

/**
 * Writes a settlement (inside the caller's transaction): escrow paid up to the height; when it ran
 * dry, the deployment closes at the dry height with its leases (insufficient_funds) and open bids.
 */
export async function persistSettlement(
  trx: Kysely<Database>,
  row: DeploymentListRow,
  settled: SettledDeployment & { dryHeight?: number },
): Promise<void> {
  if (row.state !== "active") return;
  await updateDeployment(trx, row.user_id, row.dseq, {
    escrow_funds: settled.funds.toString(),
    escrow_transferred: settled.transferred.toString(),
    escrow_settled_height: settled.settledHeight,
    ...(settled.dryHeight !== undefined
      ? {
          state: "closed",
          closed_height: settled.dryHeight,
          close_reason: INSUFFICIENT_FUNDS_REASON,
          escrow_rate: "0",
          escrow_dry_height: null,
        }
      : {}),
  });
  if (settled.dryHeight !== undefined) {
    await countActiveDeployment(trx, row.user_id, -1);
    await closeLeases(
      trx,
      row.user_id,
      row.dseq,
      "insufficient_funds",
      settled.dryHeight,
      LEASE_CLOSED_INSUFFICIENT_FUNDS,
    );
    await closeDeploymentBids(trx, row.user_id, row.dseq);
  }
}
