import { createHash } from "node:crypto";
import type { Balances, User, Wallet } from "../../sdk/contract";
import { decToMicroFloor } from "../market";
import { listActiveDeployments } from "../repositories/deployments";
import { findUserByAddress, findUserById, type UserRow } from "../repositories/users";
import { NotFoundError } from "./errors";
import { settleInMemory } from "./escrow-ledger";
import type { MarketContext } from "./market-context";

const WALLET_NOT_FOUND = "UserWallet Not Found";

/** The caller's managed wallet as the API shows it: balances, wallet list, current user. */
export class AccountService {
  readonly #ctx: MarketContext;

  constructor(ctx: MarketContext) {
    this.#ctx = ctx;
  }

  /**
   * Micro-denom balances: `balance` = spendable credit, `deployments` = escrow funds of active
   * deployments (settled to now), `total` = both. By address (as the live API allows) or the caller.
   */
  async balances(query: { userId?: string; address?: string }): Promise<Balances> {
    const user = query.address
      ? await findUserByAddress(this.#ctx.db, query.address)
      : query.userId
        ? await findUserById(this.#ctx.db, query.userId)
        : undefined;
    if (!user) throw new NotFoundError(WALLET_NOT_FOUND);
    const height = this.#ctx.clock.height();
    const deployments = (await listActiveDeployments(this.#ctx.db, user.id))
      .map((row) => settleInMemory(row, height))
      .filter((settled) => settled.state === "active")
      .reduce((sum, settled) => sum + Number(decToMicroFloor(settled.funds)), 0);
    return { balance: user.credit_micro, deployments, total: user.credit_micro + deployments };
  }

  /** The caller's wallet; another user's id lists nothing (no enumeration). */
  async wallets(callerId: string, userId: string): Promise<Wallet[]> {
    if (userId !== callerId) return [];
    const user = await findUserById(this.#ctx.db, callerId);
    return user ? [this.#wallet(user)] : [];
  }

  async me(userId: string): Promise<User> {
    const user = await findUserById(this.#ctx.db, userId);
    if (!user) throw new NotFoundError("User not found");
    return {
      id: user.id,
      userId: user.id,
      username: user.email.split("@")[0] ?? user.email,
      email: user.email,
      emailVerified: true,
      // No newsletter here; the Console's document requires the field.
      subscribedToNewsletter: false,
    };
  }

  #wallet(user: UserRow): Wallet {
    return {
      // The live wallet id is a serial integer; a stable number derived from the user id stands in.
      id: createHash("sha256").update(user.id).digest().readUInt32BE(0),
      userId: user.id,
      creditAmount: user.credit_micro,
      address: user.address,
      denom: this.#ctx.config.denom,
      isTrialing: false,
      topUpMinAmountUsd: this.#ctx.config.minDepositUsd,
      createdAt: new Date(user.created_at).toISOString(),
    };
  }
}
