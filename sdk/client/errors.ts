// The one error type the client throws. It carries what a caller needs to react (status, code,
// validation issues, whether it was the network or a timeout) and never the API key.
import { inspect } from "node:util";
import type { ValidationIssue } from "../contract/common";

/**
 * - `http`: the API answered with an error status (see `status`, `code`, `issues`).
 * - `network`: no answer (connection refused/reset, DNS...). `code` is the system code.
 * - `timeout`: the per-request timeout or the overall deadline ran out.
 * - `aborted`: the caller's AbortSignal fired.
 * - `invalid_response`: a 2xx answer whose body does not match the contract.
 * - `invalid_request`: the arguments do not match the contract; nothing was sent.
 */
export type AkashErrorKind =
  "http" | "network" | "timeout" | "aborted" | "invalid_response" | "invalid_request";

export interface AkashApiErrorInit {
  kind: AkashErrorKind;
  message: string;
  method: string;
  path: string;
  status?: number;
  code: string;
  errorName?: string;
  issues?: ValidationIssue[];
  attempts?: number;
  retryAfterMs?: number;
  /** The error body's `data` besides validation issues (e.g. a 402's amounts, a 502's provider). */
  data?: unknown;
  cause?: unknown;
}

export class AkashApiError extends Error {
  override readonly name = "AkashApiError";
  readonly kind: AkashErrorKind;
  /** HTTP status when the API answered; undefined for network, timeout, abort and invalid_request. */
  readonly status: number | undefined;
  /** The body's `code` (e.g. validation_error, not_found), else a client code (ECONNREFUSED, timeout...). */
  readonly code: string;
  /** The body's `error` (e.g. NotFoundError) when present. */
  readonly errorName: string | undefined;
  /** Validation issues: the server's (400 validation_error) or the client's (invalid_request/response). */
  readonly issues: ValidationIssue[];
  readonly method: string;
  /** Request path without query string, e.g. /v1/deployments/123. */
  readonly path: string;
  /** How many HTTP attempts were made (0 when nothing was sent). */
  readonly attempts: number;
  /** The server's Retry-After, in ms, when it sent one. */
  readonly retryAfterMs: number | undefined;
  /**
   * The error body's `data` when it is not a list of validation issues: `{requiredAmountUsd,
   * availableAmountUsd}` of a 402 insufficient_balance, `{dseq, provider, reason}` of a 502.
   */
  readonly data: unknown;

  constructor(init: AkashApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.errorName = init.errorName;
    this.issues = init.issues ?? [];
    this.method = init.method;
    this.path = init.path;
    this.attempts = init.attempts ?? 0;
    this.retryAfterMs = init.retryAfterMs;
    this.data = init.data;
  }

  /** The same failure with another message (a note on what the client did about it). */
  withMessage(message: string): AkashApiError {
    return new AkashApiError({ ...this.init(), message });
  }

  private init(): AkashApiErrorInit {
    return {
      kind: this.kind,
      message: this.message,
      method: this.method,
      path: this.path,
      ...(this.status === undefined ? {} : { status: this.status }),
      code: this.code,
      ...(this.errorName === undefined ? {} : { errorName: this.errorName }),
      issues: this.issues,
      attempts: this.attempts,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(this.data === undefined ? {} : { data: this.data }),
      ...(this.cause === undefined ? {} : { cause: this.cause }),
    };
  }

  /** True when a later identical request may succeed (network trouble, timeout, 429, 5xx). */
  get transient(): boolean {
    if (this.kind === "network" || this.kind === "timeout") return true;
    return this.kind === "http" && this.status !== undefined && (this.status === 429 || this.status >= 500);
  }

  toJSON() {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      status: this.status,
      code: this.code,
      errorName: this.errorName,
      issues: this.issues,
      method: this.method,
      path: this.path,
      attempts: this.attempts,
      retryAfterMs: this.retryAfterMs,
      data: this.data,
    };
  }

  [inspect.custom]() {
    return `${this.stack ?? `${this.name}: ${this.message}`}\n${inspect(this.toJSON(), { depth: 4 })}`;
  }
}

/** Replaces every occurrence of `secret` in `text`, so server or socket messages cannot leak the key. */
export function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join("[redacted]") : text;
}

/** Formats issues as `data.leases[0].provider: message; ...` for error messages. */
export function formatIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  limit = 5,
): string {
  const shown = issues.slice(0, limit).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  if (issues.length > limit) shown.push(`... and ${issues.length - limit} more`);
  return shown.join("; ");
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    out += typeof segment === "number" ? `[${segment}]` : `${out ? "." : ""}${String(segment)}`;
  }
  return out || "(root)";
}
