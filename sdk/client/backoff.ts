// Retry timing: exponential backoff with full jitter, Retry-After parsing, and an abortable sleep.

export interface BackoffPolicy {
  /** Delay scale for the first retry (ms). */
  baseDelayMs: number;
  /** Upper bound of any single backoff delay (ms). */
  maxDelayMs: number;
}

/**
 * Full jitter (AWS architecture blog): uniform in [0, min(max, base * 2^retry)], so many clients
 * retrying at once spread out instead of hitting the server in waves. `retry` counts from 0.
 */
export function backoffDelay(
  retry: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/** Parses Retry-After (delta seconds or HTTP date) into ms from `now`; undefined when absent or invalid. */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Math.round(Number(text.trim()) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Sleeps `ms`, rejecting with the signal's reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Polling intervals that start fast and grow to a ceiling: 100, 150, 225, ... 3000 ms. */
export function pollDelay(poll: number, firstMs = 100, maxMs = 3000, factor = 1.5): number {
  return Math.min(maxMs, Math.round(firstMs * factor ** poll));
}
