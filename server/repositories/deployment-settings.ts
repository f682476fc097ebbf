import type { Kysely } from "kysely";
import type { Database, DeploymentSettingsTable } from "../db/schema";

export type DeploymentSettingRow = DeploymentSettingsTable;

export async function findDeploymentSetting(
  db: Kysely<Database>,
  userId: string,
  dseq: number,
): Promise<DeploymentSettingRow | undefined> {
  return db
    .selectFrom("deployment_settings")
    .selectAll()
    .where("user_id", "=", userId)
    .where("dseq", "=", dseq)
    .executeTakeFirst();
}

/** Inserts or updates the (user, dseq) setting; concurrent upserts resolve to one row. */
export async function upsertDeploymentSetting(
  db: Kysely<Database>,
  row: DeploymentSettingRow,
): Promise<void> {
  await db
    .insertInto("deployment_settings")
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(["user_id", "dseq"])
        .doUpdateSet({ auto_top_up_enabled: row.auto_top_up_enabled, updated_at: row.updated_at }),
    )
    .execute();
}

/** Inserts the setting unless one exists (find-or-create). */
export async function insertDeploymentSettingIfMissing(
  db: Kysely<Database>,
  row: DeploymentSettingRow,
): Promise<void> {
  await db
    .insertInto("deployment_settings")
    .values(row)
    .onConflict((oc) => oc.columns(["user_id", "dseq"]).doNothing())
    .execute();
}
