import { randomUUID } from "node:crypto";
import type { DeploymentSetting } from "../../sdk/contract";
import { decToMicroFloor } from "../market";
import {
  findDeploymentSetting,
  insertDeploymentSettingIfMissing,
  upsertDeploymentSetting,
  type DeploymentSettingRow,
} from "../repositories/deployment-settings";
import { findDeploymentSummary } from "../repositories/deployments";
import { DEPLOYMENT_NOT_FOUND } from "./deployments";
import { NotFoundError } from "./errors";
import type { MarketContext } from "./market-context";

/** The live API's auto top-up look-ahead (AUTO_TOP_UP_LOOK_AHEAD_WINDOW_IN_H = 24). */
const TOP_UP_FREQUENCY_MS = 24 * 60 * 60 * 1000;

/**
 * Auto top-up settings per deployment. A setting can only exist for one of the caller's
 * deployments; anything else (another user's id or dseq) is a 404, never a 403.
 */
export class DeploymentSettingService {
  readonly #ctx: MarketContext;

  constructor(ctx: MarketContext) {
    this.#ctx = ctx;
  }

  /** Find-or-create (auto top-up on by default, as for a user with a wallet on the live API). */
  async get(callerId: string, userId: string, dseq: number): Promise<DeploymentSetting> {
    await this.#assertOwnDeployment(callerId, userId, dseq);
    const now = this.#ctx.clock.now();
    await insertDeploymentSettingIfMissing(this.#ctx.db, newRow(callerId, dseq, true, now));
    return this.#view(callerId, dseq);
  }

  /** Create or update (both live operations end in the same stored setting). */
  async put(
    callerId: string,
    userId: string,
    dseq: number,
    autoTopUpEnabled: boolean,
  ): Promise<DeploymentSetting> {
    await this.#assertOwnDeployment(callerId, userId, dseq);
    await upsertDeploymentSetting(
      this.#ctx.db,
      newRow(callerId, dseq, autoTopUpEnabled, this.#ctx.clock.now()),
    );
    return this.#view(callerId, dseq);
  }

  async #assertOwnDeployment(callerId: string, userId: string, dseq: number): Promise<void> {
    if (userId !== callerId) throw new NotFoundError("Deployment setting not found");
    if (!(await findDeploymentSummary(this.#ctx.db, callerId, dseq)))
      throw new NotFoundError(DEPLOYMENT_NOT_FOUND);
  }

  async #view(userId: string, dseq: number): Promise<DeploymentSetting> {
    const [row, deployment] = await Promise.all([
      findDeploymentSetting(this.#ctx.db, userId, dseq),
      findDeploymentSummary(this.#ctx.db, userId, dseq),
    ]);
    if (!row || !deployment) throw new NotFoundError("Deployment setting not found");
    const enabled = row.auto_top_up_enabled === 1;
    // What a top-up would add: the escrow's spend over one look-ahead window, in dollars.
    const blocks = BigInt(Math.floor(TOP_UP_FREQUENCY_MS / this.#ctx.clock.blockTimeMs));
    const estimate = Number(decToMicroFloor(BigInt(deployment.escrow_rate) * blocks)) / 1_000_000;
    return {
      id: row.id,
      userId: row.user_id,
      dseq: String(row.dseq),
      autoTopUpEnabled: enabled,
      estimatedTopUpAmount: enabled && deployment.state === "active" ? estimate : 0,
      topUpFrequencyMs: TOP_UP_FREQUENCY_MS,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
      closed: deployment.state !== "active",
    };
  }
}

function newRow(userId: string, dseq: number, enabled: boolean, now: number): DeploymentSettingRow {
  return {
    id: randomUUID(),
    user_id: userId,
    dseq,
    auto_top_up_enabled: enabled ? 1 : 0,
    created_at: now,
    updated_at: now,
  };
}
