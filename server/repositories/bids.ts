import type { Kysely } from "kysely";
import type { BidsTable, Database } from "../db/schema";

export type BidRow = BidsTable;

export interface OrderId {
  gseq: number;
  oseq: number;
}

export async function insertBids(db: Kysely<Database>, rows: BidRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("bids").values(rows).execute();
}

/** Bids of a deployment already placed at `now` (a provider's bid appears after its delay). */
export async function listVisibleBids(
  db: Kysely<Database>,
  userId: string,
  dseq: number,
  now: number,
): Promise<BidRow[]> {
  return db
    .selectFrom("bids")
    .selectAll()
    .where("user_id", "=", userId)
    .where("dseq", "=", dseq)
    .where("visible_at", "<=", now)
    .orderBy("gseq")
    .orderBy("oseq")
    .orderBy("visible_at")
    .orderBy("provider")
    .execute();
}

export async function findBid(
  db: Kysely<Database>,
  userId: string,
  dseq: number,
  order: OrderId,
  provider: string,
): Promise<BidRow | undefined> {
  return db
    .selectFrom("bids")
    .selectAll()
    .where("user_id", "=", userId)
    .where("dseq", "=", dseq)
    .where("gseq", "=", order.gseq)
    .where("oseq", "=", order.oseq)
    .where("provider", "=", provider)
    .executeTakeFirst();
}

/** Sets the state of all bids of an order (optionally all but one provider's). */
export async function setOrderBidsState(
  db: Kysely<Database>,
  userId: string,
  dseq: number,
  order: OrderId,
  state: string,
  options: { exceptProvider?: string; onlyState?: string } = {},
): Promise<void> {
  let query = db
    .updateTable("bids")
    .set({ state })
    .where("user_id", "=", userId)
    .where("dseq", "=", dseq)
    .where("gseq", "=", order.gseq)
    .where("oseq", "=", order.oseq);
  if (options.exceptProvider !== undefined) query = query.where("provider", "!=", options.exceptProvider);
  if (options.onlyState !== undefined) query = query.where("state", "=", options.onlyState);
  await query.execute();
}

export async function setBidState(
  db: Kysely<Database>,
  userId: string,
  dseq: number,
  order: OrderId,
  provider: string,
  state: string,
): Promise<void> {
  await db
    .updateTable("bids")
    .set({ state })
    .where("user_id", "=", userId)
    .where("dseq", "=", dseq)
    .where("gseq", "=", order.gseq)
    .where("oseq", "=", order.oseq)
    .where("provider", "=", provider)
    .execute();
}

/** Closes every bid of a deployment that is still open or active. */
export async function closeDeploymentBids(db: Kysely<Database>, userId: string, dseq: number): Promise<void> {
  await db
    .updateTable("bids")
    .set({ state: "closed" })
    .where("user_id", "=", userId)
    .where("dseq", "=", dseq)
    .where("state", "in", ["open", "active"])
    .execute();
}
