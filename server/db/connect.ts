import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import { lockDataDir, type DataDirLock } from "./data-dir-lock";
import { joinableTransactions } from "./joinable-transactions";
import { migrateToLatest } from "./migrations";
import { NodeSqliteDatabase } from "./node-sqlite-database";
import { PostgresContentVersion } from "./postgres-content-version";
import type { Database } from "./schema";

/**
 * A number that changes whenever the store's content may have changed, for in-process read caches:
 * read it before a read, and what the read returned is valid while the number stays the same. A
 * promise when the database must be asked (PostgreSQL); undefined: it could not be, cache nothing.
 */
export type ContentVersion = () => number | Promise<number | undefined>;

export type StoreKind = "sqlite" | "sqlite-memory" | "postgres";

export interface StoreOptions {
  /** Directory of the SQLite file; omitted (and no databaseUrl) means an in-memory database. */
  dataDir?: string;
  /** PostgreSQL connection string; takes precedence over dataDir. */
  databaseUrl?: string;
  /**
   * The server's own store: a SQLite data dir is claimed for this process (a second server on it
   * fails to start), which is what lets the store offer a content version for read caches; on
   * PostgreSQL the version is asked of the database (see postgres-content-version.ts).
   */
  serve?: boolean;
}

export interface Store {
  /** Its transactions can be joined into one with `inOneTransaction` (see joinable-transactions.ts). */
  db: Kysely<Database>;
  kind: StoreKind;
  /** Where the data lives, for the startup log (never contains a password). */
  location: string;
  /** Only for a served store (see `serve`); without it nothing is cached. */
  contentVersion?: ContentVersion;
  close(): Promise<void>;
}

export const SQLITE_FILE_NAME = "akash-ref-api.sqlite";

const PG_INT8_OID = 20;
const CONNECT_TIMEOUT_MS = 10_000;

/** Opens the store the options name and migrates it to the latest schema. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.serve ?? false)
    : openSqlite(options.dataDir, options.serve ?? false);
  try {
    await migrateToLatest(store.db as Kysely<unknown>);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

function openSqlite(dataDir: string | undefined, serve: boolean): Store {
  let path = ":memory:";
  let lock: DataDirLock | undefined;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    path = join(dataDir, SQLITE_FILE_NAME);
    if (serve) lock = lockDataDir(dataDir);
  }
  const sqlite = new DatabaseSync(path);
  // WAL lets the CLI read and write beside a running server; synchronous=FULL makes every
  // acknowledged commit durable even if the process or machine dies right after.
  sqlite.exec(
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
  );
  const database = new NodeSqliteDatabase(sqlite);
  const db = new Kysely<Database>({ dialect: joinableTransactions(new SqliteDialect({ database })) });
  return {
    db,
    kind: dataDir ? "sqlite" : "sqlite-memory",
    location: dataDir ? path : "in-memory",
    // Without the claim another server could change what this one caches unseen.
    ...(serve ? { contentVersion: () => database.contentVersion() } : {}),
    close: async () => {
      try {
        await db.destroy();
      } finally {
        lock?.release();
      }
    },
  };
}

async function openPostgres(databaseUrl: string, serve: boolean): Promise<Store> {
  // Loaded only for PostgreSQL: an embedded (SQLite) server does not carry the driver in memory.
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    // A database that does not answer (a failover to a host that drops packets) fails a request
    // with a 503 after this long rather than holding it until the OS gives up on the connection.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // BIGINT columns hold epoch milliseconds and micro-units, all far below 2^53.
    types: {
      getTypeParser: (oid: number, format?: string) =>
        oid === PG_INT8_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format as "text"),
    },
  });
  // A client losing its connection (a restart, a failover) must not crash the server, idle in the
  // pool or checked out: pg emits 'error' on a checked-out client that has no listener of the
  // pool's then, for a connection lost between two queries of a transaction. The query that was
  // running, or the next one, fails with the error (answered 503, see store-unavailable.ts), the
  // pool drops the client on release, and the next request connects again.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  const db = new Kysely<Database>({ dialect: joinableTransactions(new PostgresDialect({ pool })) });
  let version: PostgresContentVersion | undefined;
  if (serve) {
    version = new PostgresContentVersion(
      () => new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS }),
    );
  }
  return {
    db,
    kind: "postgres",
    location: redactUrl(databaseUrl),
    ...(version ? { contentVersion: () => version.current() } : {}),
    close: async () => {
      try {
        await db.destroy();
      } finally {
        await version?.close();
      }
    },
  };
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres (unparseable URL)";
  }
}
