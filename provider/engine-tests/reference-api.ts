// The bundled reference API for provider tests: a server on loopback with short market delays, a
// funded user, and handler contexts whose log lines are kept for assertions.
import { randomBytes } from "node:crypto";
import { after } from "node:test";
import { AkashClient } from "../../sdk";
import { startServer, type RunningServer, type ServerOptions } from "../../server";
import { createApi } from "../resources/api";
import type { HandlerContext } from "../resources/handler";

export interface ReferenceApi {
  server: RunningServer;
  apiKey: string;
  client: AkashClient;
  /** Log lines written by handlers through contexts from `context()`. */
  logs: string[];
  context(): HandlerContext;
  close(): Promise<void>;
}

// Servers still open when a test file ends (a test that failed before its own cleanup): closed
// here, or their listening sockets would keep the test process alive forever.
const open = new Set<RunningServer>();
after(() => Promise.all([...open].map((server) => server.close())));

export async function referenceApi(options: ServerOptions = {}, creditUsd = 1000): Promise<ReferenceApi> {
  const server = await startServer({ logLevel: "silent", bidDelayMs: 150, startDelayMs: 150, ...options });
  open.add(server);
  const { apiKey } = await server.createUser(
    `provider-${randomBytes(4).toString("hex")}@example.test`,
    creditUsd,
  );
  const client = new AkashClient({
    apiKey,
    baseUrl: server.url,
    trustIdempotencyKey: true,
    retry: { baseDelayMs: 20 },
  });
  const logs: string[] = [];
  const api = createApi(client, { replaysIdempotencyKey: true });
  return {
    server,
    apiKey,
    client,
    logs,
    context: () => ({
      api,
      log: { info: (m) => void logs.push(m), warn: (m) => void logs.push(`warn: ${m}`) },
    }),
    close: async () => {
      if (open.delete(server)) await server.close();
    },
  };
}
