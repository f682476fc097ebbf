// The failures a service reports to its caller, in the domain's terms. The HTTP layer answers each
// kind with its status and the live API's body (http/errors.ts); services know nothing of HTTP.

export type DomainErrorKind = "not_found" | "invalid_input" | "insufficient_funds";

/** A failure the caller caused or can fix; its message is shown to the caller as it is. */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
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
