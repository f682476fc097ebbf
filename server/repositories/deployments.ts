import type { Kysely } from "kysely";
import { PreparedQuery } from "../db/prepared-query";
import type { Database, DeploymentsTable, EscrowDepositsTable, ManifestVersionsTable } from "../db/schema";
import { MAX_IN_LIST } from "./leases";

export type DeploymentRow = DeploymentsTable;
export type EscrowDepositRow = EscrowDepositsTable;
export type ManifestVersionRow = ManifestVersionsTable;

/** Columns a listing needs: no SDL, manifest or groups text (list items show no provider status). */
const LIST_COLUMNS = [
  "user_id",
  "dseq",
  "state",
  "hash",
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

/** What reading one deployment needs: the list columns plus its groups (for the lease status). */
const SUMMARY_COLUMNS = [...LIST_COLUMNS, "groups_json"] as const;

export type DeploymentSummaryRow = Pick<DeploymentRow, (typeof SUMMARY_COLUMNS)[number]>;

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
 * A page of the user's active deployments, newest first: an index range scan on
 * (user_id, state, dseq), so its cost follows the page (and the offset), not the user's history.
 */
export async function listActivePage(
  db: Kysely<Database>,
  userId: string,
  skip: number,
  limit: number | undefined,
): Promise<DeploymentListRow[]> {
  // Both engines need a LIMIT before OFFSET; "all" is spelled as the largest safe integer.
  return activePageQuery.execute(db, { userId, skip, limit: limit ?? Number.MAX_SAFE_INTEGER });
}

const activePageQuery = new PreparedQuery(
  (db: Kysely<Database>, p: { userId: string; skip: number; limit: number }) =>
    db
      .selectFrom("deployments")
      .select(LIST_COLUMNS)
      .where("user_id", "=", p.userId)
      .where("state", "=", "active")
      .orderBy("dseq", "desc")
      .limit(p.limit)
      .offset(p.skip),
);

/**
 * The next `limit` active deployments of the user below `beforeDseq`, newest first: how a large
 * listing continues after its first batch (a range scan from where the last batch ended, instead
 * of an ever larger OFFSET).
 */
export async function listActiveBefore(
  db: Kysely<Database>,
  userId: string,
  beforeDseq: number,
  limit: number,
): Promise<DeploymentListRow[]> {
  return activeBeforeQuery.execute(db, { userId, beforeDseq, limit });
}

const activeBeforeQuery = new PreparedQuery(
  (db: Kysely<Database>, p: { userId: string; beforeDseq: number; limit: number }) =>
    db
      .selectFrom("deployments")
      .select(LIST_COLUMNS)
      .where("user_id", "=", p.userId)
      .where("state", "=", "active")
      .where("dseq", "<", p.beforeDseq)
      .orderBy("dseq", "desc")
      .limit(p.limit),
);

/** Active deployments whose escrow ran dry at or before `height` but are not closed yet (usually none). */
export async function listDryDeployments(
  db: Kysely<Database>,
  userId: string,
  height: number,
): Promise<number[]> {
  return (await dryDeploymentsQuery.execute(db, { userId, height })).map((r) => r.dseq);
}

const dryDeploymentsQuery = new PreparedQuery((db: Kysely<Database>, p: { userId: string; height: number }) =>
  db
    .selectFrom("deployments")
    .select("dseq")
    .where("user_id", "=", p.userId)
    .where("state", "=", "active")
    .where("escrow_dry_height", "<=", p.height),
);

/** One deployment without its SDL and manifest text: what reads need, at a fraction of the bytes. */
export async function findDeploymentSummary(
  db: Kysely<Database>,
  userId: string,
  dseq: number,
): Promise<DeploymentSummaryRow | undefined> {
  return deploymentSummaryQuery.executeTakeFirst(db, { userId, dseq });
}

const deploymentSummaryQuery = new PreparedQuery(
  (db: Kysely<Database>, p: { userId: string; dseq: number }) =>
    db
      .selectFrom("deployments")
      .select(SUMMARY_COLUMNS)
      .where("user_id", "=", p.userId)
      .where("dseq", "=", p.dseq),
);

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
  if (dseqs.length === 1) return depositsOfOneQuery.execute(db, { userId, dseq: dseqs[0] as number });
  // A very long IN list (an unpaginated listing) costs more than reading the user's rows.
  const wanted = dseqs.length > MAX_IN_LIST ? new Set(dseqs) : undefined;
  const rows = await db
    .selectFrom("escrow_deposits")
    .selectAll()
    .where("user_id", "=", userId)
    .$if(wanted === undefined, (q) => q.where("dseq", "in", dseqs))
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return wanted ? rows.filter((row) => wanted.has(row.dseq)) : rows;
}

const depositsOfOneQuery = new PreparedQuery((db: Kysely<Database>, p: { userId: string; dseq: number }) =>
  db
    .selectFrom("escrow_deposits")
    .selectAll()
    .where("user_id", "=", p.userId)
    .where("dseq", "=", p.dseq)
    .orderBy("created_at")
    .orderBy("id"),
);

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
