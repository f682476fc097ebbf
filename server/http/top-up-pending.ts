import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors";

/** The routes that spend credit: a create funds an escrow, a deposit adds to one. */
export function spendsCredit(method: string, path: string): boolean {
  return (
    method === "post" &&
    (path === "/v1/deployments" ||
      path === "/v1/deposit-deployment" ||
      path.startsWith("/v1/deployments/deposit/"))
  );
}

/**
 * The fault `balanceTopUpPendingSeconds`: a card top-up starts at each user's first request that
 * spends credit and runs that long; meanwhile such requests are refused, before anything runs, with
 * the live API's 402 `balance_top_up_pending` and Retry-After (the seconds left). Afterwards the
 * user's requests run as usual.
 */
export function topUpPending(seconds: number, now: () => number): MiddlewareHandler<AppEnv> {
  const endsAt = new Map<string, number>();
  return async (c, next) => {
    const userId = c.get("userId");
    if (!userId) return next();
    const at = now();
    const end = endsAt.get(userId) ?? at + seconds * 1000;
    endsAt.set(userId, end);
    if (at >= end) return next();
    const left = Math.max(1, Math.ceil((end - at) / 1000));
    const error = new ApiError(
      402,
      `A balance top-up is being processed; retry in ${left} s (Retry-After), when it has been credited`,
      { code: "balance_top_up_pending" },
    );
    return c.json(error.toBody(), 402, { "retry-after": String(left) });
  };
}
