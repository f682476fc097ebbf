import type { ExpressionBuilder, Kysely } from "kysely";
import type { Database, DeploymentsTable, EscrowDepositsTable, ManifestVersionsTable } from "../db/schema";

export type DeploymentRow = DeploymentsTable;
export type EscrowDepositRow = EscrowDepositsTable;
export type ManifestVersionRow = ManifestVersionsTable;

/** Columns a listing needs: everything except the SDL and manifest text (kept off list pages). */
const LIST_COLUMNS = [
  "user_id",
  "dseq",
  "state",
  "hash",
  "groups_json",
  "created_height",
  "created_at",
  "manifest_updated_at",
  "manifest_generation",
  "closed_height",
  "close_reason",
  "escrow_funds",
  "escrow_transferred",
  "escrow_settled_height",
  "escrow_rate",
  "escrow_dry_height",
] as const;

export type DeploymentListRow = Pick<DeploymentRow, (typeof LIST_COLUMNS)[number]>;

export async function insertDeployment(db: Kysely<Database>, row: DeploymentRow): Promise<void> {
  await db.insertInto("deployments").values(row).execute();
}

export async function deploymentExists(db: Kysely<Database>, userId: string, dseq: number): Promise<boolean> {
  const row = await db
    .selectFrom("deployments")
    .select("dseq")
    .where("user_id", "=", userId)
    .where("dseq", "=", dseq)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * One deployment of one user. `lock` takes a row lock on PostgreSQL (SELECT ... FOR UPDATE) for
 * read-modify-write inside a transaction; SQLite serialises writers already (BEGIN IMMEDIATE).
 */
export async function findDeployment(
  db: Kysely<Database>,
  userId: string,
  dseq: number,
  lock = false,
): Promise<DeploymentRow | undefined> {
  let query = db.selectFrom("deployments").selectAll().where("user_id", "=", userId).where("dseq", "=", dseq);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/**
 * A page of the user's deployments still active at `height` (state active and escrow not yet dry),
 * newest first, plus the total. Index-backed: the cost follows the page, not the user's history.
 */
export async function listActivePage(
  db: Kysely<Database>,
  userId: string,
  height: number,
  skip: number,
  limit: number | undefined,
): Promise<{ rows: DeploymentListRow[]; total: number }> {
  const activeAt = (eb: ExpressionBuilder<Database, "deployments">) =>
    eb.and([
      eb("user_id", "=", userId),
      eb("state", "=", "active"),
      eb.or([eb("escrow_dry_height", "is", null), eb("escrow_dry_height", ">", height)]),
    ]);
  const query = db
    .selectFrom("deployments")
    .select(LIST_COLUMNS)
    .where(activeAt)
    .orderBy("dseq", "desc")
    // Both engines need a LIMIT before OFFSET; "all" is spelled as the largest safe integer.
    .limit(limit ?? Number.MAX_SAFE_INTEGER)
    .offset(skip);
  const [rows, count] = await Promise.all([
    query.execute(),
    db
      .selectFrom("deployments")
      .select((eb) => eb.fn.countAll<number | string>().as("total"))
      .where(activeAt)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

/** Every active deployment of a user (balances need their escrow). */
export async function listActiveDeployments(
  db: Kysely<Database>,
  userId: string,
): Promise<DeploymentListRow[]> {
  return db
    .selectFrom("deployments")
    .select(LIST_COLUMNS)
    .where("user_id", "=", userId)
    .where("state", "=", "active")
    .execute();
}

export async function updateDeployment(
  db: Kysely<Database>,
  userId: string,
  dseq: number,
  changes: Partial<Omit<DeploymentRow, "user_id" | "dseq">>,
): Promise<void> {
  await db
    .updateTable("deployments")
    .set(changes)
    .where("user_id", "=", userId)
    .where("dseq", "=", dseq)
    .execute();
}

export async function insertEscrowDeposit(db: Kysely<Database>, row: EscrowDepositRow): Promise<void> {
  await db.insertInto("escrow_deposits").values(row).execute();
}

export async function listEscrowDeposits(
  db: Kysely<Database>,
  userId: string,
  dseqs: readonly number[],
): Promise<EscrowDepositRow[]> {
  if (dseqs.length === 0) return [];
  return db
    .selectFrom("escrow_deposits")
    .selectAll()
    .where("user_id", "=", userId)
    .where("dseq", "in", dseqs)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

export async function insertManifestVersion(db: Kysely<Database>, row: ManifestVersionRow): Promise<void> {
  await db.insertInto("manifest_versions").values(row).execute();
}

export async function listManifestVersions(
  db: Kysely<Database>,
  userId: string,
  dseq: number,
): Promise<ManifestVersionRow[]> {
  return db
    .selectFrom("manifest_versions")
    .selectAll()
    .where("user_id", "=", userId)
    .where("dseq", "=", dseq)
    .orderBy("generation")
    .execute();
}
