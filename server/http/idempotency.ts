import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { Kysely } from "kysely";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { inOneTransaction } from "../db/joinable-transactions";
import type { Database } from "../db/schema";
import {
  PENDING_STATUS,
  claimIdempotencyKey,
  completeIdempotencyKey,
  findIdempotencyRecord,
} from "../repositories/idempotency";
import type { AppEnv } from "./app-env";
import { ApiError, badRequest } from "./errors";
import { callerId } from "./authentication";

const MAX_KEY_LENGTH = 255;

/** Thrown inside the request's transaction to roll it back when the answer is not a success. */
class NotStored {}

/**
 * `Idempotency-Key` on POSTs: the first request with a key runs and a successful answer is stored;
 * a repeat with the same body gets that answer again without running; a repeat with another body
 * gets 422. A failed first request frees the key, since what made it fail (credit, validation) may
 * be fixed before the retry. A key is remembered for `ttlMs` (24 hours by default, as Stripe does);
 * after that it is unused again.
 *
 * The claim, every write of the handler (its services' transactions join this one) and the stored
 * answer commit in one transaction, or none of them does: a crash at any point leaves either the
 * whole request with its answer to replay, or nothing and a free key. A concurrent repeat waits for
 * the first to end (SQLite: the connection; PostgreSQL: the key's unique index), then replays it.
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
    // Read before the transaction begins: a slow upload must not hold it open.
    const body = await c.req.text();
    const requestHash = createHash("sha256").update(`${c.req.method} ${c.req.path}\n${body}`).digest("hex");

    try {
      return await inOneTransaction(db(), async (trx) => {
        if (!(await claimIdempotencyKey(trx, userId, key, requestHash, now(), ttlMs))) {
          const record = await findIdempotencyRecord(trx, userId, key);
          if (record && record.request_hash !== requestHash) {
            throw new ApiError(422, "Idempotency-Key was already used with a different request body", {
              code: "idempotency_key_reused",
            });
          }
          // Only a server of an earlier version, still running on a shared PostgreSQL database,
          // commits a claim before its answer.
          if (!record || record.status === PENDING_STATUS) {
            throw new ApiError(
              409,
              "A request with this Idempotency-Key is still being processed; retry shortly",
              { code: "idempotency_in_progress" },
            );
          }
          c.header("Idempotent-Replayed", "true");
          return c.body(record.response_body, record.status as ContentfulStatusCode, {
            "Content-Type": "application/json",
          });
        }
        await next();
        if (c.res.status >= 300) throw new NotStored();
        await completeIdempotencyKey(trx, userId, key, c.res.status, await c.res.clone().text());
        return undefined;
      });
    } catch (error) {
      if (!(error instanceof NotStored)) throw error;
    }
  };
}
