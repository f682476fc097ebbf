import { DatabaseSync, type StatementSync, type SQLInputValue } from "node:sqlite";
import type { SqliteDatabase, SqliteStatement } from "kysely";

/** Prepared statements are reused: parsing SQL dominates the cost of small queries. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Adapts Node's built-in `DatabaseSync` to the better-sqlite3-shaped interface Kysely's
 * SqliteDialect drives, so the embedded store needs no native add-on. It also keeps a content
 * version for in-process read caches (see `contentVersion`).
 */
export class NodeSqliteDatabase implements SqliteDatabase {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, SqliteStatement>();
  #version = 0;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  prepare(sql: string): SqliteStatement {
    const cached = this.#statements.get(sql);
    if (cached) return cached;
    const statement = this.#wrap(this.#db.prepare(toImmediateBegin(sql)), !isPlainSelect(sql));
    if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
      const oldest = this.#statements.keys().next().value;
      if (oldest !== undefined) this.#statements.delete(oldest);
    }
    this.#statements.set(sql, statement);
    return statement;
  }

  /**
   * A number that changes whenever this connection may have changed the content: on every
   * statement that is not a plain SELECT (writes, and BEGIN/COMMIT/ROLLBACK, so a read made inside
   * a transaction that later rolls back is not trusted). Read before a read, it is a validity token
   * for what that read returned. Other connections' commits are not seen (that would cost a read
   * transaction, with its file-lock system calls, per check): it is only offered for a data dir the
   * server has claimed (see data-dir-lock.ts).
   */
  contentVersion(): number {
    return this.#version;
  }

  close(): void {
    this.#statements.clear();
    if (this.#db.isOpen) this.#db.close();
  }

  #wrap(statement: StatementSync, changes: boolean): SqliteStatement {
    const reader = statement.columns().length > 0;
    // Statements run synchronously, so bumping the version first is enough: no read interleaves.
    const before = changes ? () => (this.#version += 1) : () => undefined;
    return {
      reader,
      all: (parameters) => {
        before();
        return statement.all(...toSqlite(parameters));
      },
      run: (parameters) => {
        before();
        return statement.run(...toSqlite(parameters));
      },
      iterate: (parameters) => {
        before();
        return statement.iterate(...toSqlite(parameters));
      },
    };
  }
}

/** Kysely compiles reads as `select ...`; anything else may change the content. */
function isPlainSelect(sql: string): boolean {
  return /^\s*select\s/i.test(sql);
}

/**
 * Kysely opens transactions with a plain `begin` (deferred). Another process on the same file (the
 * CLI's `users credit` beside a running server) could then make the read->write upgrade fail with
 * SQLITE_BUSY without waiting; `begin immediate` takes the write lock up front and honours busy_timeout.
 */
function toImmediateBegin(sql: string): string {
  return sql.trim().toLowerCase() === "begin" ? "begin immediate" : sql;
}

/** node:sqlite rejects booleans and undefined; SQLite itself stores booleans as 0/1. */
function toSqlite(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map((value) => {
    if (typeof value === "boolean") return value ? 1 : 0;
    if (value === undefined) return null;
    return value as SQLInputValue;
  });
}
