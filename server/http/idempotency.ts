import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { Kysely } from "kysely";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Database } from "../db/schema";
import {
  PENDING_STATUS,
  claimIdempotencyKey,
  completeIdempotencyKey,
  findIdempotencyRecord,
  releaseIdempotencyKey,
} from "../repositories/idempotency";
import type { AppEnv } from "./app-env";
import { ApiError, badRequest } from "./errors";
import { callerId } from "./authentication";

const MAX_KEY_LENGTH = 255;

/**
 * `Idempotency-Key` on POSTs: the first request with a key runs and a successful answer is stored;
 * a repeat with the same body gets that answer again without running; a repeat with another body
 * gets 422; a repeat while the first still runs gets 409 (retry later). A failed first request frees
 * the key, since what made it fail (credit, validation) may be fixed before the retry. A key is
 * remembered for `ttlMs` (24 hours by default, as Stripe does); after that it is unused again.
 */
export function idempotentPost(
  db: () => Kysely<Database>,
  now: () => number,
  ttlMs: number,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (key === undefined) return next();
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw badRequest(`Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters long`);
    }
    const userId = callerId(c);
    const body = await c.req.text();
    const requestHash = createHash("sha256").update(`${c.req.method} ${c.req.path}\n${body}`).digest("hex");

    if (!(await claimIdempotencyKey(db(), userId, key, requestHash, now(), ttlMs))) {
      const record = await findIdempotencyRecord(db(), userId, key);
      if (record && record.request_hash !== requestHash) {
        throw new ApiError(422, "Idempotency-Key was already used with a different request body", {
          code: "idempotency_key_reused",
        });
      }
      if (!record || record.status === PENDING_STATUS) {
        throw new ApiError(
          409,
          "A request with this Idempotency-Key is still being processed; retry shortly",
          {
            code: "idempotency_in_progress",
          },
        );
      }
      c.header("Idempotent-Replayed", "true");
      return c.body(record.response_body, record.status as ContentfulStatusCode, {
        "Content-Type": "application/json",
      });
    }

    try {
      await next();
    } catch (error) {
      await releaseIdempotencyKey(db(), userId, key);
      throw error;
    }
    if (c.res.status >= 300) {
      await releaseIdempotencyKey(db(), userId, key);
      return;
    }
    await completeIdempotencyKey(db(), userId, key, c.res.status, await c.res.clone().text());
  };
}
