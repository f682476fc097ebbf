import { AsyncLocalStorage } from "node:async_hooks";
import {
  CompiledQuery,
  type AbortableOperationOptions,
  type DatabaseConnection,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryResult,
  type Transaction,
  type TransactionSettings,
} from "kysely";

/**
 * A unit of work run by `inOneTransaction`. Once its transaction has begun, every query made in its
 * async context, through any Kysely handle of the store, runs on that transaction's connection, and
 * a `transaction()` opened there is a savepoint inside it.
 */
interface Scope {
  /** The scope's own transaction's connection, from its begin to its commit or rollback. */
  connection?: DatabaseConnection;
  /** The scope's transaction has ended: a query of its context after that cannot join it. */
  ended: boolean;
  /**
   * One use of the connection at a time (a query, or a joined transaction from begin to end), as
   * Kysely does for a transaction's own queries: pg stops queueing concurrent queries in version 9.
   * The scope's commit or rollback takes it too, so it waits for what still runs on the connection
   * (a query beside one that failed, in a Promise.all) rather than releasing it under that query.
   */
  inUse: Lock;
}

/**
 * The scope's connection lent to one query or joined transaction of its context: released by
 * handing the turn back, never to the pool, and unusable once the scope's transaction has ended
 * (its connection may be serving another request by then).
 */
class Joined implements DatabaseConnection {
  constructor(
    readonly scope: Scope,
    readonly connection: DatabaseConnection,
  ) {}

  executeQuery<R>(query: CompiledQuery, options?: AbortableOperationOptions): Promise<QueryResult<R>> {
    this.#check();
    return this.connection.executeQuery(query, options);
  }

  streamQuery<R>(
    query: CompiledQuery,
    chunkSize: number,
    options?: AbortableOperationOptions,
  ): AsyncIterableIterator<QueryResult<R>> {
    this.#check();
    return this.connection.streamQuery(query, chunkSize, options);
  }

  #check(): void {
    if (this.scope.connection !== this.connection) throw new TransactionEndedError();
  }
}

class TransactionEndedError extends Error {
  constructor() {
    super("the transaction this query was to join has already ended");
  }
}

type AbortableOptions = Parameters<Driver["init"]>[0];

const scopes = new AsyncLocalStorage<Scope>();
const SAVEPOINT = "joined_transaction";

/**
 * Runs `work` in one transaction that every query and transaction of its async context joins, so
 * code that opens its own transactions (the services) commits or rolls back with the caller. The
 * store must have been opened with `joinableTransactions`. As on SQLite without a scope, the
 * callback of a transaction opened in the scope must use its own handle: a query or transaction
 * through another handle would wait for that transaction to end.
 */
export function inOneTransaction<DB, T>(
  db: Kysely<DB>,
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  const scope: Scope = { ended: false, inUse: new Lock() };
  return scopes.run(scope, () =>
    db.transaction().execute(async (trx) => {
      if (scope.connection === undefined) {
        throw new Error("inOneTransaction needs a store opened with joinableTransactions");
      }
      return work(trx);
    }),
  );
}

/** The dialect with the driver that lets `inOneTransaction` scopes join their queries to one transaction. */
export function joinableTransactions(dialect: Dialect): Dialect {
  const adapter = dialect.createAdapter();
  return {
    createAdapter: () => multiConnectionAdapter(adapter),
    createDriver: () => new JoiningDriver(dialect.createDriver(), !adapter.supportsMultipleConnections),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}

/**
 * Kysely serializes a single-connection dialect (SQLite) behind a lock that a query of a scope
 * would wait on while its own transaction holds it. The driver keeps that lock instead, and lets
 * the scope's queries through.
 */
function multiConnectionAdapter(adapter: DialectAdapter): DialectAdapter {
  if (adapter.supportsMultipleConnections) return adapter;
  return new Proxy(adapter, {
    get: (target, property) =>
      property === "supportsMultipleConnections" ? true : Reflect.get(target, property, target),
  });
}

class JoiningDriver implements Driver {
  readonly #inner: Driver;
  /** The single connection's lock (SQLite): held from acquire to release, outside any scope. */
  readonly #single: Lock | undefined;

  constructor(inner: Driver, singleConnection: boolean) {
    this.#inner = inner;
    this.#single = singleConnection ? new Lock() : undefined;
  }

  init(options?: AbortableOptions): Promise<void> {
    return this.#inner.init(options);
  }

  async acquireConnection(options?: AbortableOptions): Promise<DatabaseConnection> {
    const scope = scopes.getStore();
    if (scope?.connection) {
      await scope.inUse.lock();
      const connection = scope.connection;
      if (connection) return new Joined(scope, connection);
      scope.inUse.unlock();
      throw new TransactionEndedError();
    }
    if (scope?.ended) throw new TransactionEndedError();
    await this.#single?.lock();
    try {
      return await this.#inner.acquireConnection(options);
    } catch (error) {
      this.#single?.unlock();
      throw error;
    }
  }

  async releaseConnection(connection: DatabaseConnection, options?: AbortableOptions): Promise<void> {
    if (connection instanceof Joined) return connection.scope.inUse.unlock();
    try {
      await this.#inner.releaseConnection(connection, options);
    } finally {
      this.#single?.unlock();
    }
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (connection instanceof Joined) {
      await connection.executeQuery(CompiledQuery.raw(`savepoint ${SAVEPOINT}`));
      return;
    }
    await this.#inner.beginTransaction(connection, settings);
    const starting = scopes.getStore();
    // The scope's own transaction: what runs in its context from now on joins it.
    if (starting && starting.connection === undefined && !starting.ended) starting.connection = connection;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof Joined) {
      await connection.executeQuery(CompiledQuery.raw(`release savepoint ${SAVEPOINT}`));
      return;
    }
    await this.#ending(connection, () => this.#inner.commitTransaction(connection));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof Joined) {
      await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${SAVEPOINT}`));
      await connection.executeQuery(CompiledQuery.raw(`release savepoint ${SAVEPOINT}`));
      return;
    }
    await this.#ending(connection, () => this.#inner.rollbackTransaction(connection));
  }

  /** Ends a transaction; the scope's own ends once nothing else runs on its connection. */
  async #ending(connection: DatabaseConnection, end: () => Promise<void>): Promise<void> {
    const scope = scopes.getStore();
    if (scope?.connection !== connection) return end();
    await scope.inUse.lock();
    try {
      await end();
    } finally {
      scope.connection = undefined;
      scope.ended = true;
      scope.inUse.unlock();
    }
  }

  destroy(options?: AbortableOptions): Promise<void> {
    return this.#inner.destroy(options);
  }
}

/** A FIFO lock. */
class Lock {
  #held = false;
  readonly #waiting: (() => void)[] = [];

  lock(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  unlock(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#held = false;
  }
}
