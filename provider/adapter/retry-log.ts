import type { RetryWait } from "../../sdk";

/**
 * The log line before the client waits to try a call again: what the API answered and how long the
 * wait is, so a run that pauses (a top-up being credited, a throttled burst) says why.
 */
export function describeRetryWait(wait: RetryWait): string {
  const { failure } = wait;
  const answered =
    failure.kind === "http" ? `answered ${failure.status} ${failure.code}` : `failed (${failure.code})`;
  const why = wait.retryAfter ? "as its Retry-After asks" : "backing off";
  return `${wait.method} ${wait.path} ${answered}: waiting ${Math.round(wait.delayMs / 100) / 10} s (${why}) before attempt ${wait.attempt + 1}`;
}
