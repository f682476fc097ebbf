import { LRUCache } from "lru-cache";
import type { ContentVersion } from "../db/connect";

interface Entry<V> {
  version: number;
  validUntil: number;
  value: V;
}

/**
 * An in-process cache of reads. An entry is used only while the store's content version is still
 * the one read before the entry was computed, so any write (from this process or another one: on
 * SQLite the data dir is this server's alone, on PostgreSQL every replica's commits move the version)
 * invalidates it at once; time-dependent values also carry a `validUntil` on the server's clock.
 * Without a content version (a store opened by the CLI) nothing is cached.
 */
export class VersionedCache<V extends NonNullable<unknown>> {
  readonly #contentVersion: ContentVersion | undefined;
  readonly #entries: LRUCache<string, Entry<V>> | undefined;

  constructor(contentVersion: ContentVersion | undefined, maxEntries: number) {
    this.#contentVersion = contentVersion;
    this.#entries = contentVersion ? new LRUCache({ max: maxEntries }) : undefined;
  }

  /**
   * The store's content version now: read it before reading what will be cached under it. A
   * promise when the database must be asked (PostgreSQL).
   */
  version(): number | undefined | Promise<number | undefined> {
    return this.#contentVersion?.();
  }

  get(key: string, version: number | undefined, now: number): V | undefined {
    if (version === undefined) return undefined;
    const entry = this.#entries?.get(key);
    if (!entry) return undefined;
    if (entry.version === version && now < entry.validUntil) return entry.value;
    this.#entries?.delete(key);
    return undefined;
  }

  set(key: string, version: number | undefined, value: V, validUntil = Number.POSITIVE_INFINITY): void {
    if (version !== undefined) this.#entries?.set(key, { version, validUntil, value });
  }
}
