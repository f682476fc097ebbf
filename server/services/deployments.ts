import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type {
  CreatedDeployment,
  Deployment,
  DeploymentListItem,
  LeaseStatus,
  Pagination,
} from "../../sdk/contract";
import { usdToMicro } from "../../sdk/money";
import type { Database } from "../db/schema";
import {
  addUsage,
  compareGroupResources,
  compileSdl,
  decFromMicro,
  decToMicroFloor,
  emptyUsage,
  findProvider,
  InvalidSdlError,
  leaseStatus,
  leaseUsage,
  offlineByFault,
  planBids,
  resourcesOffer,
  type CompiledSdl,
  type OrderGroup,
  type ProviderUsage,
} from "../market";
import { closeDeploymentBids, insertBids, type BidRow } from "../repositories/bids";
import {
  findDeployment,
  findDeploymentSummary,
  insertEscrowDeposit,
  insertManifestVersion,
  listActiveBefore,
  listActivePage,
  listDryDeployments,
  listEscrowDeposits,
  updateDeployment,
  type DeploymentListRow,
  type DeploymentRow,
  type DeploymentSummaryRow,
} from "../repositories/deployments";
import { closeLeases, listActiveLeaseGroups, listLeases, type LeaseRow } from "../repositories/leases";
import { activeDeploymentCount, addCredit, countActiveDeployment, spendCredit } from "../repositories/users";
import { deploymentListItemView, deploymentView, type SettledDeployment } from "./deployment-view";
import { InsufficientFundsError, InvalidInputError, NotFoundError } from "./errors";
import { LEASE_CLOSED_OWNER, dryHeightOf, persistSettlement, settleInMemory } from "./escrow-ledger";
import type { MarketContext } from "./market-context";
import { VersionedCache } from "./versioned-cache";

/** The live API's 402 message when the credit cannot cover a deposit. */
export const INSUFFICIENT_BALANCE_MESSAGE =
  "Not enough balance to cover the deployment deposit. Add credits or turn on auto recharge to continue.";

export const DEPLOYMENT_NOT_FOUND = "Deployment not found";

/** Deployments read and turned into list items at a time when a page is larger. */
export const LIST_BATCH = 200;

/** A page of deployments: its pagination, and its deployments batch by batch (see `list`). */
export interface DeploymentListing {
  pagination: Pagination;
  batches: AsyncIterable<DeploymentListItem[]>;
}

/** Deployment views kept by the read cache (about 2 KB each). */
const CACHED_VIEWS = 1_000;

/** The auditor the live API requires of providers (MANAGED_WALLET_LEASE_ALLOWED_AUDITORS default). */
export const ALLOWED_AUDITORS = ["akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63"] as const;

/**
 * Deployment lifecycle: create (SDL -> manifest, deposit from credit, orders and planned bids),
 * read (escrow settled lazily, O(1)), list (O(page)), update in place, deposit, close (refund).
 * Every multi-row change runs in one transaction.
 */
export class DeploymentService {
  readonly #ctx: MarketContext;
  readonly #views: VersionedCache<Deployment>;
  #lastDseq = 0;

  constructor(ctx: MarketContext) {
    this.#ctx = ctx;
    this.#views = new VersionedCache(ctx.contentVersion, CACHED_VIEWS);
  }

  async create(userId: string, sdl: string, depositUsd: number | undefined): Promise<CreatedDeployment> {
    const { config, clock } = this.#ctx;
    if (depositUsd === undefined) throw new InvalidInputError("deposit is required");
    if (depositUsd < config.minDepositUsd) {
      throw new InvalidInputError(`Deposit too low: the minimum deposit is $${config.minDepositUsd}`);
    }
    const depositMicro = toMicro(depositUsd);
    const compiled = await this.#compile(sdl);
    const now = clock.now();
    const height = clock.heightAt(now);
    const funds = decFromMicro(depositMicro);
    const usage = await this.#providerUsage();

    const dseq = await this.#ctx.db.transaction().execute(async (trx) => {
      if (!(await spendCredit(trx, userId, depositMicro)))
        throw new InsufficientFundsError(INSUFFICIENT_BALANCE_MESSAGE);
      await countActiveDeployment(trx, userId, 1);
      const dseq = await this.#insertWithFreshDseq(trx, {
        user_id: userId,
        dseq: 0,
        state: "active",
        hash: compiled.hash,
        sdl,
        manifest: compiled.manifest,
        groups_json: JSON.stringify(compiled.groups),
        created_height: height,
        created_at: now,
        manifest_updated_at: null,
        manifest_generation: 1,
        closed_height: null,
        close_reason: null,
        escrow_funds: funds.toString(),
        escrow_transferred: "0",
        escrow_settled_height: height,
        escrow_rate: "0",
        escrow_dry_height: null,
      });
      await insertEscrowDeposit(trx, {
        id: crypto.randomUUID(),
        user_id: userId,
        dseq,
        height,
        amount: depositMicro,
        created_at: now,
      });
      await insertManifestVersion(trx, {
        user_id: userId,
        dseq,
        generation: 1,
        groups_json: JSON.stringify(compiled.groups),
        created_at: now,
      });
      await insertBids(trx, this.#plannedBids(userId, dseq, compiled.groups, now, usage));
      return dseq;
    });
    return {
      dseq: String(dseq),
      manifest: compiled.manifest,
      signTx: { code: 0, transactionHash: txHash(`create/${userId}/${dseq}`), rawLog: "" },
    };
  }

  /**
   * One deployment as the API shows it. The view is cached until the store changes, the next block
   * starts (escrow) or a lease's services change state (start delay), so repeated reads of an
   * unchanged deployment cost no query. The returned object is shared: callers must not mutate it.
   */
  async get(userId: string, dseq: number): Promise<Deployment> {
    const version = this.#views.version();
    const now = this.#ctx.clock.now();
    const key = `${userId}/${dseq}`;
    const cached = this.#views.get(key, version, now);
    if (cached) return cached;

    const settled = await this.settledOrThrow(userId, dseq);
    const [leases, deposits, owner] = await Promise.all([
      listLeases(this.#ctx.db, userId, [dseq]),
      listEscrowDeposits(this.#ctx.db, userId, [dseq]),
      this.#ctx.owners.addressOf(userId),
    ]);
    const groups = parseGroups(settled.row.groups_json);
    const view = deploymentView(owner, settled, leases, deposits, this.#ctx.config.denom, (lease) =>
      this.#statusOf(settled.row, groups, lease),
    );
    this.#views.set(key, version, view, this.#nextChangeOf(settled.row, leases, now));
    return view;
  }

  /** When the view of a deployment changes with time alone: the next block, or a rollout finishing. */
  #nextChangeOf(row: DeploymentListRow, leases: readonly LeaseRow[], now: number): number {
    const { clock, config } = this.#ctx;
    let next = clock.timeOfHeight(clock.heightAt(now) + 1);
    for (const lease of leases) {
      for (const since of [lease.created_at, row.manifest_updated_at ?? 0]) {
        const ready = since + config.startDelayMs;
        if (ready > now && ready < next) next = ready;
      }
    }
    return next;
  }

  /**
   * A page of the user's active deployments, newest first. The pagination is known up front; the
   * deployments come in batches of at most LIST_BATCH, each read when the previous one has been
   * consumed, so a page of any size (the live API's default is every deployment) costs O(batch)
   * memory. A page is not a snapshot: a deployment created or closed while a large one is read may
   * or may not be in it, as with the live API's own queries.
   */
  async list(
    userId: string,
    skip: number | undefined,
    limit: number | undefined,
  ): Promise<DeploymentListing> {
    const height = this.#ctx.clock.height();
    // Deployments whose escrow ran dry since their last write are closed first, so the page and
    // the total (a counter, not a COUNT over the user's history) only see active ones.
    for (const dry of await listDryDeployments(this.#ctx.db, userId, height))
      await this.mutate(userId, dry, async () => undefined);
    const from = skip ?? 0;
    const [total, owner, first] = await Promise.all([
      activeDeploymentCount(this.#ctx.db, userId),
      this.#ctx.owners.addressOf(userId),
      listActivePage(this.#ctx.db, userId, from, Math.min(limit ?? LIST_BATCH, LIST_BATCH)),
    ]);
    return {
      pagination: {
        total,
        skip: from,
        limit: limit ?? total,
        hasMore: limit !== undefined && from + limit < total,
      },
      batches: this.#listBatches(userId, owner, height, first, limit ?? Number.POSITIVE_INFINITY),
    };
  }

  /** The first batch (read at its offset), then the next ones, each continuing below the last dseq. */
  async *#listBatches(
    userId: string,
    owner: string,
    height: number,
    first: DeploymentListRow[],
    limit: number,
  ): AsyncGenerator<DeploymentListItem[]> {
    let rows = first;
    let remaining = limit;
    for (;;) {
      if (rows.length > 0) yield await this.#listItems(userId, owner, height, rows);
      remaining -= rows.length;
      const last = rows.at(-1);
      if (!last || rows.length < LIST_BATCH || remaining <= 0) return;
      rows = await listActiveBefore(this.#ctx.db, userId, last.dseq, Math.min(remaining, LIST_BATCH));
    }
  }

  async #listItems(
    userId: string,
    owner: string,
    height: number,
    rows: DeploymentListRow[],
  ): Promise<DeploymentListItem[]> {
    const dseqs = rows.map((r) => r.dseq);
    const [leases, deposits] = await Promise.all([
      listLeases(this.#ctx.db, userId, dseqs),
      listEscrowDeposits(this.#ctx.db, userId, dseqs),
    ]);
    const leasesOf = groupByDseq(leases);
    const depositsOf = groupByDseq(deposits);
    return rows.map((row) =>
      deploymentListItemView(
        owner,
        settleInMemory(row, height),
        leasesOf.get(row.dseq) ?? [],
        depositsOf.get(row.dseq) ?? [],
        this.#ctx.config.denom,
      ),
    );
  }

  /** Replaces the SDL in place when the groups' resources are unchanged (new manifest and hash). */
  async update(userId: string, dseq: number, sdl: string): Promise<Deployment> {
    const compiled = await this.#compile(sdl);
    await this.mutate(userId, dseq, async (trx, row) => {
      if (row.state !== "active") throw new InvalidInputError("Deployment closed");
      const comparison = compareGroupResources(JSON.parse(row.groups_json) as OrderGroup[], compiled.groups);
      if (!comparison.same) {
        throw new InvalidInputError(
          `Invalid SDL update: the resources of a deployment cannot change in place (${comparison.changed.join("; ")}). ` +
            "Keep the groups' resources as they are, or close this deployment and create a new one.",
        );
      }
      if (compiled.hash === row.hash) return;
      const now = this.#ctx.clock.now();
      const groupsJson = JSON.stringify(compiled.groups);
      const generation = row.manifest_generation + 1;
      await updateDeployment(trx, userId, dseq, {
        sdl,
        manifest: compiled.manifest,
        hash: compiled.hash,
        groups_json: groupsJson,
        manifest_updated_at: now,
        manifest_generation: generation,
      });
      await insertManifestVersion(trx, {
        user_id: userId,
        dseq,
        generation,
        groups_json: groupsJson,
        created_at: now,
      });
    });
    return this.get(userId, dseq);
  }

  /** Adds `depositUsd` from the user's credit to the escrow (402 when the credit is short). */
  async deposit(userId: string, dseq: number, depositUsd: number): Promise<Deployment> {
    const micro = toMicro(depositUsd);
    await this.mutate(userId, dseq, async (trx, row) => {
      if (row.state !== "active") throw new InvalidInputError("Deployment closed");
      if (!(await spendCredit(trx, userId, micro)))
        throw new InsufficientFundsError(INSUFFICIENT_BALANCE_MESSAGE);
      const funds = BigInt(row.escrow_funds) + decFromMicro(micro);
      const now = this.#ctx.clock.now();
      await updateDeployment(trx, userId, dseq, {
        escrow_funds: funds.toString(),
        escrow_dry_height: dryHeightOf(funds, BigInt(row.escrow_rate), row.escrow_settled_height),
      });
      await insertEscrowDeposit(trx, {
        id: crypto.randomUUID(),
        user_id: userId,
        dseq,
        height: this.#ctx.clock.heightAt(now),
        amount: micro,
        created_at: now,
      });
    });
    return this.get(userId, dseq);
  }

  /** Closes the deployment, its leases and bids, and refunds what is left in escrow. Idempotent. */
  async close(userId: string, dseq: number): Promise<void> {
    await this.mutate(userId, dseq, async (trx, row) => {
      if (row.state !== "active") return;
      const height = this.#ctx.clock.height();
      const refund = decToMicroFloor(BigInt(row.escrow_funds));
      await updateDeployment(trx, userId, dseq, {
        state: "closed",
        closed_height: height,
        close_reason: "owner",
        escrow_funds: "0",
        escrow_rate: "0",
        escrow_dry_height: null,
      });
      await countActiveDeployment(trx, userId, -1);
      await closeLeases(trx, userId, dseq, "closed", height, LEASE_CLOSED_OWNER);
      await closeDeploymentBids(trx, userId, dseq);
      if (refund > 0n) await addCredit(trx, userId, Number(refund));
    });
  }

  /** The deployment settled to now; a deployment whose escrow ran dry is closed first (persisted). */
  async settledOrThrow(userId: string, dseq: number): Promise<SettledDeployment<DeploymentSummaryRow>> {
    const row = await findDeploymentSummary(this.#ctx.db, userId, dseq);
    if (!row) throw new NotFoundError(DEPLOYMENT_NOT_FOUND);
    const settled = settleInMemory(row, this.#ctx.clock.height());
    if (settled.dryHeight === undefined) return settled;
    await this.mutate(userId, dseq, async () => undefined);
    const closed = await findDeploymentSummary(this.#ctx.db, userId, dseq);
    if (!closed) throw new NotFoundError(DEPLOYMENT_NOT_FOUND);
    return settleInMemory(closed, this.#ctx.clock.height());
  }

  /**
   * Runs `work` in a transaction on the locked deployment, its escrow settled (and persisted) up to
   * the current height first, so every write starts from a paid-up escrow.
   */
  async mutate(
    userId: string,
    dseq: number,
    work: (trx: Kysely<Database>, row: DeploymentRow) => Promise<void>,
  ): Promise<void> {
    await this.#ctx.db.transaction().execute(async (trx) => {
      const row = await findDeployment(trx, userId, dseq, this.#ctx.lockRows);
      if (!row) throw new NotFoundError(DEPLOYMENT_NOT_FOUND);
      const settled = settleInMemory(row, this.#ctx.clock.height());
      await persistSettlement(trx, row, settled);
      const current = (await findDeployment(trx, userId, dseq)) ?? row;
      await work(trx, current);
    });
  }

  async #compile(sdl: string): Promise<CompiledSdl> {
    try {
      return await compileSdl(sdl, { denom: this.#ctx.config.denom, allowedAuditors: ALLOWED_AUDITORS });
    } catch (error) {
      if (error instanceof InvalidSdlError) throw new InvalidInputError(error.message);
      throw error;
    }
  }

  /**
   * dseq is the creation time in ms as on the live API, kept strictly increasing in this process;
   * a collision with another replica's insert moves on to the next number.
   */
  async #insertWithFreshDseq(trx: Kysely<Database>, row: DeploymentRow): Promise<number> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const dseq = Math.max(this.#ctx.clock.now(), this.#lastDseq + 1);
      this.#lastDseq = dseq;
      const result = await trx
        .insertInto("deployments")
        .values({ ...row, dseq })
        .onConflict((oc) => oc.columns(["user_id", "dseq"]).doNothing())
        .executeTakeFirst();
      if ((result.numInsertedOrUpdatedRows ?? 0n) > 0n) return dseq;
    }
    throw new Error("could not allocate a dseq after 100 attempts");
  }

  /**
   * What each provider has committed to active leases, so a provider only bids on what still fits
   * its capacity. Derived from the store (not kept in memory), so replicas sharing one database agree.
   */
  async #providerUsage(): Promise<Map<string, ProviderUsage>> {
    const usage = new Map<string, ProviderUsage>();
    for (const lease of await listActiveLeaseGroups(this.#ctx.db)) {
      const provider = findProvider(this.#ctx.fleet, lease.provider);
      const group = parseGroups(lease.groups_json)[lease.gseq - 1];
      if (!provider || !group) continue;
      const used = usage.get(provider.address) ?? emptyUsage();
      usage.set(provider.address, addUsage(used, leaseUsage(group, provider, used)));
    }
    return usage;
  }

  #plannedBids(
    userId: string,
    dseq: number,
    groups: OrderGroup[],
    now: number,
    usage: Map<string, ProviderUsage>,
  ): BidRow[] {
    const { config, fleet, clock } = this.#ctx;
    return groups.flatMap((group, index) => {
      const plan = planBids(group, fleet, {
        usage: (address) => usage.get(address),
        denom: config.denom,
        ...(config.bidDelayMs !== undefined ? { bidDelayMs: config.bidDelayMs } : {}),
        faults: { bidDrought: config.faults.bidDrought, providersOffline: config.faults.providersOffline },
      });
      const offer = JSON.stringify(resourcesOffer(group));
      return plan.bids.map((bid) => ({
        user_id: userId,
        dseq,
        gseq: index + 1,
        oseq: 1,
        provider: bid.provider.address,
        bseq: 0,
        state: "open",
        price_amount: bid.priceDec.toString(),
        created_height: clock.heightAt(now + bid.delayMs),
        visible_at: now + bid.delayMs,
        resources_json: offer,
      }));
    });
  }

  #statusOf(row: DeploymentListRow, groups: OrderGroup[], lease: LeaseRow): LeaseStatus | null {
    const provider = findProvider(this.#ctx.fleet, lease.provider);
    const group = groups[lease.gseq - 1];
    if (!provider || !group) return null;
    return leaseStatus({
      group,
      provider,
      lease: { dseq: String(lease.dseq), gseq: lease.gseq, oseq: lease.oseq },
      deployedAtMs: lease.created_at,
      ...(row.manifest_updated_at !== null && row.manifest_updated_at > lease.created_at
        ? { updatedAtMs: row.manifest_updated_at }
        : {}),
      generation: row.manifest_generation,
      nowMs: this.#ctx.clock.now(),
      startDelayMs: this.#ctx.config.startDelayMs,
      closed: lease.state !== "active",
      providerOffline: provider.offline || offlineByFault(provider, this.#ctx.config.faults.providersOffline),
      unready: offlineByFault(provider, this.#ctx.config.faults.providersUnready),
    });
  }
}

function groupByDseq<T extends { dseq: number }>(items: readonly T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const list = groups.get(item.dseq);
    if (list) list.push(item);
    else groups.set(item.dseq, [item]);
  }
  return groups;
}

/** Parsed order groups by their JSON: a deployment's groups change only with its manifest. */
const groupCache = new Map<string, OrderGroup[]>();
const GROUP_CACHE_SIZE = 200;

function parseGroups(json: string): OrderGroup[] {
  const cached = groupCache.get(json);
  if (cached) return cached;
  const groups = JSON.parse(json) as OrderGroup[];
  if (groupCache.size >= GROUP_CACHE_SIZE) groupCache.clear();
  groupCache.set(json, groups);
  return groups;
}

function toMicro(usd: number): number {
  const micro = Number(usdToMicro(usd));
  if (!Number.isSafeInteger(micro)) throw new InvalidInputError(`Deposit of $${usd} is too large`);
  return micro;
}

/** A transaction-hash-looking identifier (uppercase hex SHA-256), stable for the same input. */
function txHash(seed: string): string {
  return createHash("sha256").update(seed).digest("hex").toUpperCase();
}
