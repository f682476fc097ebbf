import assert from "node:assert/strict";
import { createServer, type AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { startPostgresTestCluster, type PostgresTestCluster } from "./postgres-test-cluster";
import { isStoreUnavailable } from "./store-unavailable";

/** What `work` rejected with. */
async function rejection(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  return assert.fail("it did not fail");
}

describe("which database errors mean the store is unavailable (a 503) rather than a bug (a 500)", () => {
  let cluster: PostgresTestCluster;
  let url: string;
  before(async () => {
    cluster = await startPostgresTestCluster();
    url = await cluster.createDatabase();
  });
  after(() => cluster.stop());

  test("a refused connection, a terminated backend and the pool's connect timeout are; bad SQL and broken constraints are not", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await rejection(() =>
      new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/x` }).connect(),
    );
    assert.equal(isStoreUnavailable(refused), true, String(refused));

    const victim = new pg.Client({ connectionString: url });
    victim.on("error", () => undefined);
    await victim.connect();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const pid = (await victim.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]?.pid;
      const running = rejection(() => victim.query("select pg_sleep(5)"));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await admin.query("select pg_terminate_backend($1)", [pid]);
      const terminated = await running;
      assert.equal(isStoreUnavailable(terminated), true, String(terminated));
      const afterwards = await rejection(() => victim.query("select 1"));
      assert.equal(isStoreUnavailable(afterwards), true, String(afterwards));

      for (const sql of ["select * from nowhere", "selec 1", "select 1/0"]) {
        const error = await rejection(() => admin.query(sql));
        assert.equal(isStoreUnavailable(error), false, `${sql}: ${String(error)}`);
      }
      const nul = await rejection(() => admin.query("select $1::text", ["a\u0000b"]));
      assert.equal(isStoreUnavailable(nul), false, String(nul));
    } finally {
      await admin.end();
      await victim.end().catch(() => undefined);
    }

    const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 200 });
    const held = await pool.connect();
    try {
      const waited = await rejection(() => pool.connect());
      assert.equal(isStoreUnavailable(waited), true, String(waited));
    } finally {
      held.release();
      await pool.end();
    }

    // An HTTP request's own stream ending early ("aborted", ECONNRESET without a system call).
    const aborted = Object.assign(new Error("aborted"), { code: "ECONNRESET" });
    assert.equal(isStoreUnavailable(aborted), false);
  });
});
