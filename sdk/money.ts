// Exact conversions between US dollars (decimal strings) and micro-units of the grant denom
// ($1 = 1,000,000 micro-units). BigInt arithmetic only: binary floats would make $0.1 + $0.2 drift.

/** A dollar amount: a decimal string such as "5.5" (preferred) or a finite number. */
export type UsdAmount = string | number;

const MICRO_PER_USD = 1_000_000n;
const USD_PATTERN = /^(\d+)(?:\.(\d+))?$/;
const MICRO_PATTERN = /^\d+$/;

/** Converts dollars to micro-units: usdToMicro("0.1") === "100000". Rejects negatives and more than 6 decimals. */
export function usdToMicro(usd: UsdAmount): string {
  const text = typeof usd === "number" ? numberToDecimal(usd) : usd.trim();
  if (text.startsWith("-")) {
    throw new RangeError(`Amount "${text}" is negative; deposits and prices must be zero or more dollars.`);
  }
  const match = USD_PATTERN.exec(text);
  if (!match) {
    throw new RangeError(
      `Amount "${text}" is not a dollar amount; write it as a plain decimal such as "5" or "0.25".`,
    );
  }
  const whole = match[1] ?? "0";
  const fraction = match[2] ?? "";
  if (fraction.length > 6) {
    throw new RangeError(
      `Amount "${text}" has ${fraction.length} decimal places; at most 6 are allowed (1 micro-unit = $0.000001).`,
    );
  }
  return (BigInt(whole) * MICRO_PER_USD + BigInt(fraction.padEnd(6, "0"))).toString();
}

/** Converts micro-units back to a minimal dollar string: microToUsd("100000") === "0.1". */
export function microToUsd(micro: string | bigint): string {
  const value = toMicroBigInt(micro);
  const whole = value / MICRO_PER_USD;
  const fraction = (value % MICRO_PER_USD).toString().padStart(6, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole.toString();
}

/** Adds micro-unit amounts exactly: sumMicro(usdToMicro("0.1"), usdToMicro("0.2")) === "300000". */
export function sumMicro(...amounts: (string | bigint)[]): string {
  return amounts.reduce<bigint>((total, amount) => total + toMicroBigInt(amount), 0n).toString();
}

/** Dollars as the JSON number the API expects in `deposit`, after checking the amount is exact. */
export function usdToWireNumber(usd: UsdAmount): number {
  return Number(microToUsd(usdToMicro(usd)));
}

/** True when `usd` is a valid, non-negative dollar amount with at most 6 decimals. */
export function isUsdAmount(usd: UsdAmount): boolean {
  try {
    usdToMicro(usd);
    return true;
  } catch {
    return false;
  }
}

function numberToDecimal(usd: number): string {
  if (!Number.isFinite(usd)) {
    throw new RangeError(`Amount ${usd} is not a finite number of dollars.`);
  }
  // String() gives the shortest decimal that round-trips, so 0.1 stays "0.1"; tiny or huge
  // numbers come out in exponent form and are written out here so the decimal check applies.
  const text = String(usd);
  return text.includes("e") ? usd.toFixed(20).replace(/\.?0+$/, "") : text;
}

function toMicroBigInt(micro: string | bigint): bigint {
  if (typeof micro === "bigint") {
    if (micro < 0n) throw new RangeError(`Micro-unit amount ${micro} is negative.`);
    return micro;
  }
  if (!MICRO_PATTERN.test(micro)) {
    throw new RangeError(
      `Micro-unit amount "${micro}" must be a non-negative whole number such as "1500000".`,
    );
  }
  return BigInt(micro);
}

/** Compares two non-negative decimal strings exactly (chain prices can be "1.000000000000000000"). */
export function compareDecimal(a: string, b: string): number {
  const [aWhole = "0", aFraction = ""] = a.split(".");
  const [bWhole = "0", bFraction = ""] = b.split(".");
  const width = Math.max(aFraction.length, bFraction.length);
  const left = BigInt(aWhole + aFraction.padEnd(width, "0"));
  const right = BigInt(bWhole + bFraction.padEnd(width, "0"));
  return left < right ? -1 : left > right ? 1 : 0;
}
