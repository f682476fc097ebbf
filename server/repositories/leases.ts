import type { Kysely } from "kysely";
import { PreparedQuery } from "../db/prepared-query";
import type { Database, LeasesTable } from "../db/schema";

/** Above this many ids, rows are selected by user and filtered in memory instead of `IN (...)`. */
export const MAX_IN_LIST = 500;
export type LeaseRow = LeasesTable;

export async function insertLease(db: Kysely<Database>, row: LeaseRow): Promise<void> {
  await db.insertInto("leases").values(row).execute();
}

export async function listLeases(
  db: Kysely<Database>,
  userId: string,
  dseqs: readonly number[],
): Promise<LeaseRow[]> {
  if (dseqs.length === 0) return [];
  if (dseqs.length === 1) return leasesOfOneQuery.execute(db, { userId, dseq: dseqs[0] as number });
  // A very long IN list (an unpaginated listing) costs more than reading the user's rows.
  const wanted = dseqs.length > MAX_IN_LIST ? new Set(dseqs) : undefined;
  const rows = await db
    .selectFrom("leases")
    .selectAll()
    .where("user_id", "=", userId)
    .$if(wanted === undefined, (q) => q.where("dseq", "in", dseqs))
    .orderBy("dseq")
    .orderBy("gseq")
    .orderBy("oseq")
    .orderBy("created_at")
    .execute();
  return wanted ? rows.filter((row) => wanted.has(row.dseq)) : rows;
}

const leasesOfOneQuery = new PreparedQuery((db: Kysely<Database>, p: { userId: string; dseq: number }) =>
  db
    .selectFrom("leases")
    .selectAll()
    .where("user_id", "=", p.userId)
    .where("dseq", "=", p.dseq)
    .orderBy("gseq")
    .orderBy("oseq")
    .orderBy("created_at"),
);

/** Closes the deployment's active leases at `height` with a state (closed / insufficient_funds) and reason. */
export async function closeLeases(
  db: Kysely<Database>,
  userId: string,
  dseq: number,
  state: string,
  height: number,
  reason: string,
): Promise<void> {
  await db
    .updateTable("leases")
    .set({ state, closed_height: height, reason })
    .where("user_id", "=", userId)
    .where("dseq", "=", dseq)
    .where("state", "=", "active")
    .execute();
}

/** Every active lease with its deployment's groups: what providers have committed (capacity). */
export async function listActiveLeaseGroups(
  db: Kysely<Database>,
): Promise<{ provider: string; gseq: number; groups_json: string }[]> {
  return db
    .selectFrom("leases")
    .innerJoin("deployments", (join) =>
      join.onRef("deployments.user_id", "=", "leases.user_id").onRef("deployments.dseq", "=", "leases.dseq"),
    )
    .select(["leases.provider", "leases.gseq", "deployments.groups_json"])
    .where("leases.state", "=", "active")
    .execute();
}
