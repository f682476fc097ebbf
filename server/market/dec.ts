/**
 * Exact fixed-point amounts for prices and escrow.
 *
 * A `Dec` is a bigint counting 10^-18 of one micro-denom unit (1 uact = 10^18 Dec units): the
 * precision of Cosmos `sdk.Dec`, which the chain uses for DecCoin prices and escrow balances, so
 * every amount the chain can express is exact here and prints the way the chain prints it
 * ("1.550000000000000000"). No floating point is involved anywhere.
 */
export type Dec = bigint;

export const DEC_DECIMALS = 18;
export const DEC_SCALE: Dec = 10n ** BigInt(DEC_DECIMALS);

// Bounds the work a hostile "1e999999" can cause; real amounts are far inside it.
const MAX_EXPONENT = 60;
const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses "1000", "0.123456", "1.5e-3" or a finite number into a Dec.
 * Throws RangeError when the value is not a decimal or needs more than 18 fractional digits.
 */
export function parseDec(value: string | number | bigint): Dec {
  if (typeof value === "bigint") return value * DEC_SCALE;
  const text = typeof value === "number" ? numberToPlainString(value) : value.trim();
  const match = DECIMAL_RE.exec(text);
  const intPart = match?.[2] ?? "";
  const fracPart = match?.[3] ?? "";
  if (!match || (intPart === "" && fracPart === "")) {
    throw new RangeError(`"${String(value)}" is not a decimal number (expected e.g. "1000" or "0.25")`);
  }
  const exponent = Number(match[4] ?? "0");
  if (Math.abs(exponent) > MAX_EXPONENT) {
    throw new RangeError(`"${String(value)}" is out of range (exponent above ${MAX_EXPONENT})`);
  }
  const digits = BigInt(intPart + fracPart || "0");
  const shift = DEC_DECIMALS - fracPart.length + exponent;
  let result: bigint;
  if (shift >= 0) {
    result = digits * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    if (digits % divisor !== 0n) {
      throw new RangeError(`"${String(value)}" has more than ${DEC_DECIMALS} decimal places`);
    }
    result = digits / divisor;
  }
  return match[1] === "-" ? -result : result;
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} is not a finite number`);
  return String(value);
}

/** Chain-style string with exactly 18 decimals, e.g. 1550000000000000000n -> "1.550000000000000000". */
export function formatDec(value: Dec): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / DEC_SCALE;
  const frac = (abs % DEC_SCALE).toString().padStart(DEC_DECIMALS, "0");
  return `${negative ? "-" : ""}${whole}.${frac}`;
}

/** Whole micro-units (e.g. a deposit of 5000000 uact) as a Dec. */
export function decFromMicro(micro: bigint | number | string): Dec {
  const whole = typeof micro === "bigint" ? micro : BigInt(micro);
  return whole * DEC_SCALE;
}

/** Whole micro-units contained in a Dec, rounding toward zero (what a refund can pay out). */
export function decToMicroFloor(value: Dec): bigint {
  return value / DEC_SCALE;
}

/** a x b for two Decs, truncated to 18 decimals. */
export function mulDec(a: Dec, b: Dec): Dec {
  return (a * b) / DEC_SCALE;
}
