import "../sdk/node-guard";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import type { Logger } from "pino";
import {
  checkFaultProviders,
  describeConfig,
  resolveConfig,
  type ServerConfig,
  type ServerOptions,
} from "./config";
import { consoleApp } from "./console/routes";
import { openStore, type Store } from "./db/connect";
import { createApp } from "./http/app";
import { createLogger } from "./logger";
import { deleteAbandonedClaims } from "./repositories/idempotency";
import { SystemClock, loadFleet, type Clock } from "./market";
import { readPackageJson } from "../sdk/node-version";
import { loadSecretsKey } from "./services/secrets";
import { createServices, type Services } from "./services/services";

export type { ServerOptions, FaultOptions, FundingMode, AutoFundingOptions } from "./config";
export type { Clock } from "./market";
export { ManualClock, SystemClock } from "./market";

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  port: number;
  /** Stops accepting connections, lets in-flight requests finish, then closes the store. */
  close(): Promise<void>;
  /** Creates a user with `creditUsd` of credit; answers its id and first API key (shown once). */
  createUser(email: string, creditUsd: number): Promise<{ userId: string; apiKey: string }>;
  /** Adds credit to a user; answers the new balance in micro-units. */
  creditUser(email: string, usd: number): Promise<number>;
  /** Moves the server's clock forward by whole blocks (escrow, bids and status follow). */
  advanceBlocks(blocks: number): void;
  /** Moves the server's clock forward by milliseconds. */
  advanceMs(ms: number): void;
  clock: Clock;
  config: ServerConfig;
  /** The server's services on its store (the CLI's --dev setup uses them). */
  services: Services;
}

/**
 * Starts the reference managed-wallet API: opens (and migrates) the store, deletes Idempotency-Key
 * claims abandoned by an earlier version killed mid-request, loads the fleet, and listens.
 * In-memory SQLite unless `dataDir` or `databaseUrl` is given.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const config = resolveConfig(options);
  const logger = createLogger(config.logLevel, options.logDestination);
  const fleet = loadFleet(config.fleet as Parameters<typeof loadFleet>[0]);
  checkFaultProviders(config, fleet);
  const clock = options.clock ?? new SystemClock({ blockTimeMs: config.blockTimeMs });
  const store = await openStore({
    ...(config.dataDir ? { dataDir: config.dataDir } : {}),
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    serve: true,
  });
  let secretsKey: Buffer;
  try {
    const freed = await deleteAbandonedClaims(store.db);
    if (freed > 0)
      logger.warn({ keys: freed }, "freed Idempotency-Keys left pending by a server killed mid-request");
    secretsKey = await loadSecretsKey(store.db, secretsKeySource(config, store), clock.now());
  } catch (error) {
    await store.close();
    throw error;
  }
  const services = createServices({
    db: store.db,
    lockRows: store.kind === "postgres",
    ...(store.contentVersion ? { contentVersion: store.contentVersion } : {}),
    clock,
    fleet,
    config,
    secretsKey,
  });
  const app = createApp({
    config,
    services,
    logger,
    version: readPackageJson().version,
    consoleApp: () => consoleApp(),
  });

  let server: ServerType;
  try {
    server = await listen(app.fetch, config.host, config.port);
  } catch (error) {
    await store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  logger.info(
    { url, config: describeConfig(config, store.location), providers: fleet.providers.length },
    "akash-ref-api listening",
  );

  return {
    url,
    port,
    close: once(() => shutdown(server, store, logger)),
    createUser: async (email, creditUsd) => {
      const { userId, apiKey } = await services.users.create(email, creditUsd);
      return { userId, apiKey };
    },
    creditUser: (email, usd) => services.users.credit(email, usd),
    advanceBlocks: (blocks) => clock.advanceBlocks(blocks),
    advanceMs: (ms) => clock.advanceMs(ms),
    clock,
    config,
    services,
  };
}

/**
 * For the CLI: the same services on a store, without HTTP. With `withSecrets` the store's secrets
 * key is loaded (commands that touch sealing keys); the others never read a secret.
 */
export async function openServices(
  config: ServerConfig,
  options: { withSecrets?: boolean } = {},
): Promise<{ services: Services; store: Store }> {
  const store = await openStore({
    ...(config.dataDir ? { dataDir: config.dataDir } : {}),
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
  });
  const clock = new SystemClock({ blockTimeMs: config.blockTimeMs });
  let secretsKey: Buffer | undefined;
  try {
    if (options.withSecrets)
      secretsKey = await loadSecretsKey(store.db, secretsKeySource(config, store), clock.now());
  } catch (error) {
    await store.close();
    throw error;
  }
  const services = createServices({
    db: store.db,
    lockRows: store.kind === "postgres",
    clock,
    fleet: { providers: [] },
    config,
    ...(secretsKey ? { secretsKey } : {}),
  });
  return { services, store };
}

function secretsKeySource(config: ServerConfig, store: Store) {
  return {
    secretsKey: config.secretsKey,
    dataDir: store.kind === "sqlite" ? config.dataDir : undefined,
    shared: store.kind === "postgres",
  };
}

function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  hostname: string,
  port: number,
): Promise<ServerType> {
  return new Promise((resolveListen, reject) => {
    const server = serve({ fetch, hostname, port }, () => resolveListen(server));
    server.once("error", reject);
  });
}

async function shutdown(server: ServerType, store: Store, logger: Logger): Promise<void> {
  logger.info("draining in-flight requests");
  await new Promise<void>((resolveClose) => {
    // Keep-alive connections would hold close() open until they time out: close each one as soon
    // as it is idle, which for a busy one is right after its in-flight request is answered.
    const closeIdle = () => {
      if ("closeIdleConnections" in server) server.closeIdleConnections();
    };
    const sweeper = setInterval(closeIdle, 25);
    server.close(() => {
      clearInterval(sweeper);
      resolveClose();
    });
    closeIdle();
  });
  await store.close();
  logger.info("stopped");
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
