import type { MiddlewareHandler } from "hono";
import type { RouteDefinition } from "../../sdk/contract";
import type { ServerConfig } from "../config";
import type { AppEnv } from "./app-env";
import { refusalBackoff } from "./refusal-backoff";
import { spendsCredit, topUpPending } from "./top-up-pending";

/**
 * Per route, the live API's refusals that the options turn on: the repeated-refusal backoff on
 * every non-GET route (outermost, so it sees every other refusal), then the pending top-up fault on
 * the routes that spend credit. One backoff state for the whole app: its key is the user, method
 * and path.
 */
export function refusalMiddleware(
  config: ServerConfig,
  now: () => number,
): (route: RouteDefinition) => MiddlewareHandler<AppEnv>[] {
  const backoff = config.refusals.backoff ? refusalBackoff(config.refusals, now) : undefined;
  const seconds = config.faults.balanceTopUpPendingSeconds;
  const pending = seconds > 0 ? topUpPending(seconds, now) : undefined;
  return (route) => [
    ...(backoff && route.method !== "get" ? [backoff] : []),
    ...(pending && spendsCredit(route.method, route.path) ? [pending] : []),
  ];
}
