import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { PostgresContentVersion } from "./postgres-content-version";
import { startPostgresTestCluster, type PostgresTestCluster } from "./postgres-test-cluster";

describe("PostgreSQL content version", () => {
  let cluster: PostgresTestCluster;
  let url: string;
  let other: pg.Client;
  let version: PostgresContentVersion;

  before(async () => {
    cluster = await startPostgresTestCluster();
    url = await cluster.createDatabase();
    other = new pg.Client({ connectionString: url });
    await other.connect();
    await other.query("create table t (n integer)");
    version = new PostgresContentVersion(() => new pg.Client({ connectionString: url }));
  });
  after(async () => {
    await version?.close();
    await other?.end();
    await cluster?.stop();
  });

  test("stays the same while nothing is committed, and moves with any commit of another connection", async () => {
    const first = await version.current();
    assert.equal(typeof first, "number");
    await other.query("select * from t");
    assert.equal(await version.current(), first, "reads commit nothing");

    await other.query("insert into t values (1)");
    const written = await version.current();
    assert.notEqual(written, first);

    await other.query("begin");
    await other.query("insert into t values (2)");
    assert.equal(await version.current(), written, "an open transaction's write is not visible yet");
    await other.query("commit");
    assert.notEqual(await version.current(), written);
  });

  test("callers at the same moment share checks, and each sees commits made before it asked", async () => {
    const before = await version.current();
    const concurrent = await Promise.all(Array.from({ length: 50 }, () => version.current()));
    assert.deepEqual(new Set(concurrent), new Set([before]));

    const asked = Promise.all(Array.from({ length: 10 }, () => version.current()));
    await other.query("insert into t values (3)");
    await asked;
    assert.notEqual(await version.current(), before, "a caller after the commit sees it");
  });

  test("a lost connection is made again, and commits keep moving the version", async () => {
    await version.current();
    await other.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where query like '%pg_current_snapshot%' and pid <> pg_backend_pid()",
    );
    let recovered: number | undefined;
    for (let i = 0; i < 20 && recovered === undefined; i += 1) {
      // Until it is made again, nothing may be cached: undefined, never a version it cannot vouch for.
      recovered = await version.current();
      if (recovered === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(typeof recovered, "number", "a new connection answers");
    await other.query("insert into t values (4)");
    assert.notEqual(await version.current(), recovered);
  });
});
