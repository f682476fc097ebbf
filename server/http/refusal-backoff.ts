import { createHash } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import type { RefusalOptions } from "../config";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors";

/** A 402 the API itself asks to retry after Retry-After: a client honouring it is not hammering. */
const ASKED_TO_RETRY = new Set(["balance_top_up_pending"]);

interface Streak {
  /** The refusal being repeated: status and code. */
  answer: string;
  /** When each refusal of the streak came, oldest first (only those within the window). */
  at: number[];
  /** Until when requests are answered 429 (0: not backing off). */
  blockedUntil: number;
}

/**
 * The live API's repeated-refusal backoff (console-api-2026-12.md): per user, method and path, for
 * non-GET requests. Each identical 4xx answer (same status and code; never 401 or 429) extends a
 * streak; a different refusal starts a new one, a success ends it, a 5xx changes nothing. After
 * `threshold` refusals within `windowMs` every request there is answered 429 `repeated_refusal`
 * with Retry-After for `backoffMs`. Identical requests in flight count as refusals to come, so a
 * parallel burst is throttled too (Retry-After: 1). State is per process: each replica of a shared
 * store keeps its own, as each live instance does.
 */
export function refusalBackoff(
  options: Required<RefusalOptions>,
  now: () => number,
): MiddlewareHandler<AppEnv> {
  const streaks = new Map<string, Streak>();
  const inFlight = new Map<string, number>();
  return async (c, next) => {
    const userId = c.get("userId");
    if (c.req.method === "GET" || c.req.method === "HEAD" || !userId) return next();
    const key = `${userId} ${c.req.method} ${c.req.path}`;
    const started = now();
    const streak = current(streaks.get(key), started, options.windowMs);
    if (streak && streak.blockedUntil > started) {
      return backOff(c, Math.ceil((streak.blockedUntil - started) / 1000));
    }
    const twin = `${key} ${createHash("sha256")
      .update(await c.req.text())
      .digest("hex")}`;
    const twins = inFlight.get(twin) ?? 0;
    if (twins > 0 && (streak?.at.length ?? 0) + twins >= options.threshold) return backOff(c, 1);

    inFlight.set(twin, twins + 1);
    try {
      await next();
    } finally {
      const left = (inFlight.get(twin) ?? 1) - 1;
      if (left > 0) inFlight.set(twin, left);
      else inFlight.delete(twin);
    }
    const status = c.res.status;
    if (status < 400) {
      streaks.delete(key);
      return;
    }
    if (status >= 500 || status === 401 || status === 429) return;
    const code = await answerCode(c);
    if (code !== undefined && ASKED_TO_RETRY.has(code)) return;
    const answer = `${status} ${code ?? ""}`;
    const at = now();
    const latest = current(streaks.get(key), at, options.windowMs);
    const next_: Streak = latest && latest.answer === answer ? latest : { answer, at: [], blockedUntil: 0 };
    next_.at.push(at);
    if (next_.at.length >= options.threshold) next_.blockedUntil = at + options.backoffMs;
    streaks.set(key, next_);
    // Streaks of users who stopped trying would otherwise stay forever.
    if (streaks.size > MAX_STREAKS) prune(streaks, at, options.windowMs);
  };
}

const MAX_STREAKS = 10_000;

/** The streak with only the refusals still within the window; undefined when none is left and no backoff runs. */
function current(streak: Streak | undefined, at: number, windowMs: number): Streak | undefined {
  if (!streak) return undefined;
  streak.at = streak.at.filter((t) => at - t < windowMs);
  return streak.at.length > 0 || streak.blockedUntil > at ? streak : undefined;
}

function prune(streaks: Map<string, Streak>, at: number, windowMs: number): void {
  for (const [key, streak] of streaks) if (!current(streak, at, windowMs)) streaks.delete(key);
}

async function answerCode(c: Context<AppEnv>): Promise<string | undefined> {
  try {
    const body = (await c.res.clone().json()) as { code?: unknown };
    return typeof body.code === "string" ? body.code : undefined;
  } catch {
    return undefined;
  }
}

function backOff(c: Context<AppEnv>, seconds: number): Response {
  const error = new ApiError(
    429,
    `This request was refused ${seconds === 1 ? "while identical ones were in flight" : "repeatedly"}; ` +
      `wait ${seconds} s (Retry-After) and change the request before sending it again`,
    { code: "repeated_refusal" },
  );
  return c.json(error.toBody(), 429, { "retry-after": String(seconds) });
}
