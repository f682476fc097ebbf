import { createHash, randomUUID } from "node:crypto";
import { toBech32 } from "@cosmjs/encoding";
import type { Kysely } from "kysely";
import { usdToMicro } from "../../sdk/money";
import type { Database } from "../db/schema";
import {
  addCredit,
  findUserByEmail,
  findUserById,
  insertUser,
  listUsers,
  type UserRow,
} from "../repositories/users";
import type { ApiKeyService } from "./api-keys";

export interface UserSummary {
  userId: string;
  email: string;
  address: string;
  creditMicro: number;
  createdAt: string;
}

/** Thrown for operator mistakes (CLI and startServer helpers): the message says what to fix. */
export class UserInputError extends Error {
  override readonly name = "UserInputError";
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Users exist only for the operator (CLI, startServer helpers); API callers never create users.
 * Each user gets a managed-wallet address (bech32 of 20 bytes derived from the user id) and a USD
 * credit held in micro-units.
 */
export class UserService {
  readonly #db: Kysely<Database>;
  readonly #apiKeys: ApiKeyService;
  readonly #now: () => number;

  constructor(db: Kysely<Database>, apiKeys: ApiKeyService, now: () => number) {
    this.#db = db;
    this.#apiKeys = apiKeys;
    this.#now = now;
  }

  /** Creates a user with `creditUsd` of credit and a first API key (returned once). */
  async create(
    email: string,
    creditUsd: number | string,
    options: { apiKey?: string } = {},
  ): Promise<{ userId: string; apiKey: string; address: string }> {
    const normalized = normalizeEmail(email);
    const credit = toCreditMicro(creditUsd);
    if (await findUserByEmail(this.#db, normalized))
      throw new UserInputError(`a user with email ${normalized} already exists`);
    const id = randomUUID();
    const user: UserRow = {
      id,
      email: normalized,
      address: walletAddress(id),
      credit_micro: credit,
      active_deployments: 0,
      created_at: this.#now(),
    };
    return this.#db.transaction().execute(async (trx) => {
      await insertUser(trx, user);
      const key = await this.#apiKeys.create(
        id,
        { name: "default", ...(options.apiKey ? { secret: options.apiKey } : {}) },
        trx,
      );
      return { userId: id, apiKey: key.apiKey, address: user.address };
    });
  }

  /** Adds credit to a user's balance; returns the new balance in micro-units. */
  async credit(email: string, amountUsd: number | string): Promise<number> {
    const user = await findUserByEmail(this.#db, normalizeEmail(email));
    if (!user)
      throw new UserInputError(
        `no user with email ${email}; create one with 'users create --email ${email}'`,
      );
    await addCredit(this.#db, user.id, toCreditMicro(amountUsd));
    return (await findUserById(this.#db, user.id))?.credit_micro ?? 0;
  }

  async list(): Promise<UserSummary[]> {
    return (await listUsers(this.#db)).map(toSummary);
  }

  async get(userId: string): Promise<UserRow | undefined> {
    return findUserById(this.#db, userId);
  }

  async findByEmail(email: string): Promise<UserRow | undefined> {
    return findUserByEmail(this.#db, normalizeEmail(email));
  }
}

/** The simulated managed wallet's address: deterministic per user, valid bech32 with the akash prefix. */
export function walletAddress(userId: string): string {
  return toBech32("akash", createHash("sha256").update(`wallet:${userId}`).digest().subarray(0, 20));
}

function normalizeEmail(email: string): string {
  const trimmed = email.trim().toLowerCase();
  if (!EMAIL.test(trimmed) || trimmed.length > 320)
    throw new UserInputError(`"${email}" is not an email address`);
  return trimmed;
}

function toCreditMicro(usd: number | string): number {
  try {
    const micro = Number(usdToMicro(usd));
    if (!Number.isSafeInteger(micro)) throw new RangeError(`$${usd} is too large`);
    return micro;
  } catch (error) {
    throw new UserInputError(
      `credit must be a dollar amount such as 100 or 12.5: ${(error as Error).message}`,
    );
  }
}

function toSummary(row: UserRow): UserSummary {
  return {
    userId: row.id,
    email: row.email,
    address: row.address,
    creditMicro: row.credit_micro,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
