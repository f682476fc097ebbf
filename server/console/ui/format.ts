// Display helpers: micro-units to dollars, lease prices per month, escrow runway and dates.
import type { Coin, ShownDeployment } from "./types";

/** Akash's target block time; the runway estimate says "about" because real blocks vary. */
const BLOCK_SECONDS = 6;
const BLOCKS_PER_MONTH = (30.4375 * 24 * 3600) / BLOCK_SECONDS;

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });
const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** Micro-units (number or the chain's decimal string) as dollars: 1500000 -> "$1.50". */
export function formatMicroUsd(micro: number | string): string {
  return usd.format(Number(micro) / 1_000_000);
}

function sumCoins(coins: Coin[]): number {
  return coins.reduce((total, coin) => total + Number(coin.amount), 0);
}

export function escrowMicro(d: ShownDeployment): number {
  return sumCoins(d.escrow_account.state.funds);
}

/** What the escrow has paid the providers so far. */
export function paidMicro(d: ShownDeployment): number {
  return sumCoins(d.escrow_account.state.transferred);
}

/** Micro-units per block paid by the deployment's active leases. */
export function burnPerBlock(d: ShownDeployment): number {
  return d.leases.filter((l) => l.state === "active").reduce((t, l) => t + Number(l.price.amount), 0);
}

export function pricePerMonth(price: Coin): string {
  return `${usd.format((Number(price.amount) * BLOCKS_PER_MONTH) / 1_000_000)} / month`;
}

/**
 * When the escrow runs dry at the current lease prices (or the runtime limit ends, if sooner), or
 * null when nothing is being paid.
 */
export function fundedUntil(d: ShownDeployment, now = Date.now()): Date | null {
  const rate = burnPerBlock(d);
  if (d.deployment.state !== "active" || rate <= 0) return null;
  const dry = now + (escrowMicro(d) / rate) * BLOCK_SECONDS * 1000;
  const end = d.settings?.runtimeEndsAt ? new Date(d.settings.runtimeEndsAt).getTime() : Infinity;
  return new Date(Math.min(dry, end));
}

export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return "never";
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : dateTime.format(date);
}

/** "in 3 days", "2 hours ago": the unit that keeps the number small. */
export function formatRelative(date: Date, now = Date.now()): string {
  const seconds = (date.getTime() - now) / 1000;
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["year", 31_557_600],
    ["month", 2_629_800],
    ["day", 86_400],
    ["hour", 3_600],
    ["minute", 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return relative.format(Math.round(seconds), "second");
}

/** A deployment's title: its name, or "Deployment <dseq>" for one without. */
export function deploymentTitle(d: ShownDeployment): string {
  return d.name || `Deployment ${d.deployment.id.dseq}`;
}

/** Why a closed deployment closed, in words. */
export function closeReasonText(reason: string | null | undefined): string {
  if (reason === "runtime_limit") return "its runtime limit ended";
  if (reason === "insufficient_funds") return "its escrow ran dry";
  return "closed by its owner";
}

/** The secret names an SDL references (`ac-secret://NAME`): names only, values never reach the console. */
export function secretNames(sdl: string | undefined): string[] {
  if (!sdl) return [];
  const names = new Set<string>();
  for (const match of sdl.matchAll(/ac-secret:\/\/([A-Za-z_][A-Za-z0-9_]{0,63})/g))
    names.add(match[1] as string);
  return [...names].sort();
}
