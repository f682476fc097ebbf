// Dollar inputs (deposit, minEscrowUsd) as exact micro-units, with readable validation messages.
import { microToUsd, usdToMicro } from "../../sdk";

/** undefined stays undefined; anything else must be a positive dollar amount with <= 6 decimals. */
export function usdProblem(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    return `${name} must be a positive number of US dollars, e.g. 5 or 0.5 (got ${JSON.stringify(value)})`;
  }
  try {
    usdToMicro(value);
  } catch (err) {
    return `${name}: ${(err as Error).message}`;
  }
  return undefined;
}

export const toMicro = (usd: number | undefined): bigint =>
  usd === undefined ? 0n : BigInt(usdToMicro(usd));

export const toUsdNumber = (micro: bigint): number => Number(microToUsd(micro));

export const formatUsd = (micro: bigint): string => `$${microToUsd(micro)}`;
