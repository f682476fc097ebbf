// Choosing a bid for one order (gseq/oseq) of a deployment: an explicit provider, or a policy
// (cheapest or first, allow/deny lists, required resource attributes, maximum price).
import type { Bid, OrderRef } from "../../sdk";
import { objectType, t, type ShapeOf } from "../schema/describe";
import { trimDecimal } from "./escrow";

export const DEFAULT_BID_TIMEOUT_SECONDS = 180;
/**
 * `cheapest` waits this long after the first acceptable bid for competing ones: on the reference
 * market the cheapest bid comes 2.6 s after the first, and on the chain bids land in 6 s blocks, so
 * 10 s sees the block after the first bid's (figures in docs/lease.md, bench/results/lease-window.md).
 */
export const DEFAULT_CHEAPEST_WINDOW_SECONDS = 10;

export const bidSelectionType = objectType(
  "BidSelection",
  "How a Lease chooses a bid when no provider is given (the Deployment takes the same, to know when a change needs new leases).",
  {
    strategy: t
      .oneOf(
        ["cheapest", "first"],
        "`cheapest`: the lowest price among the bids seen by the end of bidWindowSeconds; `first`: the earliest acceptable bid.",
      )
      .default("cheapest"),
    allowedProviders: t.array("string", "Only these providers (akash1... addresses) may win.").optional(),
    deniedProviders: t.array("string", "These providers never win.").optional(),
    requiredAttributes: t
      .map(
        "string",
        "Attributes (key -> value) the bid's offered resources must carry, e.g. a GPU model or a storage class. Provider placement attributes (region...) belong in the SDL's `placement.attributes`, which the market enforces.",
      )
      .optional(),
    maxPrice: t
      .number("Highest acceptable price per block, in the bid's micro-denom (e.g. 1000 uact/block).")
      .optional(),
    bidTimeoutSeconds: t
      .number(
        "How long to wait for an acceptable bid, or for the pinned provider's bid. The only selection field allowed beside provider.",
      )
      .default(DEFAULT_BID_TIMEOUT_SECONDS),
    bidWindowSeconds: t
      .number(
        'After the first acceptable bid, keep collecting bids this long before choosing (the measured trade-off is in the Lease docs, "Choosing by price").',
      )
      .defaultText(`${DEFAULT_CHEAPEST_WINDOW_SECONDS} for cheapest, 0 for first`),
  },
);

export type BidSelection = ShapeOf<typeof bidSelectionType>;

/** What judges a bid: the selection without its timing. */
export type BidPolicy = Omit<BidSelection, "bidTimeoutSeconds" | "bidWindowSeconds">;

/** The order a bid is chosen for; with `provider`, only that provider's bid is acceptable and the policy is not consulted. */
export type BidTarget = Omit<OrderRef, "provider"> & Partial<Pick<OrderRef, "provider">>;

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
export type AcceptedLease = OrderRef & { price: string; denom: string };

/**
 * Why `policy` would not choose this lease any more, or undefined when it still would. Attributes
 * are only visible on bids, so an accepted lease is taken to still carry them.
 */
export function ruledOutBecause(lease: AcceptedLease, policy: BidPolicy | undefined): string | undefined {
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
