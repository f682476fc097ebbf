import type { Kysely } from "kysely";
import type { ServerConfig } from "../config";
import type { Database } from "../db/schema";
import { DEC_SCALE, decFromMicro, decToMicroFloor, settleEscrow, type Clock } from "../market";
import { closeDeploymentBids } from "../repositories/bids";
import {
  insertEscrowDeposit,
  updateDeployment,
  type DeploymentListRow,
  type DeploymentRow,
} from "../repositories/deployments";
import { closeLeases } from "../repositories/leases";
import { addCredit, countActiveDeployment, findUserById, spendCredit } from "../repositories/users";
import { INSUFFICIENT_FUNDS_REASON, RUNTIME_LIMIT_REASON, type SettledDeployment } from "./deployment-view";

export const LEASE_CLOSED_INSUFFICIENT_FUNDS = "lease_closed_insufficient_funds";
export const LEASE_CLOSED_OWNER = "lease_closed_owner";

/**
 * How escrow is funded, in blocks and micro-units. `deposit`: only the caller's deposits.
 * `auto` (the live API since 2026-09): when the escrow would run dry within the look-ahead window,
 * it is topped up from the user's credit to the target runway (never past the runtime limit),
 * leaving the headroom in the credit; a top-up the credit cannot make is retried an hour later,
 * as the live API's hourly job does.
 */
export interface FundingPolicy {
  mode: "auto" | "deposit";
  targetBlocks: bigint;
  lookAheadBlocks: bigint;
  retryBlocks: number;
  headroomMicro: number;
  defaultDepositMicro: number;
}

export function fundingPolicy(config: ServerConfig, blockTimeMs: number): FundingPolicy {
  const blocks = (hours: number) => BigInt(Math.max(1, Math.round((hours * 3_600_000) / blockTimeMs)));
  return {
    mode: config.funding,
    targetBlocks: blocks(config.autoFunding.targetRunwayHours),
    lookAheadBlocks: blocks(config.autoFunding.lookAheadHours),
    retryBlocks: Number(blocks(1)),
    headroomMicro: Math.round(config.autoFunding.balanceHeadroomUsd * 1_000_000),
    defaultDepositMicro: Math.round(config.autoFunding.defaultDepositUsd * 1_000_000),
  };
}

/** What settling needs besides the row: the funding policy and the clock (runtime limits are times). */
export interface LedgerContext {
  policy: FundingPolicy;
  clock: Clock;
}

/**
 * A deployment's escrow settled up to `height` in memory (O(1): funds - rate x blocks). `due` is
 * set once the chain has reached the row's next settlement height (escrow dry, a top-up due, the
 * runtime limit over): the caller then settles it in a transaction (`settleAndPersist`) before
 * showing it. Closed deployments are returned as stored.
 */
export function settleInMemory<R extends DeploymentListRow>(
  row: R,
  height: number,
): SettledDeployment<R> & { due: boolean } {
  const funds = BigInt(row.escrow_funds);
  const transferred = BigInt(row.escrow_transferred);
  if (row.state !== "active") {
    return { row, funds, transferred, settledHeight: row.escrow_settled_height, state: "closed", due: false };
  }
  const due = row.escrow_dry_height !== null && row.escrow_dry_height <= height;
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
    due: due || settlement.dryHeight !== undefined,
  };
}

interface EscrowState {
  funds: bigint;
  rate: bigint;
  settledHeight: number;
}

/** The block at which `funds` run out at `rate` from `height` (null: nothing charged). */
function dryHeight({ funds, rate, settledHeight }: EscrowState): number | null {
  if (rate === 0n) return null;
  return clampHeight(BigInt(settledHeight) + funds / rate + 1n);
}

/**
 * When automatic funding next tops the escrow up: once it would run dry within the look-ahead
 * window, not before `notBefore` (a retry), never when it already lasts until the runtime limit.
 */
function topUpHeight(
  state: EscrowState,
  policy: FundingPolicy,
  endHeight: number | null,
  notBefore: number,
): number | null {
  const { funds, rate, settledHeight } = state;
  if (policy.mode !== "auto" || rate === 0n) return null;
  if (endHeight !== null && funds >= rate * BigInt(Math.max(0, endHeight - settledHeight))) return null;
  const lasts = funds / rate;
  const trigger =
    lasts >= policy.lookAheadBlocks
      ? BigInt(settledHeight) + lasts - policy.lookAheadBlocks + 1n
      : BigInt(settledHeight);
  return Math.max(clampHeight(trigger), notBefore);
}

function runtimeEndHeight(row: Pick<DeploymentRow, "runtime_ends_at">, clock: Clock): number | null {
  return row.runtime_ends_at === null ? null : clock.heightAt(row.runtime_ends_at);
}

/** The next height at which a deployment in this state must be settled (stored as escrow_dry_height). */
export function nextSettlementHeight(
  state: EscrowState,
  row: Pick<DeploymentRow, "runtime_ends_at">,
  ledger: LedgerContext,
  notBefore = state.settledHeight,
): number | null {
  const end = runtimeEndHeight(row, ledger.clock);
  const candidates = [dryHeight(state), topUpHeight(state, ledger.policy, end, notBefore), end].filter(
    (h): h is number => h !== null,
  );
  return candidates.length === 0 ? null : Math.min(...candidates);
}

/** Settling a deployment that was left alone for a very long time stops after this many events. */
const MAX_EVENTS_PER_SETTLEMENT = 10_000;

/**
 * Settles a deployment up to `height` inside the caller's transaction and writes the result:
 * blocks paid to the providers, automatic top-ups from the credit (each an escrow deposit at its
 * height), and, when the escrow ran dry or the runtime limit ended first, the deployment closed at
 * that block with its leases and bids (the rest of the escrow refunded for a runtime limit).
 */
export async function settleAndPersist(
  trx: Kysely<Database>,
  row: DeploymentRow,
  height: number,
  ledger: LedgerContext,
): Promise<void> {
  if (row.state !== "active") return;
  const { policy, clock } = ledger;
  const state: EscrowState = {
    funds: BigInt(row.escrow_funds),
    rate: BigInt(row.escrow_rate),
    settledHeight: row.escrow_settled_height,
  };
  let transferred = BigInt(row.escrow_transferred);
  const end = runtimeEndHeight(row, clock);
  // A stored next height that is neither the dry height nor the runtime end is a top-up the
  // credit could not make: it waits for its retry.
  const stored = row.escrow_dry_height;
  let notBefore =
    stored !== null && stored !== dryHeight(state) && stored !== end
      ? Math.max(state.settledHeight, stored)
      : state.settledHeight;
  const payTo = (to: number) => {
    const settlement = settleEscrow(
      { balance: state.funds, settledHeight: state.settledHeight },
      state.rate,
      to,
    );
    state.funds = settlement.balance;
    transferred += settlement.transferred;
    state.settledHeight = settlement.settledHeight;
  };

  for (let events = 0; events < MAX_EVENTS_PER_SETTLEMENT; events++) {
    const dry = dryHeight(state);
    const topUp = topUpHeight(state, policy, end, notBefore);
    const first = Math.min(dry ?? Infinity, topUp ?? Infinity, end ?? Infinity);
    if (first > height) break;
    if (dry !== null && dry <= first) {
      payTo(dry);
      await closeDeploymentAt(trx, row, dry, INSUFFICIENT_FUNDS_REASON, { ...state, transferred }, 0n);
      return;
    }
    if (end !== null && end <= first && (topUp === null || end <= topUp)) {
      payTo(end);
      await closeDeploymentAt(trx, row, end, RUNTIME_LIMIT_REASON, { ...state, transferred }, state.funds);
      return;
    }
    // A top-up is due at `first`.
    payTo(first);
    const coverBlocks =
      end === null ? policy.targetBlocks : BigInt(Math.min(Number(policy.targetBlocks), end - first));
    const wanted = state.rate * coverBlocks - state.funds;
    const wantedMicro = wanted <= 0n ? 0 : Number((wanted + DEC_SCALE - 1n) / DEC_SCALE);
    const user = await findUserById(trx, row.user_id);
    const available = (user?.credit_micro ?? 0) - policy.headroomMicro;
    const amount = Math.min(wantedMicro, available);
    if (amount > 0 && (await spendCredit(trx, row.user_id, amount))) {
      state.funds += decFromMicro(amount);
      await insertEscrowDeposit(trx, {
        id: crypto.randomUUID(),
        user_id: row.user_id,
        dseq: row.dseq,
        height: first,
        amount,
        created_at: clock.timeOfHeight(first),
      });
      notBefore = first;
    } else {
      notBefore = first + policy.retryBlocks;
    }
  }
  payTo(Math.max(state.settledHeight, height));
  await updateDeployment(trx, row.user_id, row.dseq, {
    escrow_funds: state.funds.toString(),
    escrow_transferred: transferred.toString(),
    escrow_settled_height: state.settledHeight,
    escrow_dry_height: nextSettlementHeight(state, row, ledger, Math.max(notBefore, state.settledHeight)),
  });
}

/**
 * Closes a deployment at `height` with its leases and open bids; `refund` (Dec) goes back to the
 * credit in whole micro-units. Used when the owner closes it, its escrow runs dry or its runtime
 * limit ends.
 */
export async function closeDeploymentAt(
  trx: Kysely<Database>,
  row: Pick<DeploymentRow, "user_id" | "dseq">,
  height: number,
  reason: string,
  escrow: { transferred: bigint; settledHeight: number },
  refund: bigint,
): Promise<void> {
  const refundMicro = decToMicroFloor(refund);
  await updateDeployment(trx, row.user_id, row.dseq, {
    state: "closed",
    closed_height: height,
    close_reason: reason,
    escrow_funds: "0",
    escrow_transferred: escrow.transferred.toString(),
    escrow_settled_height: escrow.settledHeight,
    escrow_rate: "0",
    escrow_dry_height: null,
  });
  await countActiveDeployment(trx, row.user_id, -1);
  const [leaseState, leaseReason] =
    reason === INSUFFICIENT_FUNDS_REASON
      ? ["insufficient_funds", LEASE_CLOSED_INSUFFICIENT_FUNDS]
      : ["closed", LEASE_CLOSED_OWNER];
  await closeLeases(trx, row.user_id, row.dseq, leaseState, height, leaseReason);
  await closeDeploymentBids(trx, row.user_id, row.dseq);
  if (refundMicro > 0n) await addCredit(trx, row.user_id, Number(refundMicro));
}

function clampHeight(height: bigint): number {
  return height > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(height);
}
