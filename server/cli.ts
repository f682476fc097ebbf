#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=65536 node --max-semi-space-size=2 --max-old-space-size=128 --no-concurrent-recompilation --memory-saver-mode --no-memory-reducer
// The shebang's environment and V8 flags are SERVER_ENV and SERVER_NODE_FLAGS below (and the
// Makefile's `server` target), measured in bench/results/server.md: a small young generation and a
// capped old space keep the heap near its live set (about 40 MB) instead of growing to hundreds of
// MB under load; optimizing on the main thread instead of a background one keeps the compiler's
// scratch memory out of RSS (about 25 MB less after load), and glibc returns freed blocks of 64 KiB
// and more at once; memory-saver mode makes the collector size the heap to its live set and compact
// instead of keeping the free room a load burst left (about 35 MB less RSS after load). Its idle-time
// "memory reducer" collections are off: after each idle spell they left the next seconds of reads
// ~12% slower, and the heap is kept small without them. --optimize-for-size would save RSS too, but
// slows all JavaScript: it costs a fifth of the read throughput.
import { Command, InvalidArgumentError, Option } from "commander";
import { resolveConfig, type ServerOptions } from "./config";
import { openServices, startServer } from "./index";
import { microToUsd } from "../sdk/money";
import { apiKeyEnvironment } from "./services/api-key-format";
import { UserInputError } from "./services/users";
import { FleetConfigError } from "./market";

/** V8 flags the `akash-ref-api` binary runs with (its shebang); also for `node dist/server/cli.js`. */
export const SERVER_NODE_FLAGS = [
  "--max-semi-space-size=2",
  "--max-old-space-size=128",
  "--no-concurrent-recompilation",
  "--memory-saver-mode",
  "--no-memory-reducer",
] as const;

/** Environment the binary runs with (its shebang): glibc's malloc tuning, read at process start. */
export const SERVER_ENV = { MALLOC_MMAP_THRESHOLD_: "65536" } as const;

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
 * --fault-providers-offline and --fault-providers-unready: alone, "all" or a true-ish value = every provider; a false-ish value
 * = none; else a comma-separated list of provider addresses or names (checked against the fleet
 * when the server starts).
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

/** Store options every command takes (the users commands work beside a running server). */
function storeOptions(command: Command): Command {
  return command
    .addOption(new Option("--data-dir <dir>", "directory of the SQLite store").env("AKASH_REF_DATA_DIR"))
    .addOption(
      new Option("--database-url <url>", "PostgreSQL connection string (instead of SQLite)").env(
        "AKASH_REF_DATABASE_URL",
      ),
    )
    .addOption(
      new Option("--key-env <env>", "the <env> of issued API keys ac.sk.<env>.<hex>")
        .env("AKASH_REF_KEY_ENV")
        .default("local"),
    );
}

interface StoreFlags {
  dataDir?: string;
  databaseUrl?: string;
  keyEnv: string;
}

export function buildCli(): Command {
  const program = new Command("akash-ref-api")
    .description("Reference Akash Console managed-wallet API with a simulated market (pulumi-akash)")
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
        new Option("--admin-routes", "serve /admin/clock (tests that move time)").env(
          "AKASH_REF_ADMIN_ROUTES",
        ),
      )
      .addOption(
        new Option("--min-deposit <usd>", "minimum deposit in dollars")
          .env("AKASH_REF_MIN_DEPOSIT")
          .argParser(num("--min-deposit")),
      )
      .addOption(new Option("--denom <denom>", "micro-denom of amounts").env("AKASH_REF_DENOM"))
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
      .addOption(new Option("--log-level <level>", "pino level").env("AKASH_REF_LOG_LEVEL").default("info")),
  ).action(serve);

  const users = program
    .command("users")
    .description("manage users of a store (works while a server runs on it)");
  storeOptions(users.command("create").description("create a user and print its first API key"))
    .requiredOption("--email <email>", "the user's email")
    .requiredOption("--credit <usd>", "starting credit in dollars")
    .action(async (flags: StoreFlags & { email: string; credit: string }) => {
      await withUsers(flags, async (services) => {
        const { apiKey, userId, address } = await services.users.create(flags.email, flags.credit);
        process.stdout.write(
          `user ${userId} (${address}) created with $${flags.credit} credit\nAPI key (shown once): ${apiKey}\n`,
        );
      });
    });
  storeOptions(users.command("list").description("list users and their credit")).action(
    async (flags: StoreFlags) => {
      await withUsers(flags, async (services) => {
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
    .action(async (flags: StoreFlags & { email: string; amount: string }) => {
      await withUsers(flags, async (services) => {
        const balance = await services.users.credit(flags.email, flags.amount);
        process.stdout.write(`${flags.email} now has $${microToUsd(String(balance))} credit\n`);
      });
    });
  return program;
}

interface ServeFlags extends StoreFlags {
  host: string;
  port: number;
  providers?: string;
  blockTime?: number;
  dev?: boolean | string;
  adminRoutes?: boolean | string;
  minDeposit?: number;
  denom?: string;
  faultErrorRate?: number;
  faultLatency?: number;
  faultBidDrought?: boolean | string;
  faultProvidersOffline?: boolean | string;
  faultProvidersUnready?: boolean | string;
  faultRestartEvery?: number;
  logLevel: string;
}

async function serve(flags: ServeFlags): Promise<void> {
  const dev = asFlag(flags.dev);
  const devKey = dev ? process.env.AKASH_API_KEY?.trim() || undefined : undefined;
  const keyEnv = devKey ? devKeyEnvironment(devKey) : flags.keyEnv;
  const options: ServerOptions = {
    host: flags.host,
    port: flags.port,
    ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
    ...(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : {}),
    ...(flags.providers ? { fleet: flags.providers } : {}),
    ...(flags.blockTime !== undefined ? { blockTimeMs: flags.blockTime } : {}),
    dev,
    adminRoutes: asFlag(flags.adminRoutes),
    ...(flags.minDeposit !== undefined ? { minDepositUsd: flags.minDeposit } : {}),
    ...(flags.denom ? { denom: flags.denom } : {}),
    apiKeyEnv: keyEnv,
    faults: {
      ...(flags.faultErrorRate !== undefined ? { errorRate: flags.faultErrorRate } : {}),
      ...(flags.faultLatency !== undefined ? { latencyMs: flags.faultLatency } : {}),
      bidDrought: asFlag(flags.faultBidDrought),
      providersOffline: faultProviders(flags.faultProvidersOffline),
      providersUnready: faultProviders(flags.faultProvidersUnready),
      ...(flags.faultRestartEvery !== undefined ? { restartEveryMs: flags.faultRestartEvery } : {}),
    },
    logLevel: flags.logLevel as ServerOptions["logLevel"] & string,
  };
  const server = await startServer(options);
  if (dev) await ensureDevUser(server, devKey);

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

/**
 * --dev: a default user with credit. With AKASH_API_KEY set, that key is (made) the user's key so
 * the provider and examples work without copying anything; otherwise a new key is printed.
 */
async function ensureDevUser(
  server: Awaited<ReturnType<typeof startServer>>,
  devKey: string | undefined,
): Promise<void> {
  const { services } = server;
  const existing = await services.users.findByEmail(DEV_USER_EMAIL);
  if (!existing) {
    const created = await services.users.create(
      DEV_USER_EMAIL,
      DEV_USER_CREDIT_USD,
      devKey ? { apiKey: devKey } : {},
    );
    announce(server.url, devKey ? "the key in AKASH_API_KEY" : created.apiKey);
    return;
  }
  if (devKey) {
    if (!(await services.apiKeys.authenticate(devKey)))
      await services.apiKeys.create(existing.id, { name: "dev", secret: devKey });
    announce(server.url, "the key in AKASH_API_KEY");
    return;
  }
  const key = await services.apiKeys.create(existing.id, { name: "dev" });
  announce(server.url, key.apiKey);
}

function announce(url: string, key: string): void {
  process.stdout.write(
    `\nakash-ref-api (dev) at ${url}\n  user: ${DEV_USER_EMAIL} ($${DEV_USER_CREDIT_USD} credit)\n  API key: ${key}\n` +
      `  export AKASH_API_URL=${url}\n\n`,
  );
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
  work: (services: Awaited<ReturnType<typeof openServices>>["services"]) => Promise<void>,
) {
  if (!flags.dataDir && !flags.databaseUrl) {
    throw new UserInputError(
      "name the store: --data-dir <dir> (SQLite) or --database-url <url> (PostgreSQL)",
    );
  }
  const config = resolveConfig({
    ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
    ...(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : {}),
    apiKeyEnv: flags.keyEnv,
  });
  const { services, store } = await openServices(config);
  try {
    await work(services);
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  buildCli()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      const known =
        error instanceof UserInputError || error instanceof FleetConfigError || error instanceof RangeError;
      process.stderr.write(
        `akash-ref-api: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`,
      );
      process.exit(1);
    });
}
