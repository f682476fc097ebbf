// Escrow figures for a deployment's outputs. The API returns the raw chain escrow account
// (micro-denom decimal strings, settled lazily at `settled_at`); dollars are 1:1 with the grant
// denom's whole units ($1 = 1,000,000 uact).
import { microToUsd, type Coin, type Deployment } from "../../sdk";
import { objectType, t, type ShapeOf } from "../schema/describe";

export const escrowType = objectType(
  "Escrow",
  "The deployment's escrow account. Figures refresh freely and never count as drift; see fundingStatus.",
  {
    denom: t.string("Escrow denomination, e.g. uact ($1 = 1,000,000)."),
    balance: t.string("Remaining escrow in micro-denom, as of settledAtHeight."),
    balanceUsd: t.string("Remaining escrow in US dollars."),
    deposited: t.string(
      "Everything ever put in escrow (remaining + paid to providers), micro-denom: grows only with deposits.",
    ),
    depositedUsd: t.string("Everything ever deposited, in US dollars."),
    settledAtHeight: t.integer("Block height of the last settlement."),
    pricePerBlock: t.string(
      'Sum of the active leases\' prices per block, micro-denom ("0" without a lease).',
    ),
    fundedUntilHeight: t
      .integer(
        "Block height at which the escrow runs dry at current lease prices; null without an active lease.",
      )
      .nullable(),
  },
);

export type EscrowOutputs = ShapeOf<typeof escrowType>;

/** A chain decimal without trailing zeros: "1.220000000000000000" -> "1.22", "5.000" -> "5". */
export function trimDecimal(amount: string): string {
  return amount.includes(".") ? amount.replace(/0+$/, "").replace(/\.$/, "") : amount;
}

/** The integer part of a chain decimal string ("1234.5600" -> 1234n). */
export function microOf(amount: string | undefined): bigint {
  if (!amount) return 0n;
  const whole = amount.split(".")[0] ?? "0";
  return /^\d+$/.test(whole) ? BigInt(whole) : 0n;
}

function amountIn(coins: Coin[], denom: string): bigint {
  return coins.filter((c) => c.denom === denom).reduce((sum, c) => sum + microOf(c.amount), 0n);
}

/** Price per block as a float of micro-units (chain prices may carry decimals). */
function leaseRate(deployment: Deployment): number {
  return deployment.leases
    .filter((l) => l.state === "active")
    .reduce((sum, l) => sum + (Number(l.price.amount) || 0), 0);
}

export function escrowOutputs(deployment: Deployment): EscrowOutputs {
  const state = deployment.escrow_account.state;
  const denom = state.funds[0]?.denom ?? state.transferred[0]?.denom ?? "";
  const funds = amountIn(state.funds, denom);
  const transferred = amountIn(state.transferred, denom);
  const settledAt = Number(state.settled_at) || 0;
  const rate = leaseRate(deployment);
  return {
    denom,
    balance: funds.toString(),
    balanceUsd: microToUsd(funds),
    deposited: (funds + transferred).toString(),
    depositedUsd: microToUsd(funds + transferred),
    settledAtHeight: settledAt,
    pricePerBlock: trimDecimal(String(rate)),
    fundedUntilHeight: rate > 0 ? settledAt + Math.floor(Number(funds) / rate) : null,
  };
}
