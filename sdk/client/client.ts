// AkashClient: one typed method per route of the contract, over a shared keep-alive undici pool.
import { inspect } from "node:util";
import type { Dispatcher } from "undici";
import type { z } from "zod";
import type { CreateApiKeyBody, CreatedApiKey, ApiKey, UpdateApiKeyBody } from "../contract/api-keys";
import type { Balances, BalancesQuery } from "../contract/balances";
import type { BidListItem } from "../contract/bids";
import type { Certificate, CreatedCertificate } from "../contract/certificates";
import type { Success } from "../contract/common";
import type {
  CreateDeploymentSettingV1Body,
  CreateDeploymentSettingV2Body,
  DeploymentSetting,
  UpdateDeploymentSettingV2Body,
} from "../contract/deployment-settings";
import type {
  CreateDeploymentBody,
  CreatedDeployment,
  Deployment,
  DeploymentDetail,
  DeploymentListItem,
  DeploymentNames,
  DeploymentPage,
  ListDeploymentsQuery,
  PatchDeploymentBody,
  PatchedDeployment,
} from "../contract/deployments";
import { getApiDocumentRoute, type ApiDocument } from "../contract/api-document";
import type { DeploymentFundingConfig } from "../contract/funding";
import type { SdlSecretsContext } from "../contract/secrets";
import type { DeploymentEvent, EventsQuery } from "../contract/events";
import type { CreateLeaseBody } from "../contract/leases";
import type { LogEntry, LogsQuery } from "../contract/logs";
import type { RouteResponse } from "../contract/route";
import { routes, type OperationId, type Routes } from "../contract/routes";
import type { User } from "../contract/user";
import type { Wallet } from "../contract/wallets";
import type { UsdAmount } from "../money";
import { sleep } from "./backoff";
import { resolveEndpoint, type CredentialOptions } from "./config";
import {
  callRoute,
  wireUsd,
  type RequestContext,
  type RequestOptions,
  type RetryPolicy,
  type RetryWait,
} from "./request";
import { poolFor } from "./transport";

/** A deployment sequence number: "1234", 1234 or 1234n. */
export type Dseq = string | number | bigint;

export interface AkashClientOptions extends CredentialOptions {
  /** Time allowed for each attempt's answer; default 30 s. */
  timeoutMs?: number;
  /** Time allowed for a whole call including retries; default 120 s. */
  deadlineMs?: number;
  /** Retries after the first attempt (default 4) and backoff scale (default 250 ms, at most 8 s). */
  retry?: Partial<RetryPolicy>;
  /**
   * Set when the server replays answers for a repeated Idempotency-Key (the reference server
   * does; the live Console API does not). Creates and deposits are then retried like reads.
   */
  trustIdempotencyKey?: boolean;
  /** undici dispatcher; default: a keep-alive Pool shared by all clients of the same origin. */
  dispatcher?: Dispatcher;
  userAgent?: string;
  /** Environment to read AKASH_API_KEY / CONSOLE_API_KEY / AKASH_API_URL from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Injectable timing (tests): sleep between retries and polls, jitter source, clock. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** Told before each wait between two attempts of a call (how long, and why), e.g. to log it. */
  onRetryWait?: (wait: RetryWait) => void;
}

type InputPart<R, K extends "params" | "query" | "body"> = R extends { [P in K]: infer S extends z.ZodType }
  ? K extends "query"
    ? { [P in K]?: z.input<S> }
    : { [P in K]: z.input<S> }
  : { [P in K]?: undefined };
/** The arguments of `client.call(operationId, input)`: the route's params, query and body. */
export type CallInput<R> = InputPart<R, "params"> & InputPart<R, "query"> & InputPart<R, "body">;

const dseqParams = (dseq: Dseq) => ({ dseq: String(dseq) });

export class AkashClient {
  readonly #ctx: RequestContext;
  /** The API's base URL (no credentials). */
  readonly baseUrl: string;

  constructor(options: AkashClientOptions = {}) {
    const endpoint = resolveEndpoint(options, options.env);
    this.baseUrl = endpoint.origin + endpoint.basePath;
    this.#ctx = {
      dispatcher: options.dispatcher ?? poolFor(endpoint.origin),
      basePath: endpoint.basePath,
      apiKey: endpoint.apiKey,
      userAgent: options.userAgent ?? "pulumi-akash-sdk",
      timeoutMs: options.timeoutMs ?? 30_000,
      deadlineMs: options.deadlineMs ?? 120_000,
      retry: { retries: 4, baseDelayMs: 250, maxDelayMs: 8_000, ...options.retry },
      trustIdempotencyKey: options.trustIdempotencyKey ?? false,
      sleep: options.sleep ?? sleep,
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
      refusedWrites: new Map(),
      ...(options.onRetryWait ? { onRetryWait: options.onRetryWait } : {}),
    };
  }

  /** Calls any route of the contract by operation id; answers the full `{data: ...}` body. */
  call<K extends OperationId>(
    operationId: K,
    input: CallInput<Routes[K]>,
    options?: RequestOptions,
  ): Promise<RouteResponse<Routes[K]>> {
    return callRoute(this.#ctx, routes[operationId], input, options);
  }

  #usd(usd: UsdAmount, operationId: OperationId): number {
    return wireUsd(usd, routes[operationId], this.#ctx.basePath, ["body", "data", "deposit"]);
  }

  /** The injected sleep (used by waitForBids and deploy in sdk/deploy/, so tests control time). */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.#ctx.sleep(ms, signal);
  }

  /** The injected clock. */
  now(): number {
    return this.#ctx.now();
  }

  // API keys (/v1/api-keys)
  async listApiKeys(options?: RequestOptions): Promise<ApiKey[]> {
    return (await this.call("listApiKeys", {}, options)).data;
  }
  async createApiKey(data: CreateApiKeyBody["data"], options?: RequestOptions): Promise<CreatedApiKey> {
    return (await this.call("createApiKey", { body: { data } }, options)).data;
  }
  async getApiKey(id: string, options?: RequestOptions): Promise<ApiKey> {
    return (await this.call("getApiKey", { params: { id } }, options)).data;
  }
  async updateApiKey(id: string, data: UpdateApiKeyBody["data"], options?: RequestOptions): Promise<ApiKey> {
    return (await this.call("updateApiKey", { params: { id }, body: { data } }, options)).data;
  }
  async deleteApiKey(id: string, options?: RequestOptions): Promise<void> {
    await this.call("deleteApiKey", { params: { id } }, options);
  }

  // API keys at AEP-63's path (/v1/users/api-keys); same behaviour.
  async listUserApiKeys(options?: RequestOptions): Promise<ApiKey[]> {
    return (await this.call("listUserApiKeys", {}, options)).data;
  }
  async createUserApiKey(data: CreateApiKeyBody["data"], options?: RequestOptions): Promise<CreatedApiKey> {
    return (await this.call("createUserApiKey", { body: { data } }, options)).data;
  }
  async getUserApiKey(id: string, options?: RequestOptions): Promise<ApiKey> {
    return (await this.call("getUserApiKey", { params: { id } }, options)).data;
  }
  async updateUserApiKey(
    id: string,
    data: UpdateApiKeyBody["data"],
    options?: RequestOptions,
  ): Promise<ApiKey> {
    return (await this.call("updateUserApiKey", { params: { id }, body: { data } }, options)).data;
  }
  async deleteUserApiKey(id: string, options?: RequestOptions): Promise<void> {
    await this.call("deleteUserApiKey", { params: { id } }, options);
  }

  // Certificates (AEP-63). On the live API createCertificate fails with code "endpoint_removed".
  async createCertificate(options?: RequestOptions): Promise<CreatedCertificate> {
    return (await this.call("createCertificate", {}, options)).data;
  }
  async listCertificates(options?: RequestOptions): Promise<Certificate[]> {
    return (await this.call("listCertificates", {}, options)).data;
  }
  async revokeCertificate(serial: string, options?: RequestOptions): Promise<Success> {
    return (await this.call("revokeCertificate", { params: { id: serial } }, options)).data;
  }

  // Deployments
  /**
   * Creates a deployment. Sends an Idempotency-Key (fresh per call unless `options.idempotencyKey`)
   * and is retried only when the request provably did not run (see `mayRetry`), or like any
   * retry-safe call when the client trusts the server's Idempotency-Key handling.
   */
  async createDeployment(
    input: Omit<CreateDeploymentBody["data"], "deposit" | "inheritSecretsFrom"> & {
      deposit?: UsdAmount;
      inheritSecretsFrom?: Dseq;
    },
    options?: RequestOptions,
  ): Promise<CreatedDeployment> {
    const { deposit, inheritSecretsFrom, ...rest } = input;
    const data = {
      ...rest,
      ...(deposit === undefined ? {} : { deposit: this.#usd(deposit, "createDeployment") }),
      ...(inheritSecretsFrom === undefined ? {} : { inheritSecretsFrom: String(inheritSecretsFrom) }),
    };
    return (await this.call("createDeployment", { body: { data } }, options)).data;
  }
  /** One page: active deployments by default, oldest first; `limit` at most 100 (the default). */
  async listDeployments(query: ListDeploymentsQuery = {}, options?: RequestOptions): Promise<DeploymentPage> {
    return (await this.call("listDeployments", { query }, options)).data;
  }
  /** Every deployment matching the filters (active by default), page by page (`pageSize` per request, default 100). */
  async *listAllDeployments(
    options: RequestOptions &
      Pick<ListDeploymentsQuery, "state" | "search" | "reverse"> & { pageSize?: number } = {},
  ): AsyncGenerator<DeploymentListItem, void, undefined> {
    const { pageSize = 100, state, search, reverse, ...requestOptions } = options;
    const filters = {
      ...(state === undefined ? {} : { state }),
      ...(search === undefined ? {} : { search }),
      ...(reverse === undefined ? {} : { reverse }),
    };
    for (let skip = 0; ;) {
      const page = await this.listDeployments({ ...filters, skip, limit: pageSize }, requestOptions);
      yield* page.deployments;
      skip += page.deployments.length;
      if (!page.pagination.hasMore || page.deployments.length === 0) return;
    }
  }
  /** The deployment with its leases' status, escrow, name and stored definition (both optional: older servers lack them). */
  async getDeployment(dseq: Dseq, options?: RequestOptions): Promise<DeploymentDetail> {
    return (await this.call("getDeployment", { params: dseqParams(dseq) }, options)).data;
  }
  /**
   * Patches the stored definition per service, the name or secret values. Retry-safe: with
   * `ifManifestVersion` a repeat of a patch that landed answers as the first did.
   */
  async patchDeployment(
    dseq: Dseq,
    patch: PatchDeploymentBody["data"],
    options?: RequestOptions,
  ): Promise<PatchedDeployment> {
    return (await this.call("patchDeployment", { params: dseqParams(dseq), body: { data: patch } }, options))
      .data;
  }
  /** Replaces the SDL (deprecated on the live API: use patchDeployment). */
  async updateDeployment(
    dseq: Dseq,
    update: string | { sdl: string; name?: string },
    options?: RequestOptions,
  ): Promise<Deployment> {
    const data = typeof update === "string" ? { sdl: update } : update;
    return (await this.call("updateDeployment", { params: dseqParams(dseq), body: { data } }, options)).data;
  }
  /** Names of up to 100 deployments, null for one without a name (or not the caller's). */
  async getDeploymentNames(dseqs: readonly Dseq[], options?: RequestOptions): Promise<DeploymentNames> {
    const query = { dseq: dseqs.map((dseq) => String(dseq)) };
    return (await this.call("getDeploymentNames", { query }, options)).data;
  }
  /** The API's OpenAPI document (see `apiOfferings`); an `http` 404 means the server publishes none. */
  async getApiDocument(options?: RequestOptions): Promise<ApiDocument> {
    return callRoute(this.#ctx, getApiDocumentRoute, {}, options);
  }
  /** Automatic funding's constants; an `http` error with status 404 means the server has none (AEP-63 funding). */
  async getDeploymentFundingConfig(options?: RequestOptions): Promise<DeploymentFundingConfig> {
    return (await this.call("getDeploymentFundingConfig", {}, options)).data;
  }
  /** The key and claims to seal secrets to (see `sealSdlSecrets`); accepts the bare and the `{data}` answer. */
  async getSdlSecretsContext(options?: RequestOptions): Promise<SdlSecretsContext> {
    const answer = await this.call("getSdlSecretsContext", {}, options);
    return "data" in answer ? answer.data : answer;
  }
  /** Closes a deployment; closing an already closed one succeeds. Retry-safe. */
  async closeDeployment(dseq: Dseq, options?: RequestOptions): Promise<Success> {
    return (await this.call("closeDeployment", { params: dseqParams(dseq) }, options)).data;
  }

  // Deposits (dollars in, exact): same retry rules as createDeployment.
  async depositDeployment(dseq: Dseq, deposit: UsdAmount, options?: RequestOptions): Promise<Deployment> {
    const data = { dseq: String(dseq), deposit: this.#usd(deposit, "depositDeployment") };
    return (await this.call("depositDeployment", { body: { data } }, options)).data;
  }
  async depositDeploymentByDseq(
    dseq: Dseq,
    deposit: UsdAmount,
    options?: RequestOptions,
  ): Promise<Deployment> {
    const body = { data: { deposit: this.#usd(deposit, "depositDeploymentByDseq") } };
    return (await this.call("depositDeploymentByDseq", { params: dseqParams(dseq), body }, options)).data;
  }

  // Bids
  async listBids(dseq: Dseq, options?: RequestOptions): Promise<BidListItem[]> {
    return (await this.call("listBids", { query: dseqParams(dseq) }, options)).data;
  }
  async listBidsByDseq(dseq: Dseq, options?: RequestOptions): Promise<BidListItem[]> {
    return (await this.call("listBidsByDseq", { params: dseqParams(dseq) }, options)).data;
  }

  // Leases
  /** Accepts bids (body not wrapped in `data`). Retry-safe: the live API skips an existing lease. */
  async createLease(body: CreateLeaseBody, options?: RequestOptions): Promise<Deployment> {
    return (await this.call("createLease", { body }, options)).data;
  }

  // Logs and events (AEP-63 draft; the reference server serves them, the live API does not)
  async getLogs(dseq: Dseq, query: LogsQuery = {}, options?: RequestOptions): Promise<LogEntry[]> {
    return (await this.call("getLogs", { params: dseqParams(dseq), query }, options)).data;
  }
  async getEvents(dseq: Dseq, query: EventsQuery = {}, options?: RequestOptions): Promise<DeploymentEvent[]> {
    return (await this.call("getEvents", { params: dseqParams(dseq), query }, options)).data;
  }

  // Balances, wallets, user
  async getBalances(query: BalancesQuery = {}, options?: RequestOptions): Promise<Balances> {
    return (await this.call("getBalances", { query }, options)).data;
  }
  async listWallets(userId: string, options?: RequestOptions): Promise<Wallet[]> {
    return (await this.call("listWallets", { query: { userId } }, options)).data;
  }
  async getCurrentUser(options?: RequestOptions): Promise<User> {
    return (await this.call("getCurrentUser", {}, options)).data;
  }

  // Deployment settings (auto top-up), v1 by {userId}/{dseq}
  async getDeploymentSettingV1(
    userId: string,
    dseq: Dseq,
    options?: RequestOptions,
  ): Promise<DeploymentSetting> {
    return (await this.call("getDeploymentSettingV1", { params: { userId, dseq: String(dseq) } }, options))
      .data;
  }
  async createDeploymentSettingV1(
    data: CreateDeploymentSettingV1Body["data"],
    options?: RequestOptions,
  ): Promise<DeploymentSetting> {
    return (await this.call("createDeploymentSettingV1", { body: { data } }, options)).data;
  }
  async updateDeploymentSettingV1(
    userId: string,
    dseq: Dseq,
    autoTopUpEnabled: boolean,
    options?: RequestOptions,
  ): Promise<DeploymentSetting> {
    const input = { params: { userId, dseq: String(dseq) }, body: { data: { autoTopUpEnabled } } };
    return (await this.call("updateDeploymentSettingV1", input, options)).data;
  }

  // Deployment settings v2, by {dseq} (userId defaults to the caller)
  async getDeploymentSetting(
    dseq: Dseq,
    userId?: string,
    options?: RequestOptions,
  ): Promise<DeploymentSetting> {
    return (await this.call("getDeploymentSetting", { params: dseqParams(dseq), query: { userId } }, options))
      .data;
  }
  async createDeploymentSetting(
    data: CreateDeploymentSettingV2Body["data"],
    options?: RequestOptions,
  ): Promise<DeploymentSetting> {
    return (await this.call("createDeploymentSetting", { body: { data } }, options)).data;
  }
  /**
   * Extends the runtime limit (`{runtimeLimitHours}`, the new total) or, on servers where it is
   * writable, sets `autoTopUpEnabled` (a boolean alone is that flag).
   */
  async updateDeploymentSetting(
    dseq: Dseq,
    changes: boolean | UpdateDeploymentSettingV2Body["data"],
    userId?: string,
    options?: RequestOptions,
  ): Promise<DeploymentSetting> {
    const data = typeof changes === "boolean" ? { autoTopUpEnabled: changes } : changes;
    const input = { params: dseqParams(dseq), query: { userId }, body: { data } };
    return (await this.call("updateDeploymentSetting", input, options)).data;
  }

  toJSON() {
    return { baseUrl: this.baseUrl };
  }

  [inspect.custom]() {
    return `AkashClient { baseUrl: ${JSON.stringify(this.baseUrl)} }`;
  }
}
