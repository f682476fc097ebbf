/**
 * Lazy escrow settlement, as the chain's escrow module does it: nothing moves between reads; when a
 * deployment is read (or its escrow touched) at height H, every block since the last settlement is
 * paid at once at the sum of its leases' prices per block. Amounts are `Dec` (see dec.ts), so
 * fractional per-block prices settle exactly.
 *
 * Running dry: with balance B and rate R, floor(B / R) blocks are paid in full. The next block is
 * the first the escrow cannot pay: it pays what is left (less than R), the account is overdrawn and
 * the deployment and its leases close AT THAT BLOCK (the dry height).
 */
import { parseDec, type Dec } from "./dec";

export interface EscrowSnapshot {
  balance: Dec;
  /** Height up to which the escrow has paid. */
  settledHeight: number;
}

export interface Settlement {
  balance: Dec;
  /** Paid to the providers by this settlement. */
  transferred: Dec;
  /** The target height, or the dry height when it ran dry before it. */
  settledHeight: number;
  /** Set when the escrow ran dry at or before the target height: close the deployment at this block. */
  dryHeight?: number;
}

/** Settles `escrow` up to `toHeight` at `ratePerBlock`. A target at or below settledHeight changes nothing. */
export function settleEscrow(escrow: EscrowSnapshot, ratePerBlock: Dec, toHeight: number): Settlement {
  assertNonNegative("balance", escrow.balance);
  assertNonNegative("ratePerBlock", ratePerBlock);
  if (!Number.isSafeInteger(toHeight) || !Number.isSafeInteger(escrow.settledHeight)) {
    throw new RangeError(
      `heights must be safe integers (settledHeight ${escrow.settledHeight}, toHeight ${toHeight})`,
    );
  }
  const blocks = toHeight - escrow.settledHeight;
  if (blocks <= 0) return { balance: escrow.balance, transferred: 0n, settledHeight: escrow.settledHeight };
  const owed = ratePerBlock * BigInt(blocks);
  if (owed <= escrow.balance) {
    return { balance: escrow.balance - owed, transferred: owed, settledHeight: toHeight };
  }
  // Not every block could be paid: the first unpaid block is within (settledHeight, toHeight].
  const dryHeight = escrow.settledHeight + Number(escrow.balance / ratePerBlock) + 1;
  return { balance: 0n, transferred: escrow.balance, settledHeight: dryHeight, dryHeight };
}

export interface FundedUntil {
  /** Blocks paid in full from `height` on. */
  fullBlocks: bigint;
  /** The block at which the escrow runs dry (the deployment closes), as settleEscrow would find it. */
  dryHeight: bigint;
  /** fullBlocks x block time: roughly how long the deployment keeps running from `height`. */
  durationMs: bigint;
}

/**
 * How long a balance lasts at a rate, from a height (bigint: a tiny rate can outlast any Number).
 * Undefined when the rate is zero: the escrow never runs dry.
 */
export function fundedUntil(
  balance: Dec,
  ratePerBlock: Dec,
  height: number,
  blockTimeMs: number,
): FundedUntil | undefined {
  assertNonNegative("balance", balance);
  assertNonNegative("ratePerBlock", ratePerBlock);
  if (ratePerBlock === 0n) return undefined;
  const fullBlocks = balance / ratePerBlock;
  return {
    fullBlocks,
    dryHeight: BigInt(height) + fullBlocks + 1n,
    durationMs: fullBlocks * BigInt(blockTimeMs),
  };
}

/** Sum of lease prices per block ("1.525000000000000000" strings or Decs): the escrow's rate. */
export function totalRate(prices: readonly (string | Dec)[]): Dec {
  return prices.reduce<Dec>((sum, price) => sum + (typeof price === "bigint" ? price : parseDec(price)), 0n);
}

function assertNonNegative(what: string, value: Dec): void {
  if (value < 0n) throw new RangeError(`${what} must not be negative (got ${value})`);
}
