// Executes one route of the contract: validates the arguments, sends the request (retrying only when
// that cannot do anything twice), and validates the answer. Every failure becomes an AkashApiError.
import { randomUUID } from "node:crypto";
import type { Dispatcher } from "undici";
import type { z } from "zod";
import { LooseErrorBodySchema, ValidationIssueSchema, type ValidationIssue } from "../contract/common";
import type { RouteDefinition, RouteResponse } from "../contract/route";
import { usdToWireNumber, type UsdAmount } from "../money";
import { backoffDelay, parseRetryAfter, type BackoffPolicy } from "./backoff";
import { AkashApiError, formatIssues, redact, type AkashApiErrorInit } from "./errors";
import { exchange, type HttpAnswer } from "./transport";

/** Per-call options accepted by every client method. */
export interface RequestOptions {
  /** Cancels the call (including waits between retries). */
  signal?: AbortSignal;
  /** Time allowed for each attempt's answer (ms). */
  timeoutMs?: number;
  /** Time allowed for the whole call, retries included (ms). */
  deadlineMs?: number;
  /** Maximum retries after the first attempt (0 disables retries). */
  retries?: number;
  /**
   * Idempotency-Key for creates that spend money (create deployment, deposits). Default: a fresh
   * UUID per call, reused by that call's retries. Pass your own to make retries across process
   * restarts safe on a server that honours it.
   */
  idempotencyKey?: string;
}

export interface RetryPolicy extends BackoffPolicy {
  retries: number;
}

/** Everything a call needs besides its arguments; owned by AkashClient. */
export interface RequestContext {
  dispatcher: Dispatcher;
  basePath: string;
  apiKey: string;
  userAgent: string;
  timeoutMs: number;
  deadlineMs: number;
  retry: RetryPolicy;
  /** The server replays answers for a repeated Idempotency-Key (the reference server does). */
  trustIdempotencyKey: boolean;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  now: () => number;
  /**
   * Writes the API refused (4xx, see `refusedForGood`), by method, path and body: an identical one
   * is not sent again for the life of the client (a run), as the live API's repeated-refusal
   * backoff would answer it 429 for minutes.
   */
  refusedWrites: Map<string, AkashApiError>;
  /** Told before each wait between attempts: how long, and which answer caused it. */
  onRetryWait?: (wait: RetryWait) => void;
}

/** A wait between two attempts of one call. */
export interface RetryWait {
  method: string;
  path: string;
  /** The attempt that failed (1 = the first). */
  attempt: number;
  delayMs: number;
  /** Whether the delay is the server's Retry-After (else the client's backoff). */
  retryAfter: boolean;
  failure: AkashApiError;
}

export interface RouteInput {
  params?: unknown;
  query?: unknown;
  body?: unknown;
}

// Failures that happen before a single byte of the request reached the server: always safe to repeat.
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const RETRYABLE_STATUSES = new Set([502, 503, 504]);
const TIMEOUT_CODES = new Set([
  "request_timeout",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const STATUS_CODES: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  402: "payment_required",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  422: "unprocessable_entity",
  429: "rate_limited",
  502: "service_unavailable",
  503: "service_unavailable",
};

/**
 * When a failed attempt is repeated:
 * - Routes marked `retrySafe` (GET, PUT, DELETE, idempotent PATCH, POST /v1/leases): on network
 *   errors, timeouts, 429 and 502/503/504, except 502 `provider_unreachable` (no lease was made:
 *   the caller chooses another bid).
 * - Any route: 402 `balance_top_up_pending` (refused before running), and 502
 *   `manifest_not_delivered` once (the lease exists; the identical request re-sends the manifest).
 * - Creates that spend money (create deployment, deposits) and other POSTs: only when the request
 *   provably did not run: connection never established (ECONNREFUSED, DNS, connect timeout), 429, or
 *   409 `wallet_provisioning` (rejected in pre-flight) or `idempotency_in_progress` (another request
 *   holds the key). A reset connection, a timeout or a 5xx after
 *   sending is NOT retried: the live API ignores Idempotency-Key, so a repeat could create/charge twice.
 *   With `trustIdempotencyKey` (a server that replays answers by Idempotency-Key, like the reference
 *   server), these routes are retried like retry-safe ones, with the same key.
 */
export function mayRetry(
  route: RouteDefinition,
  error: AkashApiError,
  trustIdempotencyKey: boolean,
): boolean {
  const safe = route.retrySafe || (route.idempotencyKey === true && trustIdempotencyKey);
  switch (error.kind) {
    case "http":
      if (error.status === 429) return true;
      // A card top-up is being credited: refused before anything ran, retry after Retry-After.
      if (error.status === 402 && error.code === "balance_top_up_pending") return true;
      // The lease was made, its manifest did not arrive: the identical request re-sends it (once,
      // see callRoute); an unreachable provider stays unreachable, the caller picks another bid.
      if (error.code === "manifest_not_delivered") return true;
      if (error.code === "provider_unreachable") return false;
      if (error.status === 409 && error.code === "wallet_provisioning") return true;
      // Another request holds this Idempotency-Key: this one did not run; once that one ends, a
      // repeat gets its answer.
      if (error.status === 409 && error.code === "idempotency_in_progress") return true;
      return safe && error.status !== undefined && RETRYABLE_STATUSES.has(error.status);
    case "network":
      return safe || NOT_SENT_CODES.has(error.code);
    case "timeout":
      return safe || error.code === "UND_ERR_CONNECT_TIMEOUT";
    default:
      return false;
  }
}

export async function callRoute<R extends RouteDefinition>(
  ctx: RequestContext,
  route: R,
  input: RouteInput,
  options: RequestOptions = {},
): Promise<RouteResponse<R>> {
  const method = route.method.toUpperCase() as Dispatcher.HttpMethod;
  const where = { method, path: ctx.basePath + route.path };
  const params = parseInput(route.params, input.params, "params", where);
  const query = parseInput(route.query, input.query, "query", where);
  const body = parseInput(route.body, input.body, "body", where);
  const path = ctx.basePath + fillPath(route.path, params);
  const headers: Record<string, string> = {
    accept: "application/json",
    "user-agent": ctx.userAgent,
    "x-api-key": ctx.apiKey,
  };
  if (route.body) headers["content-type"] = "application/json";
  if (route.idempotencyKey) headers["idempotency-key"] = options.idempotencyKey ?? randomUUID();
  const request = {
    method,
    path: path + toQueryString(query),
    headers,
    body: route.body ? JSON.stringify(body) : undefined,
  };

  const timeoutMs = options.timeoutMs ?? ctx.timeoutMs;
  const retries = options.retries ?? ctx.retry.retries;
  const deadline = ctx.now() + (options.deadlineMs ?? ctx.deadlineMs);
  const signal = options.signal;
  const failWith: FailWith = (init) =>
    new AkashApiError({ ...init, method, path, message: `${method} ${path}: ${init.message}` });
  // The identity of a write: an identical one refused before is answered from memory.
  const write = method === "GET" ? undefined : `${method} ${request.path}\n${request.body ?? ""}`;
  const refusedBefore = write === undefined ? undefined : ctx.refusedWrites.get(write);
  if (refusedBefore) {
    // The note goes first: callers match the end of the message (": Deployment not found").
    const prefix = `${method} ${path}: `;
    const rest = refusedBefore.message.startsWith(prefix)
      ? refusedBefore.message.slice(prefix.length)
      : refusedBefore.message;
    throw refusedBefore.withMessage(
      `${prefix}not sent again (the API refused this identical request earlier in this run; change it, or run again once the cause is fixed): ${rest}`,
    );
  }
  const remember = (failure: AkashApiError): AkashApiError => {
    if (write !== undefined && refusedForGood(failure)) ctx.refusedWrites.set(write, failure);
    return failure;
  };
  let resentManifest = false;

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortedError(failWith, attempt - 1, signal);
    const remaining = deadline - ctx.now();
    if (remaining <= 0) {
      throw failWith({
        kind: "timeout",
        code: "deadline_exceeded",
        attempts: attempt - 1,
        message: `deadline exceeded before attempt ${attempt}`,
      });
    }
    let outcome: HttpAnswer | AkashApiError;
    try {
      outcome = await exchange(ctx.dispatcher, {
        ...request,
        timeoutMs: Math.min(timeoutMs, remaining),
        signal,
      });
    } catch (cause) {
      if (signal?.aborted) throw abortedError(failWith, attempt, signal);
      outcome = transportError(failWith, cause, attempt, ctx.apiKey);
    }
    if (!(outcome instanceof AkashApiError) && outcome.status >= 200 && outcome.status < 300) {
      return parseSuccess(route, outcome, failWith, attempt) as RouteResponse<R>;
    }
    const failure =
      outcome instanceof AkashApiError
        ? outcome
        : httpError(failWith, outcome, attempt, ctx.apiKey, ctx.now());
    if (failure.code === "manifest_not_delivered") {
      if (resentManifest) throw failure;
      resentManifest = true;
    } else if (attempt > retries || !mayRetry(route, failure, ctx.trustIdempotencyKey)) {
      throw remember(failure);
    }
    const delay = failure.retryAfterMs ?? backoffDelay(attempt - 1, ctx.retry, ctx.random);
    const left = deadline - ctx.now();
    if (delay >= left) {
      if (failure.retryAfterMs === undefined) throw failure;
      throw failure.withMessage(
        `${failure.message}; the API asked to wait ${seconds(delay)} s (Retry-After) before retrying, more than the ${seconds(left)} s left of this call's deadline, so it was not retried`,
      );
    }
    ctx.onRetryWait?.({
      method,
      path,
      attempt,
      delayMs: delay,
      retryAfter: failure.retryAfterMs !== undefined,
      failure,
    });
    try {
      await ctx.sleep(delay, signal);
    } catch {
      throw abortedError(failWith, attempt, signal);
    }
  }
}

type FailWith = (init: Omit<AkashApiErrorInit, "method" | "path">) => AkashApiError;

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** Answers that sending the same request again cannot change: a 4xx other than those asking for a retry. */
const ASKS_FOR_RETRY = new Set(["wallet_provisioning", "idempotency_in_progress", "balance_top_up_pending"]);
export function refusedForGood(error: AkashApiError): boolean {
  const status = error.status;
  if (error.kind !== "http" || status === undefined || status < 400 || status >= 500) return false;
  return status !== 401 && status !== 408 && status !== 429 && !ASKS_FOR_RETRY.has(error.code);
}

/** Converts a dollar argument for the wire, failing like any invalid argument (nothing sent). */
export function wireUsd(
  usd: UsdAmount,
  route: RouteDefinition,
  basePath: string,
  field: PropertyKey[],
): number {
  try {
    return usdToWireNumber(usd);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const method = route.method.toUpperCase();
    const path = basePath + route.path;
    const issues = [{ code: "invalid_amount", message, path: field.map(String) }];
    throw new AkashApiError({
      kind: "invalid_request",
      code: "invalid_request",
      issues,
      method,
      path,
      message: `${method} ${path}: invalid body, nothing was sent: ${formatIssues(issues)}`,
    });
  }
}

function parseInput(
  schema: z.ZodType | undefined,
  value: unknown,
  part: "params" | "query" | "body",
  where: { method: string; path: string },
): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? (part === "body" ? value : {}));
  if (result.success) return result.data;
  const issues = result.error.issues.map(toIssue);
  throw new AkashApiError({
    kind: "invalid_request",
    code: "invalid_request",
    issues,
    ...where,
    message: `${where.method} ${where.path}: invalid ${part}, nothing was sent: ${formatIssues(issues.map((i) => ({ ...i, path: [part, ...i.path] })))}`,
  });
}

function fillPath(template: string, params: unknown): string {
  const values = (params ?? {}) as Record<string, unknown>;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(values[name])));
}

function toQueryString(query: unknown): string {
  if (!query) return "";
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
    // A list repeats its name (dseq=1&dseq=2), as GET /v1/deployment-names expects.
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) search.append(key, String(item));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

function parseSuccess(
  route: RouteDefinition,
  answer: HttpAnswer,
  failWith: FailWith,
  attempts: number,
): unknown {
  if (!route.response) return undefined;
  const label = `answered ${answer.status}`;
  let json: unknown;
  try {
    json = JSON.parse(answer.text);
  } catch {
    throw failWith({
      kind: "invalid_response",
      status: answer.status,
      code: "invalid_json",
      attempts,
      message: `${label} with a body that is not JSON: ${JSON.stringify(answer.text.slice(0, 120))}`,
    });
  }
  const result = route.response.safeParse(json);
  if (result.success) return result.data;
  const issues = result.error.issues.map(toIssue);
  throw failWith({
    kind: "invalid_response",
    status: answer.status,
    code: "invalid_response",
    issues,
    attempts,
    message: `${label} with a body that does not match the contract: ${formatIssues(issues)}`,
  });
}

function httpError(
  failWith: FailWith,
  answer: HttpAnswer,
  attempts: number,
  apiKey: string,
  now: number,
): AkashApiError {
  let parsed: z.infer<typeof LooseErrorBodySchema> = {};
  try {
    const result = LooseErrorBodySchema.safeParse(JSON.parse(answer.text));
    if (result.success) parsed = result.data;
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): the status alone describes the failure.
  }
  const removed = !parsed.message && /has been removed/i.test(parsed.error ?? "");
  const code =
    parsed.code ?? (removed ? "endpoint_removed" : (STATUS_CODES[answer.status] ?? `http_${answer.status}`));
  const issues = Array.isArray(parsed.data)
    ? parsed.data.flatMap((item) => {
        const issue = ValidationIssueSchema.safeParse(item);
        return issue.success ? [issue.data] : [];
      })
    : [];
  const text = parsed.message ?? parsed.error ?? answer.text.trim().slice(0, 200);
  const detail = issues.length > 0 ? ` (${formatIssues(issues)})` : shortfall(parsed.data);
  const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
  return failWith({
    kind: "http",
    status: answer.status,
    code,
    errorName: parsed.message ? parsed.error : undefined,
    issues,
    attempts,
    retryAfterMs: parseRetryAfter(answer.headers["retry-after"], now),
    ...(parsed.data !== undefined && !Array.isArray(parsed.data) ? { data: parsed.data } : {}),
    message: redact(`HTTP ${answer.status} ${code}: ${text || "(empty body)"}${detail}${tries}`, apiKey),
  });
}

/** What a 402 insufficient_balance's amounts say is missing, e.g. " ($2.75 missing: $10 required, $7.25 available)". */
function shortfall(data: unknown): string {
  if (typeof data !== "object" || data === null) return "";
  const { requiredAmountUsd: required, availableAmountUsd: available } = data as Record<string, unknown>;
  if (typeof required !== "number" || typeof available !== "number") return "";
  const missing = Math.max(0, Math.round((required - available) * 1_000_000) / 1_000_000);
  return ` ($${missing} missing: $${required} required, $${available} available)`;
}

function transportError(failWith: FailWith, cause: unknown, attempts: number, apiKey: string): AkashApiError {
  const code = (cause as { code?: unknown })?.code;
  const systemCode = typeof code === "string" ? code : "network_error";
  const detail = redact(cause instanceof Error ? cause.message : String(cause), apiKey);
  const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
  if (TIMEOUT_CODES.has(systemCode)) {
    return failWith({
      kind: "timeout",
      code: systemCode,
      attempts,
      message: `timed out (${detail})${tries}`,
    });
  }
  return failWith({
    kind: "network",
    code: systemCode,
    attempts,
    message: `network error ${systemCode}: ${detail}${tries}`,
  });
}

function abortedError(failWith: FailWith, attempts: number, signal: AbortSignal | undefined): AkashApiError {
  const reason: unknown = signal?.reason;
  const why = reason instanceof Error ? reason.message : reason === undefined ? "" : String(reason);
  return failWith({
    kind: "aborted",
    code: "aborted",
    attempts,
    message: `aborted by the caller${why ? `: ${why}` : ""}`,
  });
}

function toIssue(issue: z.core.$ZodIssue): ValidationIssue {
  return {
    code: issue.code,
    message: issue.message,
    path: issue.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
  };
}
