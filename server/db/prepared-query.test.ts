import assert from "node:assert/strict";
import { test } from "node:test";
import type { Kysely } from "kysely";
import { describeEachStore } from "../test-support/stores";
import { openStore } from "./connect";
import { PreparedQuery } from "./prepared-query";
import type { Database } from "./schema";

const usersByCredit = new PreparedQuery((db: Kysely<Database>, p: { minCredit: number; domain: string }) =>
  db
    .selectFrom("users")
    .select(["id", "credit_micro"])
    .where("credit_micro", ">=", p.minCredit)
    .where("email", "like", p.domain)
    // A constant of the query itself, not a parameter: it must stay fixed across executions.
    .where("active_deployments", "=", 0)
    .orderBy("id"),
);

describeEachStore("prepared query", (store) => {
  test("binds each execution's parameters to the once-compiled SQL, constants kept", async () => {
    const { db, close } = await openStore(await store.freshStore());
    try {
      const user = (id: string, email: string, credit: number, active = 0) => ({
        id,
        email,
        address: `akash1${id}`,
        credit_micro: credit,
        active_deployments: active,
        created_at: 1,
      });
      await db
        .insertInto("users")
        .values([
          user("a", "a@x.test", 10),
          user("b", "b@x.test", 50),
          user("c", "c@y.test", 90),
          user("d", "d@x.test", 99, 1),
        ])
        .execute();

      const ids = async (minCredit: number, domain: string) =>
        (await usersByCredit.execute(db, { minCredit, domain })).map((r) => r.id);
      assert.deepEqual(await ids(0, "%@x.test"), ["a", "b"]);
      assert.deepEqual(await ids(20, "%@x.test"), ["b"]);
      assert.deepEqual(await ids(20, "%.test"), ["b", "c"]);
      assert.deepEqual(await usersByCredit.executeTakeFirst(db, { minCredit: 1000, domain: "%" }), undefined);
      // Inside a transaction (another database handle) the query is compiled for that handle.
      await db.transaction().execute(async (trx) => {
        assert.deepEqual(
          (await usersByCredit.executeTakeFirst(trx, { minCredit: 60, domain: "%" }))?.id,
          "c",
        );
      });
    } finally {
      await close();
    }
  });
});
