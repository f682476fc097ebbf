import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { ContentVersion } from "../db/connect";
import type { Database } from "../db/schema";
import {
  deleteApiKey,
  findApiKey,
  findApiKeyByHash,
  insertApiKey,
  listApiKeys,
  renameApiKey,
  touchApiKey,
  type ApiKeyRow,
} from "../repositories/api-keys";
import { VersionedCache } from "./versioned-cache";
import { generateApiKey, hashApiKey, isWellFormedApiKey, obfuscateApiKey } from "./api-key-format";

/** `lastUsedAt` is written at most this often per key, so authentication is read-only on most requests. */
export const LAST_USED_THROTTLE_MS = 30 * 60 * 1000;

export interface ApiKeyView {
  id: string;
  name: string;
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  keyFormat: string;
}

export interface Identity {
  userId: string;
  keyId: string;
  /** The store's content version the key was checked at (none: nothing is cached). */
  version?: number;
}

export interface ApiKeyServiceOptions {
  db: Kysely<Database>;
  env: string;
  now: () => number;
  /** The store's content version: with it, known keys are looked up in memory until anything is written. */
  contentVersion?: ContentVersion;
}

/** Keys remembered by the authentication cache (a few MB at most). */
const CACHED_KEYS = 10_000;

export class ApiKeyService {
  readonly #db: Kysely<Database>;
  readonly #env: string;
  readonly #now: () => number;
  readonly #byHash: VersionedCache<ApiKeyRow>;

  constructor(options: ApiKeyServiceOptions) {
    this.#db = options.db;
    this.#env = options.env;
    this.#now = options.now;
    this.#byHash = new VersionedCache(options.contentVersion, CACHED_KEYS);
  }

  /** Creates a key; the secret is returned here once and only its hash is stored. */
  async create(
    userId: string,
    input: { name: string; expiresAt?: number; secret?: string },
    db: Kysely<Database> = this.#db,
  ): Promise<ApiKeyView & { apiKey: string }> {
    const apiKey = input.secret ?? generateApiKey(this.#env);
    const now = this.#now();
    const row: ApiKeyRow = {
      id: randomUUID(),
      user_id: userId,
      hashed_key: hashApiKey(apiKey),
      key_format: obfuscateApiKey(apiKey),
      name: input.name,
      created_at: now,
      updated_at: now,
      expires_at: input.expiresAt ?? null,
      last_used_at: null,
    };
    await insertApiKey(db, row);
    return { ...toView(row), apiKey };
  }

  /**
   * The user id a presented key belongs to, or undefined for a malformed, unknown or expired key.
   * Records the use, throttled to one write per key per 30 minutes. A revoked or changed key is
   * seen on the next request: any write to the store invalidates the cached rows.
   */
  async authenticate(key: string): Promise<Identity | undefined> {
    return this.identify(key);
  }

  /**
   * `authenticate`, answered without a promise when memory alone can answer (SQLite's version is
   * known at once; a cached key whose use needs no write).
   */
  identify(key: string): Identity | undefined | Promise<Identity | undefined> {
    if (!isWellFormedApiKey(key, this.#env)) return undefined;
    const version = this.#byHash.version();
    if (typeof version !== "number") return Promise.resolve(version).then((v) => this.#lookUp(key, v));
    const hashed = hashApiKey(key);
    const now = this.#now();
    const row = this.#byHash.get(hashed, version, now);
    if (!row || needsTouch(row, now)) return this.#lookUp(key, version, hashed);
    return isExpired(row, now) ? undefined : { userId: row.user_id, keyId: row.id, version };
  }

  async #lookUp(
    key: string,
    version: number | undefined,
    hashed = hashApiKey(key),
  ): Promise<Identity | undefined> {
    const now = this.#now();
    let row = this.#byHash.get(hashed, version, now);
    if (!row) {
      row = await findApiKeyByHash(this.#db, hashed);
      // Unknown keys are not remembered: a flood of made-up keys must not fill memory.
      if (row) this.#byHash.set(hashed, version, row);
    }
    if (!row || isExpired(row, now)) return undefined;
    if (needsTouch(row, now)) await touchApiKey(this.#db, row.id, now, now - LAST_USED_THROTTLE_MS);
    return { userId: row.user_id, keyId: row.id, ...(version !== undefined ? { version } : {}) };
  }

  async list(userId: string): Promise<ApiKeyView[]> {
    return (await listApiKeys(this.#db, userId)).map(toView);
  }

  async get(userId: string, id: string): Promise<ApiKeyView | undefined> {
    const row = await findApiKey(this.#db, userId, id);
    return row && toView(row);
  }

  async rename(userId: string, id: string, name: string | undefined): Promise<ApiKeyView | undefined> {
    if (name !== undefined) await renameApiKey(this.#db, userId, id, name, this.#now());
    return this.get(userId, id);
  }

  /** Revokes a key: the next request presenting it gets 401. */
  async revoke(userId: string, id: string): Promise<boolean> {
    return deleteApiKey(this.#db, userId, id);
  }
}

function isExpired(row: ApiKeyRow, now: number): boolean {
  return row.expires_at !== null && row.expires_at <= now;
}

function needsTouch(row: ApiKeyRow, now: number): boolean {
  return row.last_used_at === null || row.last_used_at < now - LAST_USED_THROTTLE_MS;
}

function toView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    expiresAt: iso(row.expires_at),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    lastUsedAt: iso(row.last_used_at),
    keyFormat: row.key_format,
  };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
