import type { Kysely } from "kysely";
import type { Database, DeploymentSecretsTable, SealingKeysTable } from "../db/schema";

export type DeploymentSecretsRow = DeploymentSecretsTable;
export type SealingKeyRow = SealingKeysTable;

export async function findDeploymentSecrets(
  db: Kysely<Database>,
  userId: string,
  dseq: number,
): Promise<DeploymentSecretsRow | undefined> {
  return db
    .selectFrom("deployment_secrets")
    .selectAll()
    .where("user_id", "=", userId)
    .where("dseq", "=", dseq)
    .executeTakeFirst();
}

/** Replaces a deployment's stored secrets (deletes them when there are none). */
export async function saveDeploymentSecrets(
  db: Kysely<Database>,
  row: DeploymentSecretsRow | { user_id: string; dseq: number; names_json: null },
): Promise<void> {
  if (row.names_json === null) {
    await db
      .deleteFrom("deployment_secrets")
      .where("user_id", "=", row.user_id)
      .where("dseq", "=", row.dseq)
      .execute();
    return;
  }
  await db
    .insertInto("deployment_secrets")
    .values(row)
    .onConflict((oc) =>
      oc.columns(["user_id", "dseq"]).doUpdateSet({
        names_json: row.names_json,
        ciphertext: row.ciphertext,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

/** The live sealing key: the newest one not retired. */
export async function findActiveSealingKey(db: Kysely<Database>): Promise<SealingKeyRow | undefined> {
  return db
    .selectFrom("sealing_keys")
    .selectAll()
    .where("retired_at", "is", null)
    .orderBy("created_at", "desc")
    .orderBy("kid", "desc")
    .limit(1)
    .executeTakeFirst();
}

export async function insertSealingKey(db: Kysely<Database>, row: SealingKeyRow): Promise<void> {
  await db.insertInto("sealing_keys").values(row).execute();
}

/** Retires every live key (rotation inserts the next one in the same transaction). */
export async function retireSealingKeys(db: Kysely<Database>, at: number): Promise<void> {
  await db.updateTable("sealing_keys").set({ retired_at: at }).where("retired_at", "is", null).execute();
}

/** A server-wide value, inserted unless one exists (replicas race safely); answers the stored one. */
export async function ensureServerSecret(
  db: Kysely<Database>,
  name: string,
  value: string,
  now: number,
): Promise<string> {
  await db
    .insertInto("server_secrets")
    .values({ name, value, created_at: now })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const row = await db
    .selectFrom("server_secrets")
    .select("value")
    .where("name", "=", name)
    .executeTakeFirst();
  if (!row) throw new Error(`server secret ${name} vanished after it was written`);
  return row.value;
}
