import { DatabaseSync, type StatementSync, type SQLInputValue } from "node:sqlite";
import type { SqliteDatabase, SqliteStatement } from "kysely";

/** Prepared statements are reused: parsing SQL dominates the cost of small queries. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Adapts Node's built-in `DatabaseSync` to the better-sqlite3-shaped interface Kysely's
 * SqliteDialect drives, so the embedded store needs no native add-on.
 */
export class NodeSqliteDatabase implements SqliteDatabase {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, SqliteStatement>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  prepare(sql: string): SqliteStatement {
    const cached = this.#statements.get(sql);
    if (cached) return cached;
    const statement = wrap(this.#db.prepare(toImmediateBegin(sql)));
    if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
      const oldest = this.#statements.keys().next().value;
      if (oldest !== undefined) this.#statements.delete(oldest);
    }
    this.#statements.set(sql, statement);
    return statement;
  }

  close(): void {
    this.#statements.clear();
    if (this.#db.isOpen) this.#db.close();
  }
}

/**
 * Kysely opens transactions with a plain `begin` (deferred). Another process on the same file (the
 * CLI's `users credit` beside a running server) could then make the read->write upgrade fail with
 * SQLITE_BUSY without waiting; `begin immediate` takes the write lock up front and honours busy_timeout.
 */
function toImmediateBegin(sql: string): string {
  return sql.trim().toLowerCase() === "begin" ? "begin immediate" : sql;
}

function wrap(statement: StatementSync): SqliteStatement {
  const reader = statement.columns().length > 0;
  return {
    reader,
    all: (parameters) => statement.all(...toSqlite(parameters)),
    run: (parameters) => statement.run(...toSqlite(parameters)),
    iterate: (parameters) => statement.iterate(...toSqlite(parameters)),
  };
}

/** node:sqlite rejects booleans and undefined; SQLite itself stores booleans as 0/1. */
function toSqlite(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map((value) => {
    if (typeof value === "boolean") return value ? 1 : 0;
    if (value === undefined) return null;
    return value as SQLInputValue;
  });
}
