import type { MiddlewareHandler } from "hono";
import type { FaultOptions } from "../config";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors";

/**
 * Injected failures for users' pipelines and our tests (off by default): added latency, and a
 * fraction of API requests answered 503 before they run (so a retried request is never applied twice).
 */
export function injectFaults(
  faults: Required<FaultOptions>,
  random: () => number = Math.random,
): MiddlewareHandler<AppEnv> {
  return async (_c, next) => {
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    if (faults.errorRate > 0 && random() < faults.errorRate) {
      throw new ApiError(503, "Service temporarily unavailable (injected fault)", { code: "injected_fault" });
    }
    await next();
  };
}
