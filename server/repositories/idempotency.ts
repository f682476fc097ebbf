import type { Kysely } from "kysely";
import type { Database, IdempotencyKeysTable } from "../db/schema";

export type IdempotencyRow = IdempotencyKeysTable;

/** Status of a claim until its request's answer is stored, in the same transaction. */
export const PENDING_STATUS = 0;

export async function findIdempotencyRecord(
  db: Kysely<Database>,
  userId: string,
  key: string,
): Promise<IdempotencyRow | undefined> {
  return db
    .selectFrom("idempotency_keys")
    .selectAll()
    .where("user_id", "=", userId)
    .where("key", "=", key)
    .executeTakeFirst();
}

/**
 * Claims a key for a request about to run; false when a request used it within the TTL. On
 * PostgreSQL the insert waits for a concurrent transaction holding the same key to end. The user's
 * expired records are deleted first: an expired key is free again, and the table holds at most a
 * TTL's worth of keys per user without a background job. The (user_id, created_at) index keeps
 * that delete to the expired rows.
 */
export async function claimIdempotencyKey(
  db: Kysely<Database>,
  userId: string,
  key: string,
  requestHash: string,
  now: number,
  ttlMs: number,
): Promise<boolean> {
  await db
    .deleteFrom("idempotency_keys")
    .where("user_id", "=", userId)
    .where("created_at", "<=", now - ttlMs)
    .execute();
  const result = await db
    .insertInto("idempotency_keys")
    .values({
      user_id: userId,
      key,
      request_hash: requestHash,
      status: PENDING_STATUS,
      response_body: "",
      created_at: now,
    })
    .onConflict((oc) => oc.columns(["user_id", "key"]).doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

export async function completeIdempotencyKey(
  db: Kysely<Database>,
  userId: string,
  key: string,
  status: number,
  responseBody: string,
): Promise<void> {
  await db
    .updateTable("idempotency_keys")
    .set({ status, response_body: responseBody })
    .where("user_id", "=", userId)
    .where("key", "=", key)
    .execute();
}

/**
 * Deletes every pending claim. A claim commits with its request's answer (see
 * http/idempotency.ts), so a committed pending one was left by a server of an earlier version
 * killed mid-request; kept, it would answer 409 for a whole TTL.
 */
export async function deleteAbandonedClaims(db: Kysely<Database>): Promise<number> {
  const result = await db
    .deleteFrom("idempotency_keys")
    .where("status", "=", PENDING_STATUS)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
