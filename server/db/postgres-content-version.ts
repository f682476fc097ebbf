import type pg from "pg";

/**
 * `pg_current_snapshot()` changes whenever any transaction of the cluster commits or aborts: one
 * that was running at the previous snapshot leaves its list of running ids, and one that started
 * after it moves its upper bound. Equal snapshots therefore mean nothing was committed in between,
 * by this replica or any other, with no write of ours (no trigger, no counter row, no NOTIFY).
 */
const SNAPSHOT = { name: "akash_content_version", text: "select pg_current_snapshot()::text as snapshot" };

/**
 * The content version of a PostgreSQL database shared by replicas, for in-process read caches: a
 * number that moves whenever anything was committed since the last check. Every `current()` is
 * answered by a check sent after it was called, so a write that another replica acknowledged before
 * this replica received a request is seen by that request. Concurrent callers share one check (at
 * most one in flight and one waiting, on a connection of its own), so a busy replica makes a few
 * thousand cheap round trips a second at most, whatever its request rate.
 */
export class PostgresContentVersion {
  readonly #connect: () => pg.Client;
  #client: Promise<pg.Client> | undefined;
  #closed = false;
  #version = 0;
  #snapshot: string | undefined;
  #running: Promise<number | undefined> | undefined;
  #queued: Promise<number | undefined> | undefined;

  /**
   * `connect` makes a client used for nothing else (data queries waiting for a pool's connection
   * must not delay checks), made again after it failed.
   */
  constructor(connect: () => pg.Client) {
    this.#connect = connect;
  }

  /** The version as of now, or undefined when the database could not be asked (then cache nothing). */
  current(): Promise<number | undefined> {
    if (this.#queued) return this.#queued;
    // A check already sent may have read its snapshot before this call: wait for the next one.
    if (this.#running) {
      this.#queued = this.#running.then(() => {
        this.#queued = undefined;
        return (this.#running = this.#check());
      });
      return this.#queued;
    }
    return (this.#running = this.#check());
  }

  async #check(): Promise<number | undefined> {
    try {
      const client = await (this.#client ??= this.#open());
      const { rows } = await client.query<{ snapshot: string }>(SNAPSHOT);
      const snapshot = rows[0]?.snapshot;
      if (snapshot === undefined || snapshot !== this.#snapshot) this.#version += 1;
      this.#snapshot = snapshot;
      return this.#version;
    } catch {
      // Whatever was committed meanwhile is unknown: the next successful check starts a new version.
      this.#snapshot = undefined;
      this.#drop();
      return undefined;
    } finally {
      this.#running = undefined;
    }
  }

  async #open(): Promise<pg.Client> {
    if (this.#closed) throw new Error("the store is closed");
    const client = this.#connect();
    // A lost connection must not crash the server: the next check connects again.
    client.on("error", () => this.#drop());
    await client.connect();
    return client;
  }

  #drop(): void {
    const client = this.#client;
    this.#client = undefined;
    client?.then((c) => c.end()).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#running;
    await this.#queued;
    const client = this.#client;
    this.#client = undefined;
    await client?.then((c) => c.end()).catch(() => undefined);
  }
}
