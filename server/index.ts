import "../sdk/node-guard";
import type { AddressInfo, Socket } from "node:net";
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
  if (store.kind === "postgres" && !config.secretsKey) logger.warn(SECRETS_KEY_IN_DATABASE_WARNING);
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
    server.on("clientError", (error: NodeJS.ErrnoException & { reason?: string }, socket: Socket) =>
      answerClientError(error, socket, logger),
    );
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
    keyInStore: config.dev || config.secretsKeyInDatabase,
  };
}

/** Said at start when the secrets key sits in the database beside what it encrypts. */
export const SECRETS_KEY_IN_DATABASE_WARNING =
  "the secrets key is kept in the database, beside the secrets it encrypts: a dump of the database carries both. Outside development, start every replica with AKASH_REF_SECRETS_KEY (or --secrets-key) instead";

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

/** What Node answers a request its parser rejects, by the parser's error code (else 400). */
const PARSER_STATUS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, "Request Header Fields Too Large"],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, "Payload Too Large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request Timeout"],
};

/**
 * A request Node's HTTP parser rejected (malformed request line, bad header characters, invalid
 * chunked encoding, headers too large, too slow): answered as Node's own handler answers it, and
 * logged as what the client got, with the parser's reason, rather than reaching the app, whose
 * request, if its headers had already arrived, then ends as an aborted one (see errors.ts).
 */
function answerClientError(
  error: NodeJS.ErrnoException & { reason?: string },
  socket: Socket,
  logger: Logger,
): void {
  // A client that went away gets nothing, and there is nothing to tell about it.
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, text] = PARSER_STATUS[error.code ?? ""] ?? [400, "Bad Request"];
  // As Node does: answer only when no response to this connection's current request has begun.
  const current = (socket as Socket & { _httpMessage?: { headersSent: boolean } })._httpMessage;
  const answered = !current?.headersSent;
  if (answered) socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n\r\n`);
  logger.warn(
    { status: answered ? status : undefined, code: error.code, reason: error.reason ?? error.message },
    `malformed request${answered ? `: answered ${status}` : ""} (rejected by the HTTP parser)`,
  );
  socket.destroy();
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
