// One poll schedule for every wait on the market (bids, services), in the sdk's flows and in the
// Pulumi provider: fast first polls (a lease can follow the first bid within a fraction of a
// second), growing by half each poll to a ceiling, and optionally a higher ceiling after a while,
// when polling often would only load the API.
import { AkashApiError, pollDelay } from "../client";

export interface PollSchedule {
  /** The first interval (ms); each next one is 1.5 times longer... */
  firstMs: number;
  /** ...up to this (ms)... */
  maxMs: number;
  /** ...and, once the wait has lasted this long (ms), up to `patientMaxMs`. */
  patientAfterMs?: number;
  patientMaxMs?: number;
}

/** The interval before poll number `poll + 1`, `elapsedMs` into the wait. */
export function nextPollDelay(schedule: PollSchedule, poll: number, elapsedMs = 0): number {
  const patient = schedule.patientAfterMs !== undefined && elapsedMs >= schedule.patientAfterMs;
  const ceiling = patient ? (schedule.patientMaxMs ?? schedule.maxMs) : schedule.maxMs;
  return pollDelay(poll, schedule.firstMs, ceiling);
}

/**
 * One poll's reading, or undefined when it failed with a transient error (network, timeout, 429,
 * 5xx, after the client's own retries) while the wait still has time: a wait that may yet succeed
 * is not abandoned for one bad poll. Anything else, or a failure at the deadline, is thrown.
 */
export async function readWhileWaiting<T>(
  read: () => Promise<T>,
  deadline: number,
  now: () => number = Date.now,
): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof AkashApiError && err.transient && now() < deadline) return undefined;
    throw err;
  }
}
