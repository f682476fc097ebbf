import type { Kysely } from "kysely";
import { PreparedQuery } from "../db/prepared-query";
import type { ApiKeysTable, Database } from "../db/schema";

export type ApiKeyRow = ApiKeysTable;

export async function insertApiKey(db: Kysely<Database>, row: ApiKeyRow): Promise<void> {
  await db.insertInto("api_keys").values(row).execute();
}

export async function findApiKeyByHash(
  db: Kysely<Database>,
  hashedKey: string,
): Promise<ApiKeyRow | undefined> {
  return apiKeyByHashQuery.executeTakeFirst(db, { hashedKey });
}

const apiKeyByHashQuery = new PreparedQuery((db: Kysely<Database>, p: { hashedKey: string }) =>
  db.selectFrom("api_keys").selectAll().where("hashed_key", "=", p.hashedKey),
);

export async function findApiKey(
  db: Kysely<Database>,
  userId: string,
  id: string,
): Promise<ApiKeyRow | undefined> {
  return db
    .selectFrom("api_keys")
    .selectAll()
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

export async function listApiKeys(db: Kysely<Database>, userId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom("api_keys")
    .selectAll()
    .where("user_id", "=", userId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

export async function renameApiKey(
  db: Kysely<Database>,
  userId: string,
  id: string,
  name: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable("api_keys")
    .set({ name, updated_at: now })
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteApiKey(db: Kysely<Database>, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom("api_keys")
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Records use only when the last record is older than `staleBefore`: at most one write per window. */
export async function touchApiKey(
  db: Kysely<Database>,
  id: string,
  now: number,
  staleBefore: number,
): Promise<void> {
  await db
    .updateTable("api_keys")
    .set({ last_used_at: now })
    .where("id", "=", id)
    .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", staleBefore)]))
    .execute();
}
