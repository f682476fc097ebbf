import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { describe, test } from "node:test";
import { Kysely, SqliteDialect, sql } from "kysely";
import { NodeSqliteDatabase } from "./node-sqlite-database";

interface TestDb {
  items: { id: number; name: string; flag: number | null };
}

function open(): { db: Kysely<TestDb>; raw: DatabaseSync } {
  const raw = new DatabaseSync(":memory:");
  raw.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, flag INTEGER)");
  return {
    db: new Kysely<TestDb>({ dialect: new SqliteDialect({ database: new NodeSqliteDatabase(raw) }) }),
    raw,
  };
}

describe("NodeSqliteDatabase (node:sqlite behind Kysely's SqliteDialect)", () => {
  test("selects, inserts with returning, updates and deletes report rows", async () => {
    const { db } = open();
    const inserted = await db
      .insertInto("items")
      .values({ id: 1, name: "a", flag: null })
      .returning(["id", "name"])
      .execute();
    assert.deepEqual(
      inserted.map((r) => ({ ...r })),
      [{ id: 1, name: "a" }],
    );
    const insert = await db.insertInto("items").values({ id: 2, name: "b", flag: 1 }).executeTakeFirst();
    assert.equal(insert.insertId, 2n);
    const update = await db.updateTable("items").set({ name: "z" }).where("id", ">", 0).executeTakeFirst();
    assert.equal(update.numUpdatedRows, 2n);
    const rows = await db.selectFrom("items").selectAll().orderBy("id").execute();
    assert.deepEqual(
      rows.map((r) => r.name),
      ["z", "z"],
    );
    const removed = await db.deleteFrom("items").where("id", "=", 1).executeTakeFirst();
    assert.equal(removed.numDeletedRows, 1n);
    await db.destroy();
  });

  test("booleans and undefined are bound as SQLite stores them (1/0, NULL)", async () => {
    const { db } = open();
    await sql`INSERT INTO items (id, name, flag) VALUES (${1}, ${"t"}, ${true}), (${2}, ${"f"}, ${false}), (${3}, ${"u"}, ${undefined})`.execute(
      db,
    );
    const flags = await db.selectFrom("items").select(["id", "flag"]).orderBy("id").execute();
    assert.deepEqual(
      flags.map((r) => r.flag),
      [1, 0, null],
    );
    await db.destroy();
  });

  test("transactions commit and roll back; a failed transaction leaves nothing behind", async () => {
    const { db } = open();
    await db.transaction().execute(async (trx) => {
      await trx.insertInto("items").values({ id: 1, name: "kept", flag: null }).execute();
    });
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await trx.insertInto("items").values({ id: 2, name: "dropped", flag: null }).execute();
        throw new Error("abort");
      }),
      /abort/,
    );
    assert.deepEqual(
      (await db.selectFrom("items").select("name").execute()).map((r) => r.name),
      ["kept"],
    );
    await db.destroy();
  });

  test("concurrent transactions are serialised (the dialect's mutex), so read-modify-write is safe", async () => {
    const { db } = open();
    await db.insertInto("items").values({ id: 1, name: "0", flag: null }).execute();
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction().execute(async (trx) => {
          const row = await trx
            .selectFrom("items")
            .select("name")
            .where("id", "=", 1)
            .executeTakeFirstOrThrow();
          await new Promise((resolve) => setImmediate(resolve));
          await trx
            .updateTable("items")
            .set({ name: String(Number(row.name) + 1) })
            .where("id", "=", 1)
            .execute();
        }),
      ),
    );
    assert.equal((await db.selectFrom("items").select("name").executeTakeFirstOrThrow()).name, "20");
    await db.destroy();
  });

  test("the content version moves with every write, commit and rollback, and never with a read", async () => {
    const raw = new DatabaseSync(":memory:");
    raw.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, flag INTEGER)");
    const adapter = new NodeSqliteDatabase(raw);
    const db = new Kysely<TestDb>({ dialect: new SqliteDialect({ database: adapter }) });
    const moved = async (work: () => Promise<unknown>) => {
      const before = adapter.contentVersion();
      await work().catch(() => undefined);
      return adapter.contentVersion() !== before;
    };
    assert.equal(
      await moved(() => db.insertInto("items").values({ id: 1, name: "a", flag: null }).execute()),
      true,
    );
    assert.equal(await moved(() => db.selectFrom("items").selectAll().execute()), false);
    assert.equal(await moved(() => db.updateTable("items").set({ name: "b" }).execute()), true);
    assert.equal(
      await moved(() =>
        db.insertInto("items").values({ id: 2, name: "c", flag: null }).returning("id").execute(),
      ),
      true,
    );
    assert.equal(await moved(() => db.deleteFrom("items").where("id", "=", 2).execute()), true);
    // A rolled-back transaction moves it too: reads made inside it must not be trusted afterwards.
    assert.equal(
      await moved(() =>
        db.transaction().execute(async () => {
          throw new Error("abort");
        }),
      ),
      true,
    );
    await db.destroy();
  });

  test("statements are prepared once and reused; SQL errors surface as errors; close is idempotent", async () => {
    const raw = new DatabaseSync(":memory:");
    const adapter = new NodeSqliteDatabase(raw);
    assert.equal(adapter.prepare("SELECT 1 AS one"), adapter.prepare("SELECT 1 AS one"));
    assert.equal(adapter.prepare("SELECT 1 AS one").reader, true);
    assert.equal(adapter.prepare("CREATE TABLE t (a)").reader, false);
    assert.throws(() => adapter.prepare("SELECT * FROM missing"), /no such table/);
    adapter.close();
    adapter.close();
    assert.equal(raw.isOpen, false);
  });
});
