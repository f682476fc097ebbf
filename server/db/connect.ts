import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { migrateToLatest } from "./migrations";
import { NodeSqliteDatabase } from "./node-sqlite-database";
import type { Database } from "./schema";

export type StoreKind = "sqlite" | "sqlite-memory" | "postgres";

export interface StoreOptions {
  /** Directory of the SQLite file; omitted (and no databaseUrl) means an in-memory database. */
  dataDir?: string;
  /** PostgreSQL connection string; takes precedence over dataDir. */
  databaseUrl?: string;
}

export interface Store {
  db: Kysely<Database>;
  kind: StoreKind;
  /** Where the data lives, for the startup log (never contains a password). */
  location: string;
  close(): Promise<void>;
}

export const SQLITE_FILE_NAME = "akash-ref-api.sqlite";

const PG_INT8_OID = 20;

/** Opens the store the options name and migrates it to the latest schema. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.databaseUrl ? openPostgres(options.databaseUrl) : openSqlite(options.dataDir);
  try {
    await migrateToLatest(store.db as Kysely<unknown>);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

function openSqlite(dataDir: string | undefined): Store {
  let path = ":memory:";
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    path = join(dataDir, SQLITE_FILE_NAME);
  }
  const sqlite = new DatabaseSync(path);
  // WAL lets the CLI read and write beside a running server; synchronous=FULL makes every
  // acknowledged commit durable even if the process or machine dies right after.
  sqlite.exec(
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
  );
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: new NodeSqliteDatabase(sqlite) }),
  });
  return {
    db,
    kind: dataDir ? "sqlite" : "sqlite-memory",
    location: dataDir ? path : "in-memory",
    close: () => db.destroy(),
  };
}

function openPostgres(databaseUrl: string): Store {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    // BIGINT columns hold epoch milliseconds and micro-units, all far below 2^53.
    types: {
      getTypeParser: (oid: number, format?: string) =>
        oid === PG_INT8_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format as "text"),
    },
  });
  // An idle client losing its connection must not crash the server; the next query reconnects.
  pool.on("error", () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: "postgres", location: redactUrl(databaseUrl), close: () => db.destroy() };
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
