import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql, type Kysely } from "kysely";
import { describeEachStore } from "../test-support/stores";
import { openStore, type Store } from "./connect";
import { inOneTransaction } from "./joinable-transactions";

describeEachStore("joinable transactions", (store) => {
  let opened: Store;
  let db: Kysely<unknown>;
  const values = async () =>
    (await sql<{ v: number }>`select v from scratch order by v`.execute(db)).rows.map((r) => Number(r.v));
  const insert = (v: number, into: Kysely<unknown> = db) =>
    sql`insert into scratch (v) values (${v})`.execute(into);

  before(async () => {
    opened = await openStore(await store.freshStore());
    db = opened.db as Kysely<unknown>;
    await sql`create table scratch (v integer not null)`.execute(db);
  });
  after(() => opened.close());

  test("every query and transaction in the scope joins it: a failure undoes them all", async () => {
    await sql`delete from scratch`.execute(db);
    await assert.rejects(
      inOneTransaction(db, async (trx) => {
        await insert(1, trx);
        await insert(2);
        await db.transaction().execute((inner) => insert(3, inner));
        assert.deepEqual(await values(), [1, 2, 3], "the scope sees its own writes");
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.deepEqual(await values(), []);
  });

  test("a joined transaction that fails rolls back to its savepoint only", async () => {
    await sql`delete from scratch`.execute(db);
    await inOneTransaction(db, async () => {
      await insert(1);
      await assert.rejects(
        db.transaction().execute(async (inner) => {
          await insert(2, inner);
          throw new Error("inner");
        }),
        /inner/,
      );
      await db.transaction().execute((inner) => insert(3, inner));
    });
    assert.deepEqual(await values(), [1, 3]);
  });

  test("concurrent queries of a scope take turns on its connection", async () => {
    await sql`delete from scratch`.execute(db);
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      await inOneTransaction(db, () => Promise.all(Array.from({ length: 20 }, (_, i) => insert(i))));
      // A query outside waits for the scope's connection (SQLite) or sees its commit (PostgreSQL).
      assert.equal((await values()).length, 20);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    assert.deepEqual(
      warnings.map((w) => w.message),
      [],
      "pg warns when a client is given a query while it runs one",
    );
  });

  test("a query beside one that failed, in a Promise.all, never commits outside the rolled-back scope", async () => {
    await sql`delete from scratch`.execute(db);
    const slow = () =>
      sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 100000) select count(*) from n`.execute(
        db,
      );
    let beside: Promise<unknown> | undefined;
    await assert.rejects(
      inOneTransaction(db, async () => {
        beside = (async () => {
          await slow();
          await insert(5);
        })();
        await Promise.all([beside, Promise.reject(new Error("fails"))]);
      }),
      /fails/,
    );
    // It either joined the scope before its rollback or was refused after it: never on its own.
    await beside?.catch((error: unknown) => assert.match(String(error), /already ended/));
    assert.deepEqual(await values(), [], "the insert beside the failure did not commit");
    // The connection went back to the pool once, after the slow query: the store still works.
    await inOneTransaction(db, () => insert(2));
    assert.deepEqual(await values(), [2]);
  });
});
