import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import {
  MAX_RUNTIME_LIMIT_HOURS,
  MAX_RUNTIME_LIMIT_INCREMENT_HOURS,
  type DeploymentSetting,
} from "../../sdk/contract";
import type { Database } from "../db/schema";
import { decToMicroFloor } from "../market";
import {
  findDeploymentSetting,
  insertDeploymentSettingIfMissing,
  upsertDeploymentSetting,
  type DeploymentSettingRow,
} from "../repositories/deployment-settings";
import { findDeploymentSummary, updateDeployment } from "../repositories/deployments";
import { listLeases } from "../repositories/leases";
import { settingsView } from "./deployment-view";
import { DEPLOYMENT_NOT_FOUND, type DeploymentService } from "./deployments";
import { InvalidInputError, NotFoundError } from "./errors";
import { nextSettlementHeight } from "./escrow-ledger";
import type { MarketContext } from "./market-context";

/** The live API's auto top-up look-ahead (AUTO_TOP_UP_LOOK_AHEAD_WINDOW_IN_H = 24). */
const TOP_UP_FREQUENCY_MS = 24 * 60 * 60 * 1000;

const HOUR_MS = 3_600_000;

/**
 * Deployment settings: the auto top-up flag (writable with `--funding deposit`, read-only and
 * always on with automatic funding) and the runtime limit (extended here, never lowered). A
 * setting can only exist for one of the caller's deployments; anything else (another user's id or
 * dseq) is a 404, never a 403.
 */
export class DeploymentSettingService {
  readonly #ctx: MarketContext;
  readonly #deployments: DeploymentService;

  constructor(ctx: MarketContext, deployments: DeploymentService) {
    this.#ctx = ctx;
    this.#deployments = deployments;
  }

  /**
   * Find-or-create: auto top-up on by default where the server tops up (automatic funding, as for
   * a user with a wallet on the live API), off under deposits, where nothing tops up.
   */
  async get(callerId: string, userId: string, dseq: number): Promise<DeploymentSetting> {
    await this.#assertOwnDeployment(callerId, userId, dseq);
    const now = this.#ctx.clock.now();
    const topsUp = this.#ctx.config.funding === "auto";
    await insertDeploymentSettingIfMissing(this.#ctx.db, newRow(callerId, dseq, topsUp, now));
    return this.#view(callerId, dseq);
  }

  /**
   * Create or update (both live operations end in the same stored setting). `autoTopUpEnabled`
   * undefined keeps the stored flag (false for a new setting).
   */
  async put(
    callerId: string,
    userId: string,
    dseq: number,
    autoTopUpEnabled: boolean | undefined,
  ): Promise<DeploymentSetting> {
    await this.#assertOwnDeployment(callerId, userId, dseq);
    if (this.#ctx.config.funding === "auto") {
      if (autoTopUpEnabled === false) {
        throw new InvalidInputError(
          "autoTopUpEnabled is read-only: automatic funding keeps every deployment funded from the account's credit",
        );
      }
      await insertDeploymentSettingIfMissing(
        this.#ctx.db,
        newRow(callerId, dseq, true, this.#ctx.clock.now()),
      );
      return this.#view(callerId, dseq);
    }
    const now = this.#ctx.clock.now();
    if (autoTopUpEnabled === undefined)
      await insertDeploymentSettingIfMissing(this.#ctx.db, newRow(callerId, dseq, false, now));
    else await upsertDeploymentSetting(this.#ctx.db, newRow(callerId, dseq, autoTopUpEnabled, now));
    return this.#view(callerId, dseq);
  }

  /**
   * Sets a new total runtime limit: at most 48 hours more than today's (48 for a deployment that
   * has none), 8,760 overall, never lower. An anchored deadline moves by the difference.
   */
  async extendRuntime(callerId: string, userId: string, dseq: number, hours: number): Promise<void> {
    await this.#assertOwnDeployment(callerId, userId, dseq);
    await this.#deployments.mutate(callerId, dseq, async (trx, row) => {
      if (row.state !== "active") throw new InvalidInputError("Deployment closed");
      const current = row.runtime_limit_hours;
      if (current === null && hours > MAX_RUNTIME_LIMIT_INCREMENT_HOURS) {
        throw new InvalidInputError(
          `A deployment without a runtime limit can be given one of at most ${MAX_RUNTIME_LIMIT_INCREMENT_HOURS} hours, got ${hours}`,
        );
      }
      if (current !== null && hours < current) {
        throw new InvalidInputError(
          `A runtime limit cannot be lowered: it is ${current} hours, got ${hours}. Close the deployment to stop it sooner.`,
        );
      }
      if (current !== null && hours - current > MAX_RUNTIME_LIMIT_INCREMENT_HOURS) {
        throw new InvalidInputError(
          `A runtime limit grows by at most ${MAX_RUNTIME_LIMIT_INCREMENT_HOURS} hours per request: from ${current} to at most ${Math.min(current + MAX_RUNTIME_LIMIT_INCREMENT_HOURS, MAX_RUNTIME_LIMIT_HOURS)}, got ${hours}`,
        );
      }
      if (hours === current) return;
      const endsAt =
        row.runtime_ends_at === null
          ? await this.#anchorIfLeased(trx, callerId, dseq, hours)
          : row.runtime_ends_at + (hours - (current ?? hours)) * HOUR_MS;
      const state = {
        funds: BigInt(row.escrow_funds),
        rate: BigInt(row.escrow_rate),
        settledHeight: row.escrow_settled_height,
      };
      await updateDeployment(trx, callerId, dseq, {
        runtime_limit_hours: hours,
        runtime_ends_at: endsAt,
        escrow_dry_height: nextSettlementHeight(state, { runtime_ends_at: endsAt }, this.#ctx.ledger),
      });
    });
  }

  /**
   * The deadline of a limit given to a deployment that has been leased already: counted from its
   * first lease start, as a limit given at create is (the lease anchors only a limit it finds), and
   * never in the past (a deployment that ran longer ends at the next block). Not leased yet: none,
   * the first lease anchors it.
   */
  async #anchorIfLeased(
    trx: Kysely<Database>,
    userId: string,
    dseq: number,
    hours: number,
  ): Promise<number | null> {
    const leases = await listLeases(trx, userId, [dseq]);
    if (leases.length === 0) return null;
    const firstStart = Math.min(...leases.map((l) => l.created_at));
    return Math.max(firstStart + hours * HOUR_MS, this.#ctx.clock.now());
  }

  async #assertOwnDeployment(callerId: string, userId: string, dseq: number): Promise<void> {
    if (userId !== callerId) throw new NotFoundError("Deployment setting not found");
    if (!(await findDeploymentSummary(this.#ctx.db, callerId, dseq)))
      throw new NotFoundError(DEPLOYMENT_NOT_FOUND);
  }

  async #view(userId: string, dseq: number): Promise<DeploymentSetting> {
    // Settled first: a runtime limit that ended, or an escrow that ran dry, shows as closed.
    const settled = await this.#deployments.settledOrThrow(userId, dseq);
    const row = await findDeploymentSetting(this.#ctx.db, userId, dseq);
    if (!row) throw new NotFoundError("Deployment setting not found");
    const deployment = settled.row;
    const enabled = this.#ctx.config.funding === "auto" || row.auto_top_up_enabled === 1;
    // What a top-up would add: the escrow's spend over one look-ahead window, in dollars.
    const blocks = BigInt(Math.floor(TOP_UP_FREQUENCY_MS / this.#ctx.clock.blockTimeMs));
    const estimate = Number(decToMicroFloor(BigInt(deployment.escrow_rate) * blocks)) / 1_000_000;
    const { runtimeLimitHours, runtimeEndsAt, closed, closeReason } = settingsView(deployment);
    return {
      id: row.id,
      userId: row.user_id,
      dseq: String(row.dseq),
      autoTopUpEnabled: enabled,
      estimatedTopUpAmount: enabled && !closed ? estimate : 0,
      topUpFrequencyMs: TOP_UP_FREQUENCY_MS,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
      closed,
      runtimeLimitHours,
      runtimeEndsAt,
      closeReason,
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
