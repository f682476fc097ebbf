import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { isStoreUnavailable } from "../db/store-unavailable";
import { DomainError, type DomainErrorKind } from "../services/errors";
import type { AppEnv } from "./app-env";

/**
 * An error answered with the live API's body `{error, message, code, type, data?}` (contract §4):
 * `error` is the http-errors class name, `code` the machine code, `type` client_error/server_error.
 */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly type: string;
  readonly data: unknown;

  constructor(
    status: ContentfulStatusCode,
    message: string,
    options: { code?: string; type?: string; data?: unknown } = {},
  ) {
    super(message);
    this.status = status;
    this.code = options.code ?? STATUS_CODES[status] ?? "unknown_error";
    this.type = options.type ?? (status >= 500 ? "server_error" : "client_error");
    this.data = options.data;
  }

  get errorName(): string {
    return ERROR_NAMES[this.status] ?? (this.status >= 500 ? "InternalServerError" : "BadRequestError");
  }

  toBody(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      error: this.errorName,
      message: this.message,
      code: this.code,
      type: this.type,
    };
    if (this.data !== undefined) body.data = this.data;
    return body;
  }
}

/** An answer whose body is only `{error}`, as the live content-type check sends. */
export class BareError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(status: ContentfulStatusCode, message: string) {
    super(message);
    this.status = status;
  }
}

const STATUS_CODES: Partial<Record<number, string>> = {
  400: "bad_request",
  401: "unauthorized",
  402: "payment_required",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "unprocessable_entity",
  429: "rate_limited",
  502: "service_unavailable",
  503: "service_unavailable",
};

const ERROR_NAMES: Partial<Record<number, string>> = {
  400: "BadRequestError",
  401: "UnauthorizedError",
  402: "PaymentRequiredError",
  403: "ForbiddenError",
  404: "NotFoundError",
  405: "MethodNotAllowedError",
  409: "ConflictError",
  413: "PayloadTooLargeError",
  415: "UnsupportedMediaTypeError",
  422: "UnprocessableEntityError",
  429: "TooManyRequestsError",
  500: "InternalServerError",
  502: "BadGatewayError",
  503: "ServiceUnavailableError",
};

export const badRequest = (message: string) => new ApiError(400, message);
export const notFound = (message: string) => new ApiError(404, message);

/** The status of each domain failure; its code, type and error name follow from the status. */
const DOMAIN_STATUS: Record<DomainErrorKind, ContentfulStatusCode> = {
  not_found: 404,
  invalid_input: 400,
  insufficient_funds: 402,
  forbidden: 403,
  conflict: 409,
  unprocessable: 422,
  unavailable: 503,
  upstream_failed: 502,
  broken_state: 500,
};

/** The 400 body of a request that failed schema validation, issues included (path, code, message). */
export function validationError(error: ZodError): ApiError {
  // Issues can carry bigints (a uint64 bound) and symbols; JSON has neither, so they become strings.
  const issues = JSON.parse(
    JSON.stringify(error.issues, (_key, value: unknown) =>
      typeof value === "bigint" || typeof value === "symbol" ? value.toString() : value,
    ),
  ) as unknown;
  return new ApiError(400, "Validation error", {
    code: "validation_error",
    type: "validation_error",
    data: issues,
  });
}

/**
 * Whether the request's own stream failed: reading its body then fails with Node's "aborted"
 * (ECONNRESET), which is neither a bug nor the database's.
 */
function requestAborted(c: Context<AppEnv>): boolean {
  const incoming = c.env?.incoming;
  return incoming !== undefined && !incoming.complete && incoming.destroyed;
}

/** Seconds a client is told to wait (Retry-After) when the database cannot be reached. */
export const STORE_UNAVAILABLE_RETRY_AFTER_S = 1;

export const STORE_UNAVAILABLE_MESSAGE =
  "The store is unavailable (its database does not answer); retry shortly";

/** How the error handler reports what it answers for a failure that is not the request's fault. */
export interface ErrorLog {
  /**
   * The request's connection closed before its body was complete (the client went away, or Node's
   * parser rejected the rest, which answered it): answered 400, if anyone is still there to read it.
   */
  aborted(error: unknown): void;
  /** The database could not be reached: answered 503, worth a warning, not an alarm. */
  unavailable(error: unknown): void;
  /** Anything else not known: a bug, answered 500. */
  unexpected(error: unknown): void;
}

/**
 * Hono error handler: known errors keep their status and body, a service's failure gets the status
 * of its kind, an unreachable database is a 503 with Retry-After, anything else is a logged 500.
 */
export function errorResponse(error: unknown, c: Context<AppEnv>, log: ErrorLog): Response {
  if (error instanceof ApiError) return c.json(error.toBody(), error.status);
  if (error instanceof DomainError) {
    const status = DOMAIN_STATUS[error.kind];
    const options = {
      ...(error.code ? { code: error.code } : {}),
      ...(error.data ? { data: error.data } : {}),
    };
    return c.json(new ApiError(status, error.message, options).toBody(), status);
  }
  if (error instanceof BareError) return c.json({ error: error.message }, error.status);
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    const message =
      status === 400 && /json/i.test(error.message)
        ? "Malformed JSON in request body"
        : error.message || "Bad request";
    return c.json(new ApiError(status, message).toBody(), status);
  }
  if (requestAborted(c)) {
    log.aborted(error);
    const message = "The request's connection closed before its body was complete";
    return c.json(new ApiError(400, message, { code: "request_aborted" }).toBody(), 400);
  }
  if (isStoreUnavailable(error)) {
    log.unavailable(error);
    c.header("Retry-After", String(STORE_UNAVAILABLE_RETRY_AFTER_S));
    return c.json(new ApiError(503, STORE_UNAVAILABLE_MESSAGE, { code: "store_unavailable" }).toBody(), 503);
  }
  log.unexpected(error);
  return c.json(
    {
      error: "InternalServerError",
      message: "Internal server error",
      code: "internal_server_error",
      type: "server_error",
    },
    500,
  );
}
