// The `akash-ref-api` commands, loaded by cli.ts once the Node version is checked (and, for `serve`,
// once it runs with the server's V8 flags).
import { homedir } from "node:os";
import { join } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { ConfigError, resolveConfig, type ServerOptions } from "./config";
import { openServices, startServer, type RunningServer } from "./index";
import { microToUsd } from "../sdk/money";
import { readPackageJson } from "../sdk/node-version";
import { apiKeyEnvironment } from "./services/api-key-format";
import { UserInputError } from "./services/users";

/** The user `serve --dev` creates (or reuses) and whose key it prints. */
export const DEV_USER_EMAIL = "dev@localhost.test";
export const DEV_USER_CREDIT_USD = 1000;

const int = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new InvalidArgumentError(`${name} must be a whole number >= 0`);
  return parsed;
};
const num = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError(`${name} must be a number >= 0`);
  return parsed;
};
const FALSE_WORDS = ["", "0", "false", "no"];
/** An `[on|off]` option: given alone, on; else on/off (or true/false, yes/no, 1/0). */
function onOff(name: string, value: boolean | string): boolean {
  if (typeof value === "boolean") return value;
  const lowered = value.trim().toLowerCase();
  if (["on", "true", "yes", "1"].includes(lowered)) return true;
  if (["off", "false", "no", "0"].includes(lowered)) return false;
  throw new UserInputError(`${name} must be on or off, got "${value}"`);
}

const flag = (value: string | undefined) => value !== undefined && !FALSE_WORDS.includes(value.toLowerCase());

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** A duration such as 90s, 5m, 1.5h, 250ms, or plain milliseconds. */
const duration = (name: string) => (value: string) => {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) {
    throw new InvalidArgumentError(
      `${name} must be a duration such as 30s, 5m, 1h or 500ms (plain numbers are milliseconds), got "${value}"`,
    );
  }
  return Math.round(Number(match[1]) * (DURATION_UNITS_MS[match[2] ?? "ms"] ?? 1));
};

/**
 * --fault-providers-offline and --fault-providers-unready: alone, "all" or a true-ish value = every
 * provider; a false-ish value = none; else a comma-separated list of provider addresses or names
 * (checked against the fleet when the server starts).
 */
function faultProviders(value: boolean | string | undefined): boolean | string[] {
  if (typeof value !== "string") return value === true;
  const lowered = value.trim().toLowerCase();
  if (FALSE_WORDS.includes(lowered)) return false;
  if (["all", "1", "true", "yes"].includes(lowered)) return true;
  return value
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

/** Where the commands keep their SQLite store when none is named: `serve` and `users` agree on it. */
export function defaultDataDir(): string {
  return join(homedir(), ".pulumi-akash", "ref-api");
}

/** Store options every command takes (the users commands work beside a running server). */
function storeOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--data-dir <dir>", "directory of the SQLite store (default: ~/.pulumi-akash/ref-api)").env(
        "AKASH_REF_DATA_DIR",
      ),
    )
    .addOption(
      new Option("--database-url <url>", "PostgreSQL connection string (instead of SQLite)").env(
        "AKASH_REF_DATABASE_URL",
      ),
    )
    .addOption(
      new Option("--key-env <env>", "the <env> of issued API keys ac.sk.<env>.<hex>")
        .env("AKASH_REF_KEY_ENV")
        .default("local"),
    )
    .addOption(
      new Option(
        "--secrets-key <secret>",
        "encrypts stored secret values and the sealing key; required with --database-url outside --dev (make one with `openssl rand -base64 32`, give every replica the same); SQLite default: generated into the data dir's secrets.key. Prefer the variable, which keeps it out of ps",
      ).env("AKASH_REF_SECRETS_KEY"),
    )
    .addOption(
      new Option(
        "--secrets-key-in-database",
        "PostgreSQL without --secrets-key: keep a generated key in the database beside the secrets it encrypts (a dump carries both; what --dev and earlier versions do)",
      ).env("AKASH_REF_SECRETS_KEY_IN_DATABASE"),
    );
}

interface StoreFlags {
  dataDir?: string;
  databaseUrl?: string;
  keyEnv: string;
  secretsKey?: string;
  secretsKeyInDatabase?: boolean | string;
}

/** The store a command uses, in words for the start banner, and the flags that name it to `users`. */
interface StoreChoice {
  options: Pick<ServerOptions, "dataDir" | "databaseUrl">;
  words: string;
  /** Store flags of the `users create` hint; undefined when another process cannot reach the store. */
  usersFlags: string | undefined;
}

function chooseStore(flags: StoreFlags, inMemory = false): StoreChoice {
  if (flags.databaseUrl) {
    return {
      options: { databaseUrl: flags.databaseUrl },
      words: "PostgreSQL (--database-url)",
      usersFlags: " --database-url <the same URL>",
    };
  }
  if (flags.dataDir) {
    return {
      options: { dataDir: flags.dataDir },
      words: `SQLite in ${flags.dataDir}`,
      usersFlags: ` --data-dir ${shellWord(flags.dataDir)}`,
    };
  }
  if (inMemory) {
    return {
      options: {},
      words: "in memory (--in-memory): gone when the server stops",
      usersFlags: undefined,
    };
  }
  const dir = defaultDataDir();
  return { options: { dataDir: dir }, words: `SQLite in ${dir} (the default data dir)`, usersFlags: "" };
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./~-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * ServerOptions paths to the flags that set them: a rejected value is reported with the flag, or
 * the environment variable, the user actually wrote.
 */
const FLAG_OF_OPTION: Record<string, string> = {
  host: "--host",
  port: "--port",
  blockTimeMs: "--block-time",
  adminToken: "--admin-token",
  minDepositUsd: "--min-deposit",
  denom: "--denom",
  apiKeyEnv: "--key-env",
  funding: "--funding",
  "autoFunding.defaultDepositUsd": "--default-deposit",
  "autoFunding.targetRunwayHours": "--target-runway",
  "autoFunding.balanceHeadroomUsd": "--balance-headroom",
  "faults.errorRate": "--fault-error-rate",
  "faults.latencyMs": "--fault-latency",
  "faults.providersOffline": "--fault-providers-offline",
  "faults.providersUnready": "--fault-providers-unready",
  "faults.restartEveryMs": "--fault-restart-every",
  "faults.balanceTopUpPendingSeconds": "--fault-balance-top-up-pending",
  "faults.providersUnreachable": "--fault-providers-unreachable",
  "faults.manifestNotDelivered": "--fault-manifest-not-delivered",
  "refusals.threshold": "--refusal-backoff-threshold",
  "refusals.windowMs": "--refusal-backoff-window",
  "refusals.backoffMs": "--refusal-backoff-period",
};

/** Runs `work`; a ConfigError comes out as a UserInputError that names the flag or variable. */
async function namingOptions<T>(command: Command, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const option = command.options.find((o) => o.long === FLAG_OF_OPTION[error.option]);
    if (!option?.long) throw error;
    const source = command.getOptionValueSource(option.attributeName());
    const name =
      source === "env" && option.envVar
        ? option.envVar
        : source === undefined && option.envVar
          ? `${option.long} (or ${option.envVar})`
          : option.long;
    throw new UserInputError(`${name} ${error.problem}`);
  }
}

export function buildCli(): Command {
  const program = new Command("akash-ref-api")
    .description("Reference Akash Console managed-wallet API with a simulated market (pulumi-akash)")
    .version(readPackageJson().version)
    .showHelpAfterError();

  storeOptions(
    program
      .command("serve")
      .description("run the API server")
      .addOption(
        new Option("--host <host>", "interface to listen on").env("AKASH_REF_HOST").default("127.0.0.1"),
      )
      .addOption(
        new Option("--port <port>", "port (0 = any free port)")
          .env("AKASH_REF_PORT")
          .argParser(int("--port"))
          .default(3080),
      )
      .addOption(
        new Option("--in-memory", "keep the store in memory (gone when the server stops)").env(
          "AKASH_REF_IN_MEMORY",
        ),
      )
      .addOption(
        new Option("--providers <fleet.yaml>", "provider fleet YAML (default: the bundled fleet)").env(
          "AKASH_REF_PROVIDERS",
        ),
      )
      .addOption(
        new Option("--block-time <ms>", "block time in milliseconds")
          .env("AKASH_REF_BLOCK_TIME")
          .argParser(int("--block-time")),
      )
      .addOption(new Option("--dev", "short delays, a default user and its API key").env("AKASH_REF_DEV"))
      .addOption(
        new Option("--admin-routes", "serve /admin/clock (tests that move time; needs --admin-token)").env(
          "AKASH_REF_ADMIN_ROUTES",
        ),
      )
      .addOption(
        new Option(
          "--admin-token <token>",
          "secret the admin routes require in the X-Admin-Token header",
        ).env("AKASH_REF_ADMIN_TOKEN"),
      )
      .addOption(
        new Option("--min-deposit <usd>", "minimum deposit in dollars")
          .env("AKASH_REF_MIN_DEPOSIT")
          .argParser(num("--min-deposit")),
      )
      .addOption(new Option("--denom <denom>", "micro-denom of amounts").env("AKASH_REF_DENOM"))
      .addOption(
        new Option(
          "--funding <mode>",
          "deposit: AEP-63 deposits (the default); auto: the live API's automatic funding (deposit ignored, escrow topped up from the credit)",
        )
          .env("AKASH_REF_FUNDING")
          .choices(["auto", "deposit"]),
      )
      .addOption(
        new Option("--default-deposit <usd>", "auto funding: what each deployment starts with (default 0.5)")
          .env("AKASH_REF_DEFAULT_DEPOSIT")
          .argParser(num("--default-deposit")),
      )
      .addOption(
        new Option("--target-runway <hours>", "auto funding: hours of runtime a top-up buys (default 48)")
          .env("AKASH_REF_TARGET_RUNWAY_HOURS")
          .argParser(num("--target-runway")),
      )
      .addOption(
        new Option("--balance-headroom <usd>", "auto funding: credit top-ups leave untouched (default 5)")
          .env("AKASH_REF_BALANCE_HEADROOM")
          .argParser(num("--balance-headroom")),
      )
      .addOption(
        new Option("--fault-error-rate <0..1>", "fraction of requests answered 503")
          .env("AKASH_REF_FAULT_ERROR_RATE")
          .argParser(num("--fault-error-rate")),
      )
      .addOption(
        new Option("--fault-latency <ms>", "latency added to every request")
          .env("AKASH_REF_FAULT_LATENCY_MS")
          .argParser(int("--fault-latency")),
      )
      .addOption(new Option("--fault-bid-drought", "no provider bids").env("AKASH_REF_FAULT_BID_DROUGHT"))
      .addOption(
        new Option(
          "--fault-providers-offline [providers]",
          'offline providers: every one when given alone or "all", else a comma-separated list of addresses or names',
        ).env("AKASH_REF_FAULT_PROVIDERS_OFFLINE"),
      )
      .addOption(
        new Option(
          "--fault-providers-unready [providers]",
          "providers whose leases report no ready replica (crashing containers): same forms as --fault-providers-offline",
        ).env("AKASH_REF_FAULT_PROVIDERS_UNREADY"),
      )
      .addOption(
        new Option(
          "--fault-restart-every <duration>",
          "each service's container crashes and restarts this often (e.g. 5m; plain numbers are ms)",
        )
          .env("AKASH_REF_FAULT_RESTART_EVERY")
          .argParser(duration("--fault-restart-every")),
      )
      .addOption(
        new Option(
          "--fault-balance-top-up-pending <seconds>",
          "a card top-up runs this long from each user's first create or deposit: until then those answer 402 balance_top_up_pending with Retry-After",
        )
          .env("AKASH_REF_FAULT_BALANCE_TOP_UP_PENDING")
          .argParser(num("--fault-balance-top-up-pending")),
      )
      .addOption(
        new Option(
          "--fault-providers-unreachable [providers]",
          "providers the API cannot reach: leasing their bid answers 502 provider_unreachable, no lease made (same forms as --fault-providers-offline)",
        ).env("AKASH_REF_FAULT_PROVIDERS_UNREACHABLE"),
      )
      .addOption(
        new Option(
          "--fault-manifest-not-delivered [providers]",
          "providers whose first manifest delivery per deployment fails after the lease exists: 502 manifest_not_delivered; the re-sent request delivers it (same forms)",
        ).env("AKASH_REF_FAULT_MANIFEST_NOT_DELIVERED"),
      )
      .addOption(
        new Option(
          "--refusal-backoff [on|off]",
          "the live API's repeated-refusal backoff: after --refusal-backoff-threshold identical 4xx answers to one user's non-GET method and path within the window, 429 repeated_refusal with Retry-After (default: on with --dev, else off)",
        ).env("AKASH_REF_REFUSAL_BACKOFF"),
      )
      .addOption(
        new Option("--refusal-backoff-threshold <n>", "refusals that start the backoff (default 3)")
          .env("AKASH_REF_REFUSAL_BACKOFF_THRESHOLD")
          .argParser(int("--refusal-backoff-threshold")),
      )
      .addOption(
        new Option("--refusal-backoff-window <duration>", "the window they must fall in (default 600s)")
          .env("AKASH_REF_REFUSAL_BACKOFF_WINDOW")
          .argParser(duration("--refusal-backoff-window")),
      )
      .addOption(
        new Option("--refusal-backoff-period <duration>", "how long the backoff lasts (default 300s)")
          .env("AKASH_REF_REFUSAL_BACKOFF_PERIOD")
          .argParser(duration("--refusal-backoff-period")),
      )
      .addOption(
        new Option(
          "--live-refusal-codes [on|off]",
          "the live API's refusal codes: 402 insufficient_balance with data.requiredAmountUsd and data.availableAmountUsd, 422 deployment_resources_changed for a PATCH that changes resources (default: on with --dev, else off: 402 payment_required, 400)",
        ).env("AKASH_REF_LIVE_REFUSAL_CODES"),
      )
      .addOption(new Option("--log-level <level>", "pino level").env("AKASH_REF_LOG_LEVEL").default("info")),
  ).action(serve);

  const users = program
    .command("users")
    .description("manage users of a store (works while a server runs on it)");
  storeOptions(users.command("create").description("create a user and print its first API key"))
    .requiredOption("--email <email>", "the user's email")
    .requiredOption("--credit <usd>", "starting credit in dollars")
    .action(async (flags: StoreFlags & { email: string; credit: string }, command: Command) => {
      await withUsers(flags, command, async (services) => {
        const { apiKey, userId, address } = await services.users.create(flags.email, flags.credit);
        process.stdout.write(
          `user ${userId} (${address}) created with $${flags.credit} credit\nAPI key (shown once): ${apiKey}\n`,
        );
      });
    });
  storeOptions(users.command("list").description("list users and their credit")).action(
    async (flags: StoreFlags, command: Command) => {
      await withUsers(flags, command, async (services) => {
        process.stdout.write("email\tuser id\taddress\tcredit\n");
        for (const user of await services.users.list()) {
          process.stdout.write(
            `${user.email}\t${user.userId}\t${user.address}\t$${microToUsd(String(user.creditMicro))}\n`,
          );
        }
      });
    },
  );
  storeOptions(users.command("credit").description("add credit to a user"))
    .requiredOption("--email <email>", "the user's email")
    .requiredOption("--amount <usd>", "dollars to add")
    .action(async (flags: StoreFlags & { email: string; amount: string }, command: Command) => {
      await withUsers(flags, command, async (services) => {
        const balance = await services.users.credit(flags.email, flags.amount);
        process.stdout.write(`${flags.email} now has $${microToUsd(String(balance))} credit\n`);
      });
    });
  const sealingKey = program
    .command("sealing-key")
    .description("the key clients seal deployment secrets to (GET /v1/sdl-secrets-context)");
  storeOptions(
    sealingKey
      .command("rotate")
      .description(
        "retire the sealing key and make a new one (seals to the old kid get 409; stored secrets stay readable)",
      ),
  ).action(async (flags: StoreFlags, command: Command) => {
    await withUsers(
      flags,
      command,
      async (services) => {
        const kid = await services.secrets.keys.rotate();
        process.stdout.write(`sealing key rotated: clients now seal to kid ${kid}\n`);
      },
      { withSecrets: true },
    );
  });
  return program;
}

interface ServeFlags extends StoreFlags {
  host: string;
  port: number;
  inMemory?: boolean | string;
  providers?: string;
  blockTime?: number;
  dev?: boolean | string;
  adminRoutes?: boolean | string;
  adminToken?: string;
  minDeposit?: number;
  denom?: string;
  funding?: "auto" | "deposit";
  defaultDeposit?: number;
  targetRunway?: number;
  balanceHeadroom?: number;
  secretsKey?: string;
  faultErrorRate?: number;
  faultLatency?: number;
  faultBidDrought?: boolean | string;
  faultProvidersOffline?: boolean | string;
  faultProvidersUnready?: boolean | string;
  faultRestartEvery?: number;
  faultBalanceTopUpPending?: number;
  faultProvidersUnreachable?: boolean | string;
  faultManifestNotDelivered?: boolean | string;
  refusalBackoff?: boolean | string;
  refusalBackoffThreshold?: number;
  refusalBackoffWindow?: number;
  refusalBackoffPeriod?: number;
  liveRefusalCodes?: boolean | string;
  logLevel: string;
}

async function serve(flags: ServeFlags, command: Command): Promise<void> {
  const dev = asFlag(flags.dev);
  const devKey = dev ? process.env.AKASH_API_KEY?.trim() || undefined : undefined;
  const keyEnv = devKey ? devKeyEnvironment(devKey) : flags.keyEnv;
  const store = chooseStore(flags, asFlag(flags.inMemory));
  const options: ServerOptions = {
    host: flags.host,
    port: flags.port,
    ...store.options,
    ...(flags.providers ? { fleet: flags.providers } : {}),
    ...(flags.blockTime !== undefined ? { blockTimeMs: flags.blockTime } : {}),
    dev,
    adminRoutes: asFlag(flags.adminRoutes),
    ...(flags.adminToken ? { adminToken: flags.adminToken } : {}),
    ...(flags.minDeposit !== undefined ? { minDepositUsd: flags.minDeposit } : {}),
    ...(flags.denom ? { denom: flags.denom } : {}),
    ...(flags.funding ? { funding: flags.funding } : {}),
    autoFunding: {
      ...(flags.defaultDeposit !== undefined ? { defaultDepositUsd: flags.defaultDeposit } : {}),
      ...(flags.targetRunway !== undefined ? { targetRunwayHours: flags.targetRunway } : {}),
      ...(flags.balanceHeadroom !== undefined ? { balanceHeadroomUsd: flags.balanceHeadroom } : {}),
    },
    ...(flags.secretsKey ? { secretsKey: flags.secretsKey } : {}),
    secretsKeyInDatabase: asFlag(flags.secretsKeyInDatabase),
    apiKeyEnv: keyEnv,
    faults: {
      ...(flags.faultErrorRate !== undefined ? { errorRate: flags.faultErrorRate } : {}),
      ...(flags.faultLatency !== undefined ? { latencyMs: flags.faultLatency } : {}),
      bidDrought: asFlag(flags.faultBidDrought),
      providersOffline: faultProviders(flags.faultProvidersOffline),
      providersUnready: faultProviders(flags.faultProvidersUnready),
      ...(flags.faultRestartEvery !== undefined ? { restartEveryMs: flags.faultRestartEvery } : {}),
      ...(flags.faultBalanceTopUpPending !== undefined
        ? { balanceTopUpPendingSeconds: flags.faultBalanceTopUpPending }
        : {}),
      providersUnreachable: faultProviders(flags.faultProvidersUnreachable),
      manifestNotDelivered: faultProviders(flags.faultManifestNotDelivered),
    },
    refusals: {
      ...(flags.refusalBackoff !== undefined
        ? { backoff: onOff("--refusal-backoff", flags.refusalBackoff) }
        : {}),
      ...(flags.refusalBackoffThreshold !== undefined ? { threshold: flags.refusalBackoffThreshold } : {}),
      ...(flags.refusalBackoffWindow !== undefined ? { windowMs: flags.refusalBackoffWindow } : {}),
      ...(flags.refusalBackoffPeriod !== undefined ? { backoffMs: flags.refusalBackoffPeriod } : {}),
      ...(flags.liveRefusalCodes !== undefined
        ? { codes: onOff("--live-refusal-codes", flags.liveRefusalCodes) }
        : {}),
    },
    logLevel: flags.logLevel as ServerOptions["logLevel"] & string,
  };
  const server = await namingOptions(command, () => startServer(options));
  const devLines = dev ? await ensureDevUser(server, devKey) : [];
  const keyLines =
    options.databaseUrl && !options.secretsKey
      ? [
          `  secrets key: KEPT IN THE DATABASE (${dev ? "--dev" : "--secrets-key-in-database"}), beside the secrets it encrypts: a dump carries both;`,
          "    outside development, start every replica with AKASH_REF_SECRETS_KEY (make one with `openssl rand -base64 32`)",
        ]
      : [];
  process.stdout.write(banner(server.url, store, [...keyLines, ...devLines]));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: draining in-flight requests\n`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

/** What `serve` says at start, in words: where it listens, its store, and how to get a user. */
function banner(url: string, store: StoreChoice, devLines: string[]): string {
  const addUser =
    store.usersFlags !== undefined
      ? `akash-ref-api users create --email you@example.com --credit 100${store.usersFlags}`
      : devLines.length > 0
        ? "not from another process on an in-memory store; the dev user below is ready"
        : "not from another process on an in-memory store: start with --dev for a user with credit, or with a --data-dir";
  return [
    "",
    `akash-ref-api ${readPackageJson().version} at ${url}`,
    `  store: ${store.words}`,
    `  add a user: ${addUser}`,
    `  web console: ${url}/console/   API docs: ${url}/v1/swagger`,
    ...devLines,
    "",
    "",
  ].join("\n");
}

/**
 * --dev: a default user with credit. With AKASH_API_KEY set, that key is (made) the user's key so
 * the provider and examples work without copying anything; otherwise a new key is printed. Answers
 * the banner's lines about it, with the variables the provider and the examples read.
 */
async function ensureDevUser(server: RunningServer, devKey: string | undefined): Promise<string[]> {
  const { services } = server;
  const existing = await services.users.findByEmail(DEV_USER_EMAIL);
  let key: string | undefined;
  if (!existing) {
    const created = await services.users.create(
      DEV_USER_EMAIL,
      DEV_USER_CREDIT_USD,
      devKey ? { apiKey: devKey } : {},
    );
    key = devKey ? undefined : created.apiKey;
  } else if (devKey) {
    if (!(await services.apiKeys.authenticate(devKey)))
      await services.apiKeys.create(existing.id, { name: "dev", secret: devKey });
  } else {
    key = (await services.apiKeys.create(existing.id, { name: "dev" })).apiKey;
  }
  return [
    `  dev user: ${DEV_USER_EMAIL} ($${DEV_USER_CREDIT_USD} credit)`,
    `  API key: ${key ?? "the key in AKASH_API_KEY"}`,
    `  export AKASH_API_URL=${server.url}`,
    key ? `  export AKASH_API_KEY=${key}` : "  (AKASH_API_KEY is set already)",
  ];
}

function devKeyEnvironment(key: string): string {
  const env = apiKeyEnvironment(key);
  if (!env) {
    throw new UserInputError(
      "AKASH_API_KEY is not an API key of the form ac.sk.<env>.<64 hex characters>; unset it to get a new key printed",
    );
  }
  return env;
}

function asFlag(value: boolean | string | undefined): boolean {
  return typeof value === "string" ? flag(value) : value === true;
}

async function withUsers(
  flags: StoreFlags,
  command: Command,
  work: (services: Awaited<ReturnType<typeof openServices>>["services"]) => Promise<void>,
  options: { withSecrets?: boolean } = {},
) {
  const config = await namingOptions(command, async () =>
    resolveConfig({
      ...chooseStore(flags).options,
      apiKeyEnv: flags.keyEnv,
      ...(flags.secretsKey ? { secretsKey: flags.secretsKey } : {}),
      secretsKeyInDatabase: asFlag(flags.secretsKeyInDatabase),
    }),
  );
  const { services, store } = await openServices(config, options);
  try {
    await work(services);
  } finally {
    await store.close();
  }
}

/** One sentence for a failure: what, where, and how to fix it when the cause is a known one. */
export function failureSentence(error: unknown): string {
  const err = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (err?.code === "EADDRINUSE") {
    return `${err.address}:${err.port} is already in use: stop what listens there, or pass another --port (or --port 0 for any free one).`;
  }
  if (err?.code === "EACCES" && err.syscall === "listen") {
    return `not allowed to listen on ${err.address}:${err.port}: use a port above 1023 (--port).`;
  }
  return err instanceof Error ? err.message : String(error);
}

/** Runs the command line: a failure ends in one sentence on stderr (the trace at debug level) and exit code 1. */
export function main(): Promise<void> {
  return buildCli()
    .parseAsync(process.argv)
    .then(
      () => undefined,
      (error: unknown) => {
        process.stderr.write(`akash-ref-api: ${failureSentence(error)}\n`);
        // The trace helps only whoever debugs the server itself: shown at debug level.
        if (process.env.AKASH_REF_LOG_LEVEL === "debug" || process.argv.includes("debug")) {
          process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
        }
        process.exit(1);
      },
    );
}
