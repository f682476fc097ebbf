import { randomBytes } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";

const HEADER = "X-Request-Id";
const HEADER_KEY = HEADER.toLowerCase();
/** A caller's own id is kept when it is short and plain (it ends up in logs). */
const CALLER_ID = /^[\w\-=]{1,255}$/;

/** Responses that already carry the request id header (built by `jsonResponse`). */
const tagged = new WeakSet<Response>();

/**
 * Gives every request an id (the caller's `X-Request-Id` when plain, else a new one), for the log
 * lines and the `X-Request-Id` response header. Ids are unique across processes and restarts (a
 * random prefix per process) and cheap per request (a counter).
 */
export function requestIds(): MiddlewareHandler<AppEnv> {
  const prefix = randomBytes(6).toString("hex");
  let counter = 0;
  return async (c, next) => {
    const given = c.req.header(HEADER);
    const id =
      given !== undefined && CALLER_ID.test(given) ? given : `${prefix}-${(counter += 1).toString(36)}`;
    c.set("requestId", id);
    await next();
    if (!tagged.has(c.res)) c.res.headers.set(HEADER, id);
  };
}

/**
 * A JSON response with its headers as a plain object, request id included: the Node adapter then
 * writes it without building a `Headers` object, which is a large share of a cached read's cost.
 */
export function jsonResponse(c: Context<AppEnv>, body: string, status: number): Response {
  const extra = c.get("answerHeaders");
  const response = new Response(body, {
    status,
    headers: { "content-type": "application/json", [HEADER_KEY]: c.get("requestId"), ...extra },
  });
  tagged.add(response);
  return response;
}

/** Adds a header to the JSON answer a contract route's handler returns (see `jsonResponse`). */
export function answerHeader(c: Context<AppEnv>, name: string, value: string): void {
  c.set("answerHeaders", { ...c.get("answerHeaders"), [name.toLowerCase()]: value });
}
