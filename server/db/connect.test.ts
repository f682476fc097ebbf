import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { sql } from "kysely";
import { describeEachStore } from "../test-support/stores";
import { SQLITE_FILE_NAME, openStore, redactUrl } from "./connect";

describeEachStore("store", (store) => {
  test("opens, migrates every table, and migrating again is a no-op", async () => {
    const options = await store.freshStore();
    const first = await openStore(options);
    await first.db
      .insertInto("users")
      .values({
        id: "u1",
        email: "a@b.c",
        address: "akash1x",
        credit_micro: 5,
        active_deployments: 0,
        created_at: 1,
      })
      .execute();
    await first.close();
    const second = await openStore(options);
    const users = await second.db.selectFrom("users").select(["id", "credit_micro"]).execute();
    assert.deepEqual(
      users.map((u) => ({ ...u })),
      [{ id: "u1", credit_micro: 5 }],
    );
    for (const table of [
      "api_keys",
      "certificates",
      "deployments",
      "manifest_versions",
      "escrow_deposits",
      "bids",
      "leases",
      "idempotency_keys",
      "deployment_settings",
    ] as const) {
      assert.deepEqual(await second.db.selectFrom(table).selectAll().execute(), [], table);
    }
    assert.equal(second.kind, store.name);
    if (store.name === "sqlite") {
      assert.ok(options.dataDir && existsSync(join(options.dataDir, SQLITE_FILE_NAME)));
      const mode = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(second.db);
      assert.equal(mode.rows[0]?.journal_mode, "wal");
    }
    await second.close();
  });

  test("big integers (epoch ms, micro-units) round-trip as numbers", async () => {
    const db = (await openStore(await store.freshStore())).db;
    await db
      .insertInto("users")
      .values({
        id: "u",
        email: "n@b.c",
        address: "akash1y",
        credit_micro: 9_007_199_254_740_991,
        active_deployments: 0,
        created_at: Date.UTC(2026, 0, 1),
      })
      .execute();
    const row = await db.selectFrom("users").select(["credit_micro", "created_at"]).executeTakeFirstOrThrow();
    assert.equal(row.credit_micro, 9_007_199_254_740_991);
    assert.equal(row.created_at, Date.UTC(2026, 0, 1));
    await db.destroy();
  });
});

test("an in-memory store needs no directory", async () => {
  const memory = await openStore({});
  assert.equal(memory.kind, "sqlite-memory");
  assert.equal(memory.location, "in-memory");
  await memory.close();
});

test("database URLs are logged without their password", () => {
  assert.equal(
    redactUrl("postgres://app:s3cret@db.internal:5432/akash"),
    "postgres://app:***@db.internal:5432/akash",
  );
  assert.equal(redactUrl("not a url"), "postgres (unparseable URL)");
});
