import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import { startPostgresTestCluster, type PostgresTestCluster } from "../db/postgres-test-cluster";
import { startServer, type RunningServer, type ServerOptions } from "../index";

export type StoreName = "sqlite" | "postgres";

/** The secrets key of the tests' PostgreSQL stores (kept outside the database, as it must be). */
export const TEST_SECRETS_KEY = "test-secrets-key-kept-outside-the-database";

export interface StoreUnderTest {
  name: StoreName;
  /**
   * Store options for a fresh, empty store (a new temp dir or a new database, with the secrets
   * key a PostgreSQL store needs).
   */
  freshStore(): Promise<Pick<ServerOptions, "dataDir" | "databaseUrl" | "secretsKey">>;
  /** A server on a fresh store; closed after the suite. */
  start(options?: ServerOptions): Promise<RunningServer>;
}

/**
 * Runs the same suite against SQLite (a file in a temp dir) and PostgreSQL (a throwaway cluster
 * started here, see postgres-test-cluster.ts), so both stores stay equivalent.
 */
export function describeEachStore(title: string, suite: (store: StoreUnderTest) => void): void {
  for (const name of ["sqlite", "postgres"] as const) {
    describe(`${title} [${name}]`, () => {
      let cluster: PostgresTestCluster | undefined;
      const dirs: string[] = [];
      const servers: RunningServer[] = [];
      if (name === "postgres") {
        before(async () => {
          cluster = await startPostgresTestCluster();
        });
      }
      after(async () => {
        await Promise.all(servers.map((s) => s.close()));
        await cluster?.stop();
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      });
      const store: StoreUnderTest = {
        name,
        async freshStore() {
          if (name === "postgres") {
            if (!cluster) throw new Error("the PostgreSQL test cluster did not start");
            return { databaseUrl: await cluster.createDatabase(), secretsKey: TEST_SECRETS_KEY };
          }
          const dir = mkdtempSync(join(tmpdir(), "akash-ref-sqlite-"));
          dirs.push(dir);
          return { dataDir: dir };
        },
        async start(options = {}) {
          const server = await startServer({ logLevel: "silent", ...(await store.freshStore()), ...options });
          servers.push(server);
          return server;
        },
      };
      suite(store);
    });
  }
}
