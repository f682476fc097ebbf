// A tiny loopback HTTP server for client tests: records every request and answers from a handler,
// so error paths the reference server cannot produce (5xx, resets, slow answers) can be exercised.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
}

export interface FixtureAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings verbatim. */
  body?: unknown;
  /** Wait this long before answering (ms). */
  delayMs?: number;
  /** Destroy the socket instead of answering (a connection reset). */
  reset?: boolean;
}

export type FixtureHandler = (
  request: RecordedRequest,
  index: number,
) => FixtureAnswer | Promise<FixtureAnswer>;

export interface Fixture {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startFixture(handler: FixtureHandler): Promise<Fixture> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body,
      json,
    };
    requests.push(recorded);
    const answer = await handler(recorded, requests.length - 1);
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if (answer.reset) {
      req.socket.destroy();
      return;
    }
    const text =
      typeof answer.body === "string"
        ? answer.body
        : answer.body === undefined
          ? ""
          : JSON.stringify(answer.body);
    const headers: Record<string, string> = { ...answer.headers };
    if (typeof answer.body !== "string" && answer.body !== undefined)
      headers["content-type"] ??= "application/json";
    res.writeHead(answer.status ?? 200, headers);
    res.end(text);
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
