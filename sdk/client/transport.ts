// One HTTP exchange over undici. Connections are pooled per origin and kept alive, so every client
// talking to the same API shares warm sockets.
import "../node-guard";
import { Pool, type Dispatcher } from "undici";

const pools = new Map<string, Pool>();

/** The shared keep-alive pool for `origin` (created on first use). */
export function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (!pool || pool.closed || pool.destroyed) {
    pool = new Pool(origin, { keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: 128 });
    pools.set(origin, pool);
  }
  return pool;
}

/** Closes every shared pool (idle sockets are unref'd, so this is only needed for a clean shutdown). */
export async function closeAllPools(): Promise<void> {
  const open = [...pools.values()];
  pools.clear();
  await Promise.all(open.map((pool) => pool.close()));
}

export interface HttpExchange {
  method: Dispatcher.HttpMethod;
  /** Path and query, e.g. /v1/bids?dseq=1. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Time allowed for the whole exchange (headers and body). */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Thrown when an exchange exceeded its timeoutMs. */
export class ExchangeTimeoutError extends Error {
  readonly code = "request_timeout";
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

// A plain timer + AbortController: undici's own headers/body timeouts tick at about 1 s resolution,
// too coarse for short per-request timeouts.
export async function exchange(dispatcher: Dispatcher, request: HttpExchange): Promise<HttpAnswer> {
  const controller = new AbortController();
  const timeout = new ExchangeTimeoutError(`no complete answer within ${request.timeoutMs} ms`);
  const timer = setTimeout(() => controller.abort(timeout), request.timeoutMs);
  const outer = request.signal;
  const forward = () => controller.abort(outer?.reason);
  outer?.addEventListener("abort", forward, { once: true });
  try {
    const response = await dispatcher.request({
      method: request.method,
      path: request.path,
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
    });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text };
  } catch (error) {
    throw controller.signal.reason === timeout ? timeout : error;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", forward);
  }
}
