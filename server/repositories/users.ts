import type { Kysely } from "kysely";
import { PreparedQuery } from "../db/prepared-query";
import type { Database, UsersTable } from "../db/schema";

export type UserRow = UsersTable;

export async function insertUser(db: Kysely<Database>, user: UserRow): Promise<void> {
  await db.insertInto("users").values(user).execute();
}

export async function findUserById(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();
}

export async function listUsers(db: Kysely<Database>): Promise<UserRow[]> {
  return db.selectFrom("users").selectAll().orderBy("created_at").orderBy("email").execute();
}

export async function addCredit(db: Kysely<Database>, userId: string, micro: number): Promise<void> {
  await db
    .updateTable("users")
    .set((eb) => ({ credit_micro: eb("credit_micro", "+", micro) }))
    .where("id", "=", userId)
    .execute();
}

/** Adjusts the user's count of active deployments (+1 on create, -1 when one closes). */
export async function countActiveDeployment(
  db: Kysely<Database>,
  userId: string,
  delta: 1 | -1,
): Promise<void> {
  await db
    .updateTable("users")
    .set((eb) => ({ active_deployments: eb("active_deployments", "+", delta) }))
    .where("id", "=", userId)
    .execute();
}

export async function activeDeploymentCount(db: Kysely<Database>, userId: string): Promise<number> {
  return (await activeCountQuery.executeTakeFirst(db, { userId }))?.active_deployments ?? 0;
}

const activeCountQuery = new PreparedQuery((db: Kysely<Database>, p: { userId: string }) =>
  db.selectFrom("users").select("active_deployments").where("id", "=", p.userId),
);

/**
 * Takes `micro` from the user's credit only if that much is there, in one conditional UPDATE, so
 * two concurrent spenders can never both succeed beyond the balance. Returns whether it did.
 */
export async function spendCredit(db: Kysely<Database>, userId: string, micro: number): Promise<boolean> {
  const result = await db
    .updateTable("users")
    .set((eb) => ({ credit_micro: eb("credit_micro", "-", micro) }))
    .where("id", "=", userId)
    .where("credit_micro", ">=", micro)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function findUserByAddress(db: Kysely<Database>, address: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("address", "=", address).executeTakeFirst();
}
