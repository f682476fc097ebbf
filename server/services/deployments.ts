import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type {
  CreatedDeployment,
  Deployment,
  DeploymentDetail,
  DeploymentListItem,
  DeploymentNames,
  DeploymentPage,
  LeaseStatus,
  PatchDeploymentBody,
  PatchedDeployment,
} from "../../sdk/contract";
import { usdToMicro } from "../../sdk/money";
import type { ServerConfig } from "../config";
import type { Database } from "../db/schema";
import {
  addUsage,
  checkSecretValues,
  compareGroupResources,
  compileSdl,
  decFromMicro,
  deliverManifest,
  emptyUsage,
  findProvider,
  InvalidSdlError,
  leaseStatus,
  leaseUsage,
  offlineByFault,
  patchSdl,
  planBids,
  referencedValues,
  resourcesOffer,
  sealPlainEnvValues,
  SdlPatchError,
  SecretRulesError,
  type CompiledSdl,
  type OrderGroup,
  type ProviderUsage,
} from "../market";
import { insertBids, type BidRow } from "../repositories/bids";
import {
  countDeployments,
  findDeployment,
  findDeploymentSummary,
  insertEscrowDeposit,
  insertManifestVersion,
  listDeploymentNames,
  listDeploymentPage,
  listDueDeployments,
  listEscrowDeposits,
  updateDeployment,
  type DeploymentListRow,
  type DeploymentRow,
  type DeploymentSummaryRow,
} from "../repositories/deployments";
import { listActiveLeaseGroups, listLeases, type LeaseRow } from "../repositories/leases";
import { activeDeploymentCount, countActiveDeployment, spendCredit } from "../repositories/users";
import {
  deploymentListItemView,
  deploymentView,
  OWNER_CLOSE_REASON,
  settingsView,
  type SettledDeployment,
} from "./deployment-view";
import { ConflictError, InvalidInputError, NotFoundError } from "./errors";
import { insufficientBalance, resourcesChanged } from "./refusals";
import { closeDeploymentAt, nextSettlementHeight, settleAndPersist, settleInMemory } from "./escrow-ledger";
import type { MarketContext } from "./market-context";
import { VersionedCache } from "./versioned-cache";

export { INSUFFICIENT_BALANCE_MESSAGE } from "./refusals";

export const DEPLOYMENT_NOT_FOUND = "Deployment not found";

/** The answer when the deployment named by inheritSecretsFrom is not one of the caller's. */
export const inheritedNotFound = (dseq: number | string) =>
  `Deployment ${dseq} (inheritSecretsFrom) not found`;

/** The default (and largest) page of GET /v1/deployments, as on the live API. */
export const DEFAULT_PAGE = 100;

/** Deployment views kept by the read cache (about 2 KB each). */
const CACHED_VIEWS = 1_000;

/** Listing pages kept by the read cache (about 1.5 KB an item, at most 100 items a page). */
const CACHED_PAGES = 64;

/** The auditor the live API requires of providers (MANAGED_WALLET_LEASE_ALLOWED_AUDITORS default). */
export const ALLOWED_AUDITORS = ["akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63"] as const;

/**
 * Deployment lifecycle: create (SDL -> manifest, deposit from credit, orders and planned bids),
 * read (escrow settled lazily, O(1)), list (O(page)), update in place, deposit, close (refund).
 * Every multi-row change runs in one transaction.
 */
export class DeploymentService {
  readonly #ctx: MarketContext;
  readonly #views: VersionedCache<DeploymentDetail>;
  readonly #pages: VersionedCache<DeploymentPage>;
  #lastDseq = 0;

  constructor(ctx: MarketContext) {
    this.#ctx = ctx;
    this.#views = new VersionedCache(ctx.contentVersion, CACHED_VIEWS);
    this.#pages = new VersionedCache(ctx.contentVersion, CACHED_PAGES);
  }

  /**
   * Creates a deployment: compiles the SDL, opens and checks its sealed secrets (and inherited
   * ones), funds the escrow (the caller's deposit, or the default deposit with automatic funding)
   * from the credit, plans the providers' bids; one transaction.
   */
  async create(userId: string, input: CreateDeploymentInput): Promise<CreatedDeployment> {
    const { config, clock } = this.#ctx;
    let depositMicro: number;
    if (config.funding === "auto") {
      // The live API: `deposit` is deprecated and ignored; the platform funds every deployment.
      depositMicro = this.#ctx.ledger.policy.defaultDepositMicro;
    } else {
      if (input.deposit === undefined) throw new InvalidInputError("deposit is required");
      if (input.deposit < config.minDepositUsd) {
        throw new InvalidInputError(`Deposit too low: the minimum deposit is $${config.minDepositUsd}`);
      }
      depositMicro = toMicro(input.deposit);
    }
    // A client that seals nothing has its plain env values sealed here, as the live API does.
    const sealedHere =
      input.sealedSecrets === undefined && input.inheritSecretsFrom === undefined
        ? sealPlainEnvValues(input.sdl)
        : undefined;
    const sdl = sealedHere?.sdl ?? input.sdl;
    const plain = await this.#compile(sdl);
    const secrets = await this.#secretsForCreate(userId, input, plain, sealedHere?.values);
    const compiled = Object.keys(secrets).length > 0 ? await this.#compile(sdl, secrets) : plain;
    const now = clock.now();
    const height = clock.heightAt(now);
    const funds = decFromMicro(depositMicro);
    const usage = await this.#providerUsage();

    const dseq = await this.#ctx.db.transaction().execute(async (trx) => {
      if (!(await spendCredit(trx, userId, depositMicro)))
        throw await insufficientBalance(trx, config, userId, depositMicro);
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
        name: input.name ?? defaultName(compiled.groups),
        runtime_limit_hours: input.runtimeLimitHours ?? null,
        runtime_ends_at: null,
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
      if (Object.keys(secrets).length > 0)
        await this.#ctx.secrets.store.save(trx, userId, dseq, secrets, now);
      return dseq;
    });
    return {
      dseq: String(dseq),
      manifest: compiled.manifest,
      signTx: { code: 0, transactionHash: txHash(`create/${userId}/${dseq}`), rawLog: "" },
    };
  }

  /**
   * The values a new deployment stores: inherited ones (another of the caller's deployments, any
   * state) under the sealed ones, kept only where the SDL references them; every reference must
   * have a value and every sealed value a reference.
   */
  async #secretsForCreate(
    userId: string,
    input: CreateDeploymentInput,
    compiled: CompiledSdl,
    sealedHere?: Record<string, string>,
  ): Promise<Record<string, string>> {
    const { secrets } = this.#ctx;
    let inherited: Record<string, string> = {};
    const source = input.inheritSecretsFrom;
    if (source !== undefined) {
      if (!(await findDeploymentSummary(this.#ctx.db, userId, source)))
        throw new NotFoundError(inheritedNotFound(source));
      inherited = await secrets.store.load(
        this.#ctx.db,
        userId,
        source,
        (message) => new ConflictError(message, { code: "inherited_secrets_unreadable" }),
      );
    }
    const sealed =
      sealedHere ??
      (input.sealedSecrets ? await secrets.opener.open(input.sealedSecrets, userId, input.sdl) : {});
    const values = referencedValues(compiled.references, { ...inherited, ...sealed });
    checkSecrets(compiled.references, values, Object.keys(sealed));
    return values;
  }

  /**
   * One deployment as the API shows it. The view is cached until the store changes, the next block
   * starts (escrow) or a lease's services change state (start delay), so repeated reads of an
   * unchanged deployment cost no query. The returned object is shared: callers must not mutate it.
   * `version`: the store's content version, read after the request arrived and before any of its
   * writes (its authentication's), which saves asking the database again.
   */
  async get(userId: string, dseq: number, version?: number): Promise<DeploymentDetail> {
    version ??= await this.#views.version();
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
    const view: DeploymentDetail = {
      ...deploymentView(owner, settled, leases, deposits, this.#ctx.config.denom, (lease) =>
        this.#statusOf(settled.row, groups, lease),
      ),
      name: settled.row.name,
      consoleSettings: { sdl: settled.row.sdl, manifestVersion: settled.row.hash },
      settings: settingsView(settled.row),
    };
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
   * A page of the user's deployments: active (or closed) ones, oldest first (newest with
   * `reverse`), those whose name or dseq contains `search`, at most 100. Deployments due a
   * settlement (escrow dry, a top-up, the runtime limit over) are settled first, so the page and
   * the total see them in their true state. Like a deployment's view, a page is cached until the
   * store changes or the next block (list items show no lease status, so no rollout moves them);
   * the returned object is shared: callers must not mutate it. `version`: as for `get`.
   */
  async list(userId: string, query: ListQuery, version?: number): Promise<DeploymentPage> {
    version ??= await this.#pages.version();
    const now = this.#ctx.clock.now();
    const filter = { state: query.state ?? "active", search: query.search || undefined } as const;
    const skip = query.skip ?? 0;
    const limit = Math.min(query.limit ?? DEFAULT_PAGE, DEFAULT_PAGE);
    const reverse = query.reverse ?? false;
    const key = JSON.stringify([userId, filter.state, filter.search, skip, limit, reverse]);
    const cached = this.#pages.get(key, version, now);
    if (cached) return cached;

    const height = this.#ctx.clock.heightAt(now);
    for (const due of await listDueDeployments(this.#ctx.db, userId, height))
      await this.mutate(userId, due, async () => undefined);
    const [total, owner, rows] = await Promise.all([
      filter.state === "active" && !filter.search
        ? activeDeploymentCount(this.#ctx.db, userId)
        : countDeployments(this.#ctx.db, userId, filter),
      this.#ctx.owners.addressOf(userId),
      listDeploymentPage(this.#ctx.db, userId, filter, { skip, limit, reverse }),
    ]);
    const page: DeploymentPage = {
      deployments: rows.length > 0 ? await this.#listItems(userId, owner, height, rows) : [],
      pagination: { total, skip, limit, hasMore: skip + rows.length < total },
    };
    const { clock } = this.#ctx;
    this.#pages.set(key, version, page, clock.timeOfHeight(height + 1));
    return page;
  }

  /** The names of the caller's deployments among `dseqs`, keyed by dseq (null: none, or not the caller's). */
  async names(userId: string, dseqs: readonly number[]): Promise<DeploymentNames> {
    const rows = await listDeploymentNames(this.#ctx.db, userId, [...new Set(dseqs)]);
    const byDseq = new Map(rows.map((row) => [String(row.dseq), row.name]));
    return Object.fromEntries(dseqs.map(String).map((dseq) => [dseq, byDseq.get(dseq) ?? null]));
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
    return rows.map((row) => ({
      ...deploymentListItemView(
        owner,
        settleInMemory(row, height),
        leasesOf.get(row.dseq) ?? [],
        depositsOf.get(row.dseq) ?? [],
        this.#ctx.config.denom,
      ),
      name: row.name,
      groups: groupsView(owner, row, parseGroups(row.groups_json)),
      settings: settingsView(row),
    }));
  }

  /**
   * Replaces the SDL in place when the groups' resources are unchanged (new manifest and hash),
   * and renames when asked. Secret references resolve to the stored values (values the new SDL no
   * longer references are forgotten); the manifest goes to every active lease's provider.
   */
  async update(userId: string, dseq: number, sdl: string, name?: string): Promise<Deployment> {
    const plain = await this.#compile(sdl);
    const stored = await this.#ctx.secrets.store.load(this.#ctx.db, userId, dseq);
    const values = referencedValues(plain.references, stored);
    checkSecrets(plain.references, values, []);
    const compiled = Object.keys(values).length > 0 ? await this.#compile(sdl, values) : plain;
    let delivered = false;
    await this.mutate(userId, dseq, async (trx, row) => {
      if (row.state !== "active") throw new InvalidInputError("Deployment closed");
      assertSameResources(this.#ctx.config, row, compiled, "put");
      if (name !== undefined && name !== row.name) await updateDeployment(trx, userId, dseq, { name });
      if (compiled.hash === row.hash) return;
      await this.#replaceDefinition(trx, row, sdl, compiled);
      await this.#ctx.secrets.store.save(trx, userId, dseq, values, this.#ctx.clock.now());
      delivered = true;
    });
    if (delivered) await this.#deliver(userId, dseq, sdl, values, compiled.hash);
    return this.get(userId, dseq);
  }

  /**
   * PATCH: per-service changes to the stored SDL, a rename, new secret values (only the names it
   * replaces). Guarded by `ifManifestVersion` (or the version read here): 409 when the deployment
   * moved on, unless it moved on to the version this patch produces, so an identical retry succeeds.
   */
  async patch(userId: string, dseq: number, patch: PatchDeploymentBody["data"]): Promise<PatchedDeployment> {
    const row = await findDeployment(this.#ctx.db, userId, dseq);
    if (!row) throw new NotFoundError(DEPLOYMENT_NOT_FOUND);
    if (row.state !== "active") throw new InvalidInputError("Deployment closed");
    const changesDefinition =
      patch.sealedSecrets !== undefined ||
      Object.values(patch.services ?? {}).some((service) =>
        Object.values(service).some((v) => v !== undefined),
      );
    const expected = patch.ifManifestVersion ?? row.hash;
    if (!changesDefinition) {
      await this.mutate(userId, dseq, async (trx, current) => {
        if (current.state !== "active") throw new InvalidInputError("Deployment closed");
        if (current.hash !== expected) throw definitionChanged();
        if (patch.name !== undefined) await updateDeployment(trx, userId, dseq, { name: patch.name });
      });
      const { deployment, leases, escrow_account, name } = await this.get(userId, dseq);
      return { deployment, leases, escrow_account, name: name ?? null };
    }

    let sdl: string;
    try {
      sdl = patch.services ? patchSdl(row.sdl, patch.services) : row.sdl;
    } catch (error) {
      if (error instanceof SdlPatchError) throw new InvalidInputError(error.message);
      throw error;
    }
    const plain = await this.#compile(sdl);
    const stored = await this.#ctx.secrets.store.load(this.#ctx.db, userId, dseq);
    // A patch's seal is bound to the stored SDL when it says so (sdlHash); clients seal without it.
    const sealed = patch.sealedSecrets
      ? await this.#ctx.secrets.opener.open(patch.sealedSecrets, userId, row.sdl)
      : {};
    const values = referencedValues(plain.references, { ...stored, ...sealed });
    checkSecrets(plain.references, values, Object.keys(sealed));
    const compiled = Object.keys(values).length > 0 ? await this.#compile(sdl, values) : plain;
    assertSameResources(this.#ctx.config, row, compiled, "patch");

    let delivered = false;
    await this.mutate(userId, dseq, async (trx, current) => {
      if (current.state !== "active") throw new InvalidInputError("Deployment closed");
      if (current.hash !== expected && current.hash !== compiled.hash) throw definitionChanged();
      if (patch.name !== undefined && patch.name !== current.name)
        await updateDeployment(trx, userId, dseq, { name: patch.name });
      if (compiled.hash !== current.hash) {
        await this.#replaceDefinition(trx, current, sdl, compiled);
        delivered = true;
      } else if (sdl !== current.sdl) {
        await updateDeployment(trx, userId, dseq, { sdl, manifest: compiled.manifest });
      }
      await this.#ctx.secrets.store.save(trx, userId, dseq, values, this.#ctx.clock.now());
    });
    if (delivered) await this.#deliver(userId, dseq, sdl, values, compiled.hash);
    const { deployment, leases, escrow_account, name } = await this.get(userId, dseq);
    return { deployment, leases, escrow_account, name: name ?? null, manifestVersion: compiled.hash };
  }

  /** A new definition in place: SDL, manifest, hash, groups, and a manifest version (events, logs). */
  async #replaceDefinition(
    trx: Kysely<Database>,
    row: DeploymentRow,
    sdl: string,
    compiled: CompiledSdl,
  ): Promise<void> {
    const now = this.#ctx.clock.now();
    const groupsJson = JSON.stringify(compiled.groups);
    const generation = row.manifest_generation + 1;
    await updateDeployment(trx, row.user_id, row.dseq, {
      sdl,
      manifest: compiled.manifest,
      hash: compiled.hash,
      groups_json: groupsJson,
      manifest_updated_at: now,
      manifest_generation: generation,
    });
    await insertManifestVersion(trx, {
      user_id: row.user_id,
      dseq: row.dseq,
      generation,
      groups_json: groupsJson,
      created_at: now,
    });
  }

  /**
   * Sends the manifest, secrets resolved, to the provider of every active lease (the simulated
   * provider checks it against the hash and keeps nothing). Without secrets there is nothing to
   * resolve and the stored manifest is what the providers have.
   */
  async #deliver(
    userId: string,
    dseq: number,
    sdl: string,
    secrets: Readonly<Record<string, string>>,
    hash: string,
  ): Promise<void> {
    if (Object.keys(secrets).length === 0) return;
    const leases = await listLeases(this.#ctx.db, userId, [dseq]);
    if (!leases.some((lease) => lease.state === "active")) return;
    await deliverManifest(sdl, { ...this.#compileOptions(), secrets }, hash);
  }

  /** Sends a deployment's stored manifest to its providers (lease creation), secrets resolved. */
  async deliverStored(userId: string, dseq: number): Promise<void> {
    const row = await findDeployment(this.#ctx.db, userId, dseq);
    if (!row || row.state !== "active") return;
    const secrets = await this.#ctx.secrets.store.load(this.#ctx.db, userId, dseq);
    await this.#deliver(userId, dseq, row.sdl, secrets, row.hash);
  }

  /** Adds `depositUsd` from the user's credit to the escrow (402 when the credit is short). */
  async deposit(userId: string, dseq: number, depositUsd: number): Promise<Deployment> {
    const micro = toMicro(depositUsd);
    await this.mutate(userId, dseq, async (trx, row) => {
      if (row.state !== "active") throw new InvalidInputError("Deployment closed");
      if (!(await spendCredit(trx, userId, micro)))
        throw await insufficientBalance(trx, this.#ctx.config, userId, micro);
      const funds = BigInt(row.escrow_funds) + decFromMicro(micro);
      const now = this.#ctx.clock.now();
      const state = { funds, rate: BigInt(row.escrow_rate), settledHeight: row.escrow_settled_height };
      await updateDeployment(trx, userId, dseq, {
        escrow_funds: funds.toString(),
        escrow_dry_height: nextSettlementHeight(state, row, this.#ctx.ledger),
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
      const escrow = {
        transferred: BigInt(row.escrow_transferred),
        settledHeight: row.escrow_settled_height,
      };
      await closeDeploymentAt(
        trx,
        row,
        this.#ctx.clock.height(),
        OWNER_CLOSE_REASON,
        escrow,
        BigInt(row.escrow_funds),
      );
    });
  }

  /**
   * The deployment settled to now; one due a settlement (escrow dry, a top-up, the runtime limit
   * over) is settled and persisted first.
   */
  async settledOrThrow(userId: string, dseq: number): Promise<SettledDeployment<DeploymentSummaryRow>> {
    const row = await findDeploymentSummary(this.#ctx.db, userId, dseq);
    if (!row) throw new NotFoundError(DEPLOYMENT_NOT_FOUND);
    const settled = settleInMemory(row, this.#ctx.clock.height());
    if (!settled.due) return settled;
    await this.mutate(userId, dseq, async () => undefined);
    const closed = await findDeploymentSummary(this.#ctx.db, userId, dseq);
    if (!closed) throw new NotFoundError(DEPLOYMENT_NOT_FOUND);
    return settleInMemory(closed, this.#ctx.clock.height());
  }

  /**
   * Runs `work` in a transaction on the locked deployment, its escrow settled (and persisted) up to
   * the current height first (top-ups, and closing when it ran dry or its runtime limit ended), so
   * every write starts from a paid-up escrow.
   */
  async mutate(
    userId: string,
    dseq: number,
    work: (trx: Kysely<Database>, row: DeploymentRow) => Promise<void>,
  ): Promise<void> {
    await this.#ctx.db.transaction().execute(async (trx) => {
      const row = await findDeployment(trx, userId, dseq, this.#ctx.lockRows);
      if (!row) throw new NotFoundError(DEPLOYMENT_NOT_FOUND);
      await settleAndPersist(trx, row, this.#ctx.clock.height(), this.#ctx.ledger);
      const current = (await findDeployment(trx, userId, dseq)) ?? row;
      await work(trx, current);
    });
  }

  #compileOptions() {
    return { denom: this.#ctx.config.denom, allowedAuditors: ALLOWED_AUDITORS };
  }

  /** Compiles an SDL; with `secrets`, the hash is over the manifest with them resolved. */
  async #compile(sdl: string, secrets?: Readonly<Record<string, string>>): Promise<CompiledSdl> {
    try {
      return await compileSdl(sdl, { ...this.#compileOptions(), ...(secrets ? { secrets } : {}) });
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

export interface CreateDeploymentInput {
  sdl: string;
  deposit?: number | undefined;
  name?: string | undefined;
  runtimeLimitHours?: number | undefined;
  sealedSecrets?: string | undefined;
  inheritSecretsFrom?: number | undefined;
}

export interface ListQuery {
  state?: "active" | "closed" | undefined;
  search?: string | undefined;
  reverse?: boolean | undefined;
  skip?: number | undefined;
  limit?: number | undefined;
}

/** The live API's default name: the SDL's service names joined with `+`. */
function defaultName(groups: readonly OrderGroup[]): string {
  return [...new Set(groups.flatMap((group) => group.services.map((service) => service.name)))].join("+");
}

function checkSecrets(
  references: readonly string[],
  values: Readonly<Record<string, string>>,
  sealedNames: readonly string[],
): void {
  try {
    checkSecretValues(references, values, sealedNames);
  } catch (error) {
    if (error instanceof SecretRulesError) throw new InvalidInputError(error.message);
    throw error;
  }
}

function assertSameResources(
  config: ServerConfig,
  row: DeploymentRow,
  compiled: CompiledSdl,
  via: "patch" | "put",
): void {
  const comparison = compareGroupResources(JSON.parse(row.groups_json) as OrderGroup[], compiled.groups);
  if (!comparison.same) throw resourcesChanged(config, comparison.changed, via);
}

function definitionChanged(): ConflictError {
  return new ConflictError(
    "The deployment's definition changed since the version this patch expects (ifManifestVersion); read it again and re-send the patch",
    { code: "deployment_definition_changed" },
  );
}

/** The deployment's groups as the chain lists them (list items' `groups`). */
function groupsView(owner: string, row: DeploymentListRow, groups: readonly OrderGroup[]): unknown[] {
  return groups.map((group, index) => ({
    id: { owner, dseq: String(row.dseq), gseq: index + 1 },
    state: row.state === "active" ? "open" : "closed",
    group_spec: {
      name: group.name,
      requirements: {
        signed_by: { all_of: group.requirements.signedBy.allOf, any_of: group.requirements.signedBy.anyOf },
        attributes: group.requirements.attributes,
      },
      resources: group.resources.map((unit) => ({
        resource: unit.chain,
        count: unit.count,
        price: unit.price,
      })),
    },
    created_at: String(row.created_height),
  }));
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
