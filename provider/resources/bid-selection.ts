// Choosing a bid for one order (gseq/oseq) of a deployment: an explicit provider, or a policy
// (cheapest or first, allow/deny lists, required resource attributes, maximum price).
import type { Bid } from "../../sdk";
import { trimDecimal } from "./escrow";

export interface BidPolicy {
  /** cheapest (default): the lowest price among the bids seen; first: the earliest bid. */
  strategy?: "cheapest" | "first";
  allowedProviders?: string[];
  deniedProviders?: string[];
  /** Attributes (key=value) that the bid's offered resources must carry, e.g. GPU model or storage class. */
  requiredAttributes?: Record<string, string>;
  /** Highest acceptable price per block, in the bid's micro-denom (e.g. 1000 uact/block). */
  maxPrice?: number;
}

export interface BidTarget {
  gseq: number;
  oseq: number;
  /** When set, only this provider's bid is acceptable and the policy is not consulted. */
  provider?: string;
}

/** Why a bid was turned down, for error messages when nothing qualifies. */
export function rejectReason(bid: Bid, target: BidTarget, policy: BidPolicy): string | undefined {
  const provider = bid.id.provider;
  if (bid.id.gseq !== target.gseq || bid.id.oseq !== target.oseq) return "other order";
  if (bid.state !== "open") return `bid is ${bid.state}`;
  if (target.provider) return provider === target.provider ? undefined : "not the requested provider";
  if (policy.allowedProviders?.length && !policy.allowedProviders.includes(provider))
    return "not in allowedProviders";
  if (policy.deniedProviders?.includes(provider)) return "in deniedProviders";
  if (policy.maxPrice !== undefined && priceOf(bid) > policy.maxPrice) {
    return `above maxPrice ${policy.maxPrice}`;
  }
  const wanted = Object.entries(policy.requiredAttributes ?? {});
  if (wanted.length) {
    const offered = offeredAttributes(bid);
    const missing = wanted.filter(([k, v]) => offered.get(k) !== v).map(([k, v]) => `${k}=${v}`);
    if (missing.length) return `missing attributes ${missing.join(", ")}`;
  }
  return undefined;
}

/** Picks the bid to accept among those seen so far, or undefined when none qualifies yet. */
export function selectBid(bids: Bid[], target: BidTarget, policy: BidPolicy): Bid | undefined {
  const eligible = bids.filter((b) => rejectReason(b, target, policy) === undefined);
  if (!eligible.length) return undefined;
  // Stable tie-breaks (creation height, then provider address) keep repeated runs deterministic.
  const byAge = (a: Bid, b: Bid) => heightOf(a) - heightOf(b) || a.id.provider.localeCompare(b.id.provider);
  const sorted =
    policy.strategy === "first"
      ? [...eligible].sort(byAge)
      : [...eligible].sort((a, b) => priceOf(a) - priceOf(b) || byAge(a, b));
  return sorted[0];
}

/**
 * The order's bids, cheapest first, with each one's price and verdict, for progress lines and
 * errors: "2 bid(s): akash1x at 1.2 uact/block (in deniedProviders), akash1y at 1.5 uact/block (acceptable)".
 */
export function describeBids(bids: Bid[], target: BidTarget, policy: BidPolicy, limit = 6): string {
  const forOrder = bids
    .filter((b) => b.id.gseq === target.gseq && b.id.oseq === target.oseq)
    .sort((a, b) => priceOf(a) - priceOf(b));
  if (!forOrder.length) return "no bids for this order";
  const parts = forOrder
    .slice(0, limit)
    .map(
      (b) =>
        `${b.id.provider} at ${trimDecimal(b.price.amount)} ${b.price.denom}/block (${rejectReason(b, target, policy) ?? "acceptable"})`,
    );
  const more = forOrder.length > limit ? `, ${forOrder.length - limit} more` : "";
  return `${forOrder.length} bid(s): ${parts.join(", ")}${more}`;
}

export function priceOf(bid: Bid): number {
  return Number(bid.price.amount);
}

function heightOf(bid: Bid): number {
  const h = Number(bid.created_at);
  return Number.isFinite(h) ? h : Date.parse(bid.created_at) || 0;
}

function offeredAttributes(bid: Bid): Map<string, string> {
  const out = new Map<string, string>();
  for (const offer of bid.resources_offer) {
    const r = offer.resources;
    for (const a of [
      ...r.cpu.attributes,
      ...r.gpu.attributes,
      ...r.memory.attributes,
      ...r.storage.flatMap((s) => s.attributes),
    ]) {
      out.set(a.key, a.value);
    }
  }
  return out;
}

/** An accepted lease, as far as a policy can judge it. */
export interface LeaseTerms {
  gseq: number;
  oseq: number;
  provider: string;
  price: string;
  denom: string;
}

/**
 * Would this lease still be chosen under `policy`? Attributes are only visible on bids, so an
 * accepted lease is taken to still carry them.
 */
export function leaseMeetsPolicy(lease: LeaseTerms, policy: BidPolicy | undefined): string | undefined {
  const asBid: Bid = {
    id: { owner: "", dseq: "0", gseq: lease.gseq, oseq: lease.oseq, provider: lease.provider, bseq: 0 },
    state: "open",
    price: { denom: lease.denom, amount: lease.price },
    created_at: "0",
    resources_offer: [],
  };
  const { requiredAttributes: _ignored, ...rest } = policy ?? {};
  return rejectReason(asBid, { gseq: lease.gseq, oseq: lease.oseq }, rest);
}
