import type { Kysely } from "kysely";
import type { ServerConfig } from "../config";
import type { ContentVersion } from "../db/connect";
import type { Database } from "../db/schema";
import type { Clock, Fleet } from "../market";
import { findUserById } from "../repositories/users";
import type { LedgerContext } from "./escrow-ledger";
import type { DeploymentSecrets, SealingKeys, SealOpener } from "./secrets";

/** Sealed secrets: the keys clients seal to, the seal checks, and values encrypted at rest. */
export interface SecretServices {
  keys: SealingKeys;
  opener: SealOpener;
  store: DeploymentSecrets;
}

/** What the deployment, lease and bid services share: store, clock, fleet and settings. */
export interface MarketContext {
  db: Kysely<Database>;
  /** PostgreSQL: take row locks (FOR UPDATE) in read-modify-write transactions. */
  lockRows: boolean;
  /** The store's content version; without it nothing is cached. */
  contentVersion?: ContentVersion;
  clock: Clock;
  fleet: Fleet;
  config: ServerConfig;
  owners: OwnerDirectory;
  /** Funding policy and clock for settling escrow (top-ups, runtime limits). */
  ledger: LedgerContext;
  secrets: SecretServices;
}

/**
 * User id -> wallet address. Addresses never change, so they are cached: rendering a deployment
 * costs no extra query on the hot path.
 */
export class OwnerDirectory {
  readonly #db: Kysely<Database>;
  readonly #cache = new Map<string, string>();
  static readonly #MAX = 10_000;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async addressOf(userId: string): Promise<string> {
    const cached = this.#cache.get(userId);
    if (cached) return cached;
    const user = await findUserById(this.#db, userId);
    if (!user) throw new Error(`user ${userId} vanished while its request was being handled`);
    if (this.#cache.size >= OwnerDirectory.#MAX) this.#cache.clear();
    this.#cache.set(userId, user.address);
    return user.address;
  }
}
