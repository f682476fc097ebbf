import type { Kysely } from "kysely";
import type { CertificatesTable, Database } from "../db/schema";

export type CertificateRow = CertificatesTable;

export async function insertCertificate(db: Kysely<Database>, row: CertificateRow): Promise<void> {
  await db.insertInto("certificates").values(row).execute();
}

export async function listCertificates(db: Kysely<Database>, userId: string): Promise<CertificateRow[]> {
  return db
    .selectFrom("certificates")
    .selectAll()
    .where("user_id", "=", userId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

export async function revokeCertificate(
  db: Kysely<Database>,
  userId: string,
  serial: string,
): Promise<boolean> {
  const found = await db
    .selectFrom("certificates")
    .select("id")
    .where("user_id", "=", userId)
    .where("serial", "=", serial)
    .executeTakeFirst();
  if (!found) return false;
  await db.updateTable("certificates").set({ state: "revoked" }).where("id", "=", found.id).execute();
  return true;
}
