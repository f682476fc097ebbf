import type { Clock } from "./market/clock";
import { DEFAULT_BLOCK_TIME_MS } from "./market/clock";
import { findProvider, type Fleet } from "./market/fleet";
import type { LogDestination, LogLevel } from "./logger";
import { API_KEY_ENV_PATTERN } from "./services/api-key-format";

/** Failure knobs for users' pipelines and our own tests; all off by default. */
export interface FaultOptions {
  /** Fraction (0..1) of API requests answered 503 before they run. */
  errorRate?: number;
  /** Milliseconds added to every API request. */
  latencyMs?: number;
  /** No provider bids on anything. */
  bidDrought?: boolean;
  /**
   * Offline providers: no bids and no lease status. `true` = every provider; a list names some
   * (addresses or fleet names; an unknown one is a startup error) while the others work normally.
   */
  providersOffline?: boolean | readonly string[];
  /**
   * Providers whose leases report every service with no ready replica, as containers that keep
   * crashing would (same forms as providersOffline). They bid and answer as usual.
   */
  providersUnready?: boolean | readonly string[];
  /** Each service's first replica crashes and restarts every this many ms after it started (0 = never). */
  restartEveryMs?: number;
  /**
   * A card top-up runs for this many seconds from each user's first request that spends credit
   * (create, deposit); until it ends such requests answer 402 `balance_top_up_pending` with
   * Retry-After, as the live API does (0 = never).
   */
  balanceTopUpPendingSeconds?: number;
  /** Providers the API cannot reach: a lease on their bid answers 502 `provider_unreachable`, no lease made. */
  providersUnreachable?: boolean | readonly string[];
  /**
   * Providers whose first manifest delivery per deployment fails after the lease exists: 502
   * `manifest_not_delivered` with `data{dseq, provider, reason}`; a re-sent lease request delivers it.
   */
  manifestNotDelivered?: boolean | readonly string[];
}

/**
 * The refusals of the live API since autumn 2026 (console-api-2026-12.md, "Refusals the API now
 * gives"); each is off by default and on with `dev`, so the seeds' answers stay the default.
 */
export interface RefusalOptions {
  /**
   * The repeated-refusal backoff (live: `refusal-backoff`): per user, method and path of non-GET
   * requests, `threshold` identical 4xx answers (not 401/429) within `windowMs` make the next ones
   * 429 `repeated_refusal` for `backoffMs`; 5xx never counts, a success resets.
   */
  backoff?: boolean;
  threshold?: number;
  windowMs?: number;
  backoffMs?: number;
  /**
   * The live refusal codes: 402 `insufficient_balance` with `data.requiredAmountUsd` and
   * `data.availableAmountUsd` (else 402 `payment_required`), 422 `deployment_resources_changed` for
   * a PATCH that changes resources (else 400).
   */
  codes?: boolean;
}

/**
 * How deployments are funded. `deposit`: AEP-63 and the managed-wallet guide (the creator's
 * `deposit`, at least the minimum, and explicit deposits). `auto`: the live Console API since
 * 2026-09 (`deposit` accepted and ignored, every deployment funded with the default deposit, escrow
 * topped up from the credit toward a target runway, keeping a headroom).
 */
export type FundingMode = "auto" | "deposit";

export interface AutoFundingOptions {
  /** What every deployment is funded with at creation, in dollars (live DEPLOYMENT_DEFAULT_DEPOSIT: 0.5). */
  defaultDepositUsd?: number;
  /** Hours of runtime a top-up brings the escrow to (live AUTO_TOP_UP_TARGET_RUNWAY_IN_H: 48). */
  targetRunwayHours?: number;
  /** A top-up happens when the escrow lasts less than this many hours (live look-ahead: 24). */
  lookAheadHours?: number;
  /** Credit top-ups leave untouched, in dollars (live AUTO_TOP_UP_BALANCE_HEADROOM_IN_USD: 5). */
  balanceHeadroomUsd?: number;
}

export interface ServerOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port; 0 picks a free one (default 0). */
  port?: number;
  /** Directory of the SQLite store; omitted (and no databaseUrl) = in-memory SQLite. */
  dataDir?: string;
  /** PostgreSQL connection string; takes precedence over dataDir. */
  databaseUrl?: string;
  /** Short bid and start delays for interactive use. */
  dev?: boolean;
  /** Block time (default 6000 ms; ignored when `clock` is given). */
  blockTimeMs?: number;
  /** Overrides every provider's bid delay (ms after the order is created). */
  bidDelayMs?: number;
  /** Time from lease creation until services report ready (ms). */
  startDelayMs?: number;
  /** Provider fleet: path of a YAML file or the parsed document; default: the bundled fleet. */
  fleet?: string | object;
  /** Injected clock (tests); default: wall time at `blockTimeMs`. */
  clock?: Clock;
  faults?: FaultOptions;
  /** The live API's refusals (off by default, on with `dev`). */
  refusals?: RefusalOptions;
  /** Serve /admin/clock (clock control) for out-of-process tests. Off by default; needs adminToken. */
  adminRoutes?: boolean;
  /** The secret every admin request must send in `X-Admin-Token` (the clock moves for every user). */
  adminToken?: string;
  /** Smallest deployment deposit accepted at creation, in dollars (default 5, as the seed guide says). */
  minDepositUsd?: number;
  /** Micro-denom of amounts on the wire (default "uact": $1 = 1,000,000 uact). */
  denom?: string;
  /** The `<env>` in `ac.sk.<env>.<hex>` keys this server issues and accepts (default "local"). */
  apiKeyEnv?: string;
  /** How long an Idempotency-Key is remembered, in ms (default 24 hours, as Stripe does). */
  idempotencyTtlMs?: number;
  /** `deposit` (AEP-63, the default) or `auto` (the live API's automatic funding). */
  funding?: FundingMode;
  /** The constants of automatic funding (`funding: "auto"`). */
  autoFunding?: AutoFundingOptions;
  /**
   * The secret sealed-secret values and the sealing private key are encrypted with (any string;
   * a key is derived from it). Default: generated on first start into the data dir
   * (`secrets.key`) or per process (in memory); required on PostgreSQL (see secretsKeyInDatabase).
   */
  secretsKey?: string;
  /**
   * PostgreSQL without `secretsKey`: keep a generated key in the database, beside the secrets it
   * encrypts (a dump carries both). Without it (or `dev`), such a start is refused.
   */
  secretsKeyInDatabase?: boolean;
  /** pino level; 'silent' in tests (default 'info'). */
  logLevel?: LogLevel;
  /** Where the JSON log lines go (default stdout): an embedding program's own stream, or a test's. */
  logDestination?: LogDestination;
}

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string | undefined;
  databaseUrl: string | undefined;
  dev: boolean;
  blockTimeMs: number;
  bidDelayMs: number | undefined;
  startDelayMs: number;
  fleet: string | object | undefined;
  faults: Required<FaultOptions>;
  refusals: Required<RefusalOptions>;
  adminRoutes: boolean;
  adminToken: string | undefined;
  minDepositUsd: number;
  denom: string;
  apiKeyEnv: string;
  idempotencyTtlMs: number;
  funding: FundingMode;
  autoFunding: Required<AutoFundingOptions>;
  secretsKey: string | undefined;
  secretsKeyInDatabase: boolean;
  logLevel: LogLevel;
}

export const DEFAULT_START_DELAY_MS = 15_000;
export const DEV_BID_DELAY_MS = 500;
export const DEV_START_DELAY_MS = 1_000;
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** The live backoff's test values (console-api-2026-12.md): 3 refusals in 600 s, then 300 s. */
export const DEFAULT_REFUSAL_THRESHOLD = 3;
export const DEFAULT_REFUSAL_WINDOW_MS = 600_000;
export const DEFAULT_REFUSAL_BACKOFF_MS = 300_000;

/** Fills in defaults and rejects impossible values with a message naming the option. */
export function resolveConfig(options: ServerOptions = {}): ServerConfig {
  const dev = options.dev ?? false;
  const config: ServerConfig = {
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    dataDir: options.dataDir || undefined,
    databaseUrl: options.databaseUrl || undefined,
    dev,
    blockTimeMs: options.clock?.blockTimeMs ?? options.blockTimeMs ?? DEFAULT_BLOCK_TIME_MS,
    bidDelayMs: options.bidDelayMs ?? (dev ? DEV_BID_DELAY_MS : undefined),
    startDelayMs: options.startDelayMs ?? (dev ? DEV_START_DELAY_MS : DEFAULT_START_DELAY_MS),
    fleet: options.fleet,
    faults: {
      errorRate: options.faults?.errorRate ?? 0,
      latencyMs: options.faults?.latencyMs ?? 0,
      bidDrought: options.faults?.bidDrought ?? false,
      providersOffline: options.faults?.providersOffline ?? false,
      providersUnready: options.faults?.providersUnready ?? false,
      restartEveryMs: options.faults?.restartEveryMs ?? 0,
      balanceTopUpPendingSeconds: options.faults?.balanceTopUpPendingSeconds ?? 0,
      providersUnreachable: options.faults?.providersUnreachable ?? false,
      manifestNotDelivered: options.faults?.manifestNotDelivered ?? false,
    },
    refusals: {
      backoff: options.refusals?.backoff ?? dev,
      threshold: options.refusals?.threshold ?? DEFAULT_REFUSAL_THRESHOLD,
      windowMs: options.refusals?.windowMs ?? DEFAULT_REFUSAL_WINDOW_MS,
      backoffMs: options.refusals?.backoffMs ?? DEFAULT_REFUSAL_BACKOFF_MS,
      codes: options.refusals?.codes ?? dev,
    },
    adminRoutes: options.adminRoutes ?? false,
    adminToken: options.adminToken || undefined,
    minDepositUsd: options.minDepositUsd ?? 5,
    denom: options.denom ?? "uact",
    apiKeyEnv: options.apiKeyEnv ?? "local",
    idempotencyTtlMs: options.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS,
    funding: options.funding ?? "deposit",
    autoFunding: {
      defaultDepositUsd: options.autoFunding?.defaultDepositUsd ?? 0.5,
      targetRunwayHours: options.autoFunding?.targetRunwayHours ?? 48,
      lookAheadHours: options.autoFunding?.lookAheadHours ?? 24,
      balanceHeadroomUsd: options.autoFunding?.balanceHeadroomUsd ?? 5,
    },
    secretsKey: options.secretsKey || undefined,
    secretsKeyInDatabase: options.secretsKeyInDatabase ?? false,
    logLevel: options.logLevel ?? "info",
  };
  check(
    Number.isInteger(config.port) && config.port >= 0 && config.port <= 65535,
    "port",
    `must be 0..65535, got ${config.port}`,
  );
  check(
    Number.isInteger(config.blockTimeMs) && config.blockTimeMs >= 1,
    "blockTimeMs",
    `must be a positive integer, got ${config.blockTimeMs}`,
  );
  check(
    config.bidDelayMs === undefined || (Number.isFinite(config.bidDelayMs) && config.bidDelayMs >= 0),
    "bidDelayMs",
    `must be >= 0, got ${config.bidDelayMs}`,
  );
  check(
    Number.isFinite(config.startDelayMs) && config.startDelayMs >= 0,
    "startDelayMs",
    `must be >= 0, got ${config.startDelayMs}`,
  );
  check(
    Number.isFinite(config.minDepositUsd) && config.minDepositUsd >= 0,
    "minDepositUsd",
    `must be >= 0 dollars, got ${config.minDepositUsd}`,
  );
  check(
    /^u[a-z][a-z0-9]{1,15}$/.test(config.denom),
    "denom",
    `must be a micro-denom such as "uact", got "${config.denom}"`,
  );
  check(
    API_KEY_ENV_PATTERN.test(config.apiKeyEnv),
    "apiKeyEnv",
    `must be lowercase letters, digits or '-', got "${config.apiKeyEnv}"`,
  );
  check(
    Number.isSafeInteger(config.idempotencyTtlMs) && config.idempotencyTtlMs >= 1,
    "idempotencyTtlMs",
    `must be a positive whole number of milliseconds, got ${config.idempotencyTtlMs}`,
  );
  check(
    config.funding === "auto" || config.funding === "deposit",
    "funding",
    `must be "auto" or "deposit", got "${String(config.funding)}"`,
  );
  const { defaultDepositUsd, targetRunwayHours, lookAheadHours, balanceHeadroomUsd } = config.autoFunding;
  check(
    Number.isFinite(defaultDepositUsd) && defaultDepositUsd > 0,
    "autoFunding.defaultDepositUsd",
    `must be > 0 dollars, got ${defaultDepositUsd}`,
  );
  check(
    Number.isFinite(targetRunwayHours) && targetRunwayHours > 0,
    "autoFunding.targetRunwayHours",
    `must be > 0 hours, got ${targetRunwayHours}`,
  );
  check(
    Number.isFinite(lookAheadHours) && lookAheadHours > 0 && lookAheadHours < targetRunwayHours,
    "autoFunding.lookAheadHours",
    `must be > 0 and below the target runway (${targetRunwayHours} hours), got ${lookAheadHours}`,
  );
  check(
    Number.isFinite(balanceHeadroomUsd) && balanceHeadroomUsd >= 0,
    "autoFunding.balanceHeadroomUsd",
    `must be >= 0 dollars, got ${balanceHeadroomUsd}`,
  );
  check(
    !config.adminRoutes || config.adminToken !== undefined,
    "adminToken",
    "is required when the admin routes are on: they move the clock for every user",
  );
  const { threshold, windowMs, backoffMs } = config.refusals;
  check(
    Number.isInteger(threshold) && threshold >= 1,
    "refusals.threshold",
    `must be a whole number >= 1, got ${threshold}`,
  );
  check(Number.isFinite(windowMs) && windowMs > 0, "refusals.windowMs", `must be > 0 ms, got ${windowMs}`);
  check(
    Number.isFinite(backoffMs) && backoffMs > 0,
    "refusals.backoffMs",
    `must be > 0 ms, got ${backoffMs}`,
  );
  const { balanceTopUpPendingSeconds } = config.faults;
  check(
    Number.isFinite(balanceTopUpPendingSeconds) && balanceTopUpPendingSeconds >= 0,
    "faults.balanceTopUpPendingSeconds",
    `must be >= 0 seconds (0 = never), got ${balanceTopUpPendingSeconds}`,
  );
  const { errorRate, latencyMs, restartEveryMs } = config.faults;
  check(
    Number.isFinite(errorRate) && errorRate >= 0 && errorRate <= 1,
    "faults.errorRate",
    `must be between 0 and 1, got ${errorRate}`,
  );
  check(Number.isFinite(latencyMs) && latencyMs >= 0, "faults.latencyMs", `must be >= 0, got ${latencyMs}`);
  check(
    Number.isFinite(restartEveryMs) && restartEveryMs >= 0,
    "faults.restartEveryMs",
    `must be >= 0 (0 = no restarts), got ${restartEveryMs}`,
  );
  for (const fault of PROVIDER_FAULTS) {
    const named = config.faults[fault];
    check(
      typeof named === "boolean" || (Array.isArray(named) && named.every((p) => typeof p === "string")),
      `faults.${fault}`,
      "must be true, false or a list of provider addresses",
    );
  }
  return config;
}

/** The faults that name providers (`true` = every provider). */
const PROVIDER_FAULTS = [
  "providersOffline",
  "providersUnready",
  "providersUnreachable",
  "manifestNotDelivered",
] as const;

/**
 * The providers named offline or unready must be in the fleet: a typo would otherwise leave the
 * fault silently off.
 */
export function checkFaultProviders(config: ServerConfig, fleet: Fleet): void {
  for (const fault of PROVIDER_FAULTS) {
    const named = config.faults[fault];
    if (typeof named === "boolean") continue;
    const unknown = named.filter((p) => !findProvider(fleet, p));
    const known = fleet.providers.map((p) => `${p.name} (${p.address})`).join(", ");
    check(
      unknown.length === 0,
      `faults.${fault}`,
      `names ${unknown.join(", ")}, not in the fleet; its providers are: ${known || "none"}`,
    );
  }
}

/**
 * A rejected option. `option` is its path in ServerOptions and `problem` the rest of the sentence,
 * so that the CLI can name its own flag or environment variable instead.
 */
export class ConfigError extends RangeError {
  constructor(
    readonly option: string,
    readonly problem: string,
  ) {
    super(`invalid server option: ${option} ${problem}`);
  }
}

function check(ok: boolean, option: string, problem: string): asserts ok {
  if (!ok) throw new ConfigError(option, problem);
}

/** The configuration as printed at start: no secrets (the database password is masked by the caller). */
export function describeConfig(config: ServerConfig, storeLocation: string): Record<string, unknown> {
  return {
    host: config.host,
    port: config.port,
    store: storeLocation,
    dev: config.dev,
    blockTimeMs: config.blockTimeMs,
    bidDelayMs: config.bidDelayMs ?? "per provider",
    startDelayMs: config.startDelayMs,
    fleet: typeof config.fleet === "string" ? config.fleet : config.fleet ? "inline" : "bundled default",
    faults: config.faults,
    refusals: config.refusals,
    adminRoutes: config.adminRoutes,
    minDepositUsd: config.minDepositUsd,
    denom: config.denom,
    apiKeyEnv: config.apiKeyEnv,
    idempotencyTtlMs: config.idempotencyTtlMs,
    funding: config.funding,
    ...(config.funding === "auto" ? { autoFunding: config.autoFunding } : {}),
    secretsKey: config.secretsKey
      ? "given (not shown)"
      : config.databaseUrl
        ? "kept in the database"
        : config.dataDir
          ? "generated into the data dir"
          : "generated in memory",
    logLevel: config.logLevel,
  };
}
