/**
 * Whether an error means the database cannot be reached right now (PostgreSQL restarting, failing
 * over, or gone), rather than that the query or its data is wrong: the request may succeed when
 * retried, so it is answered 503, not 500. Whatever the request wrote was rolled back with its
 * transaction, or, when the connection died during COMMIT, may have committed: a retry with the
 * same Idempotency-Key then replays it.
 */
export function isStoreUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; depth++) {
    const { code, syscall } = cause as { code?: unknown; syscall?: unknown };
    if (typeof code === "string" && isUnavailableSqlState(code)) return true;
    // A system call's failure: not an HTTP request's own "aborted" (ECONNRESET, without one).
    if (typeof code === "string" && typeof syscall === "string" && SOCKET_CODES.has(code)) return true;
    if (PG_CONNECTION_MESSAGES.some((message) => cause instanceof Error && cause.message.startsWith(message)))
      return true;
    // Connecting to a name with several addresses fails with one error per address.
    if (cause instanceof AggregateError && cause.errors.some((e) => isStoreUnavailable(e))) return true;
    cause = cause.cause;
  }
  return false;
}

/** Node's socket errors while connecting to, or talking with, the database. */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "EAI_AGAIN",
]);

/**
 * SQLSTATEs of a lost or refused connection: class 08 (connection exception), 57P01
 * admin_shutdown (fast shutdown or restart), 57P02 crash_shutdown (another backend crashed),
 * 57P03 cannot_connect_now (starting up or shutting down), 53300 too_many_connections.
 */
function isUnavailableSqlState(code: string): boolean {
  return /^08[0-9A-Z]{3}$/.test(code) || ["57P01", "57P02", "57P03", "53300"].includes(code);
}

/** What the pg driver says, without a code, when its connection ends or cannot be made in time. */
const PG_CONNECTION_MESSAGES = [
  "Connection terminated",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
  "timeout exceeded when trying to connect",
];
