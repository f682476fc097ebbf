import { sql, type Kysely } from "kysely";
import { PreparedQuery } from "../db/prepared-query";
import type { Database, DeploymentsTable, EscrowDepositsTable, ManifestVersionsTable } from "../db/schema";
import { MAX_IN_LIST } from "./leases";

export type DeploymentRow = DeploymentsTable;
export type EscrowDepositRow = EscrowDepositsTable;
export type ManifestVersionRow = ManifestVersionsTable;

/** Columns a listing needs: no SDL or manifest text (list items show no provider status). */
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
  "name",
  "runtime_limit_hours",
  "runtime_ends_at",
  "groups_json",
] as const;

export type DeploymentListRow = Pick<DeploymentRow, (typeof LIST_COLUMNS)[number]>;

/** What reading one deployment needs: the list columns plus its stored SDL (consoleSettings). */
const SUMMARY_COLUMNS = [...LIST_COLUMNS, "sdl"] as const;

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

export interface DeploymentFilter {
  state: "active" | "closed";
  /** Case-insensitive substring of the name or the dseq. */
  search?: string | undefined;
}

/**
 * A page of the user's deployments in a state, oldest first (newest with `reverse`), optionally
 * those whose name or dseq contains `search`: an index range scan on (user_id, state, dseq) when
 * there is no search, so its cost follows the page (and the offset), not the user's history.
 */
export async function listDeploymentPage(
  db: Kysely<Database>,
  userId: string,
  filter: DeploymentFilter,
  page: { skip: number; limit: number; reverse: boolean },
): Promise<DeploymentListRow[]> {
  if (!filter.search) {
    const query = page.reverse ? newestFirstQuery : oldestFirstQuery;
    return query.execute(db, { userId, state: filter.state, skip: page.skip, limit: page.limit });
  }
  return searchQuery(db, userId, filter)
    .select(LIST_COLUMNS)
    .orderBy("dseq", page.reverse ? "desc" : "asc")
    .limit(page.limit)
    .offset(page.skip)
    .execute();
}

/** How many of the user's deployments match (the active count is kept on the user; see users.ts). */
export async function countDeployments(
  db: Kysely<Database>,
  userId: string,
  filter: DeploymentFilter,
): Promise<number> {
  const row = await searchQuery(db, userId, filter)
    .select((eb) => eb.fn.countAll<number | string>().as("count"))
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

function searchQuery(db: Kysely<Database>, userId: string, filter: DeploymentFilter) {
  let query = db.selectFrom("deployments").where("user_id", "=", userId).where("state", "=", filter.state);
  if (filter.search) {
    const pattern = `%${filter.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        sql<boolean>`lower(coalesce(${eb.ref("name")}, '')) like ${pattern} escape '\\'`,
        sql<boolean>`cast(${eb.ref("dseq")} as varchar(20)) like ${pattern} escape '\\'`,
      ]),
    );
  }
  return query;
}

const pageQuery = (order: "asc" | "desc") =>
  new PreparedQuery(
    (db: Kysely<Database>, p: { userId: string; state: string; skip: number; limit: number }) =>
      db
        .selectFrom("deployments")
        .select(LIST_COLUMNS)
        .where("user_id", "=", p.userId)
        .where("state", "=", p.state)
        .orderBy("dseq", order)
        .limit(p.limit)
        .offset(p.skip),
  );
const oldestFirstQuery = pageQuery("asc");
const newestFirstQuery = pageQuery("desc");

/** The names of the user's deployments among `dseqs` (any state). */
export async function listDeploymentNames(
  db: Kysely<Database>,
  userId: string,
  dseqs: readonly number[],
): Promise<{ dseq: number; name: string | null }[]> {
  if (dseqs.length === 0) return [];
  return db
    .selectFrom("deployments")
    .select(["dseq", "name"])
    .where("user_id", "=", userId)
    .where("dseq", "in", dseqs)
    .execute();
}

/**
 * Active deployments whose next settlement height (escrow dry, a top-up due, the runtime limit
 * over) is at or before `height` but that have not been settled since (usually none).
 */
export async function listDueDeployments(
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
