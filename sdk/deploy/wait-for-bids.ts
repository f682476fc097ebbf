// Waiting for provider bids with adaptive polling: the first polls come quickly (a lease can follow
// the first bid within a fraction of a second), then the interval grows to a few seconds.
import { AkashApiError, type AkashClient, type Dseq, type RequestOptions } from "../client";
import type { BidListItem } from "../contract/bids";
import { nextPollDelay, readWhileWaiting } from "./poll";

export interface WaitForBidsOptions {
  /** Give up after this long (ms); default 5 minutes. */
  timeoutMs?: number;
  /** Open bids required (per group when `groups` is set); default 1. */
  minBids?: number;
  /** Number of groups in the deployment: wait until every gseq 1..groups has `minBids` open bids. */
  groups?: number;
  /** First and largest poll interval (ms); defaults 100 and 3000. */
  firstPollMs?: number;
  maxPollMs?: number;
  signal?: AbortSignal;
  /** Options for each bid request (timeouts, retries). */
  request?: Omit<RequestOptions, "signal">;
}

/** Resolves with the open bids once enough have arrived; AkashApiError (kind timeout, code no_bids) otherwise. */
export async function waitForBids(
  client: AkashClient,
  dseq: Dseq,
  options: WaitForBidsOptions = {},
): Promise<BidListItem[]> {
  const { timeoutMs = 300_000, minBids = 1, groups, firstPollMs = 100, maxPollMs = 3000, signal } = options;
  const started = client.now();
  const deadline = started + timeoutMs;
  const schedule = { firstMs: firstPollMs, maxMs: maxPollMs };
  for (let poll = 0; ; poll++) {
    const bids = await readWhileWaiting(
      () => client.listBids(dseq, { ...options.request, signal }),
      deadline,
      () => client.now(),
    );
    const open = (bids ?? []).filter((item) => item.bid.state === "open");
    if (enough(open, minBids, groups)) return open;
    const delay = nextPollDelay(schedule, poll);
    if (client.now() + delay >= deadline) {
      throw new AkashApiError({
        kind: "timeout",
        code: "no_bids",
        method: "GET",
        path: "/v1/bids",
        attempts: poll + 1,
        message: `No${groups ? " complete set of" : ""} bids for deployment ${dseq} after ${Math.round((client.now() - started) / 1000)} s (${open.length} open, ${minBids} needed${groups ? ` for each of ${groups} groups` : ""}). Raise the SDL's pricing or relax its placement attributes, then try again.`,
      });
    }
    try {
      await client.sleep(delay, signal);
    } catch {
      throw new AkashApiError({
        kind: "aborted",
        code: "aborted",
        method: "GET",
        path: "/v1/bids",
        attempts: poll + 1,
        message: `Waiting for bids on deployment ${dseq} was aborted by the caller.`,
      });
    }
  }
}

function enough(open: BidListItem[], minBids: number, groups: number | undefined): boolean {
  if (!groups) return open.length >= minBids;
  for (let gseq = 1; gseq <= groups; gseq++) {
    if (open.filter((item) => item.bid.id.gseq === gseq).length < minBids) return false;
  }
  return true;
}
