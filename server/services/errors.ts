// The failures a service reports to its caller, in the domain's terms. The HTTP layer answers each
// kind with its status and the live API's body (http/errors.ts); services know nothing of HTTP.

export type DomainErrorKind =
  | "not_found"
  | "invalid_input"
  | "insufficient_funds"
  | "forbidden"
  | "conflict"
  | "unprocessable"
  | "unavailable"
  | "upstream_failed"
  | "broken_state";

/** A failure the caller caused or can fix; its message is shown to the caller as it is. */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  /** A machine-readable code for the body (default: the one of the status). */
  readonly code: string | undefined;
  /** Details for the body's `data` (the amounts of a shortfall, the provider that failed). */
  readonly data: Record<string, unknown> | undefined;

  constructor(message: string, options: { code?: string; data?: Record<string, unknown> } = {}) {
    super(message);
    this.code = options.code;
    this.data = options.data;
  }
}

/** The thing does not exist, or belongs to another user (never told apart: no enumeration). */
export class NotFoundError extends DomainError {
  override readonly name = "NotFoundError";
  readonly kind = "not_found";
}

/** The request cannot be carried out as asked (a bad value, a closed deployment, a changed resource). */
export class InvalidInputError extends DomainError {
  override readonly name = "InvalidInputError";
  readonly kind = "invalid_input";
}

/** The user's credit cannot cover the deposit. */
export class InsufficientFundsError extends DomainError {
  override readonly name = "InsufficientFundsError";
  readonly kind = "insufficient_funds";
}

/** The request is bound to someone or something else (a seal for another user or SDL). */
export class ForbiddenError extends DomainError {
  override readonly name = "ForbiddenError";
  readonly kind = "forbidden";
}

/** The state moved on (another patch landed first, the sealing key was rotated). */
export class ConflictError extends DomainError {
  override readonly name = "ConflictError";
  readonly kind = "conflict";
}

/** Well-formed but not doable on this server as configured. */
export class UnprocessableError extends DomainError {
  override readonly name = "UnprocessableError";
  readonly kind = "unprocessable";
}

/** A dependency is briefly unavailable; a retry may succeed. */
export class UnavailableError extends DomainError {
  override readonly name = "UnavailableError";
  readonly kind = "unavailable";
}

/** A provider the request needed did not answer or refused (lease creation, manifest delivery). */
export class UpstreamFailedError extends DomainError {
  override readonly name = "UpstreamFailedError";
  readonly kind = "upstream_failed";
}

/** Stored state cannot be read (e.g. secrets encrypted with another key): permanent, a retry won't help. */
export class BrokenStateError extends DomainError {
  override readonly name = "BrokenStateError";
  readonly kind = "broken_state";
}
