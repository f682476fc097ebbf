import type { MiddlewareHandler } from "hono";
import type { ApiKeyService, Identity } from "../services/api-keys";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Global: identifies the caller from `x-api-key` or `Authorization: Bearer <key>`. Both at once is a
 * 400; a presented key that is malformed, unknown, revoked or expired is a 401 "Invalid API key"
 * (never a finer reason, so keys cannot be probed). No credentials leaves the request anonymous.
 */
export function identifyCaller(apiKeys: ApiKeyService): MiddlewareHandler<AppEnv> {
  // Not an async function: a key known in memory costs no promise of its own.
  return (c, next) => {
    const headerKey = c.req.header("x-api-key");
    const authorization = c.req.header("authorization");
    if (headerKey !== undefined && authorization !== undefined) {
      throw new ApiError(400, "Authorization and X-Api-Key headers are mutually exclusive");
    }
    const presented =
      headerKey ?? (authorization !== undefined ? (BEARER.exec(authorization)?.[1] ?? "") : undefined);
    if (presented === undefined) return next();
    const identified = (identity: Identity | undefined) => {
      if (!identity) throw new ApiError(401, "Invalid API key");
      c.set("userId", identity.userId);
      if (identity.version !== undefined) c.set("contentVersion", identity.version);
      return next();
    };
    const identity = apiKeys.identify(presented.trim());
    return identity instanceof Promise ? identity.then(identified) : identified(identity);
  };
}

/** Per protected route, before body validation: anonymous callers get 401 "Unauthorized". */
export const requireCaller: MiddlewareHandler<AppEnv> = (c, next) => {
  if (!c.get("userId")) throw new ApiError(401, "Unauthorized");
  return next();
};

/** The authenticated caller's user id (only valid behind `requireCaller`). */
export function callerId(c: { get(key: "userId"): string | undefined }): string {
  const userId = c.get("userId");
  if (!userId) throw new ApiError(401, "Unauthorized");
  return userId;
}
