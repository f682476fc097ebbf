// Turns API and network failures into sentences a person can act on.
import { ApiError, NetworkError } from "./api";

export function describeError(error: unknown, what: string): string {
  if (error instanceof NetworkError) {
    return `Could not ${what}: the server did not answer. Check that it is running and try again.`;
  }
  if (!(error instanceof ApiError)) {
    return `Could not ${what}: something went wrong in the console (${String(error)}).`;
  }
  const said = error.message ? ` The server said: “${error.message}”.` : "";
  switch (error.status) {
    case 400:
      if (error.issues.length > 0) {
        const details = error.issues.map((i) => `${fieldName(i.path)}: ${i.message}`).join("; ");
        return `Could not ${what}: ${details}.`;
      }
      return `Could not ${what}: the request was not accepted.${said}`;
    case 401:
      return `Could not ${what}: your API key was not accepted (it may have been deleted or have expired). Sign in again.`;
    case 402:
      return `Could not ${what}: not enough credit.${said}`;
    case 403:
    case 404:
      return `Could not ${what}: it was not found. It may have been closed or deleted already.`;
    case 409:
      return `Could not ${what}: the server is busy with this account. Wait a moment and try again.${said}`;
    case 413:
      return `Could not ${what}: the request is too large.`;
    case 429:
      return `Could not ${what}: too many requests. Wait a moment and try again.`;
    default:
      return error.status >= 500
        ? `Could not ${what}: the server had a problem (error ${error.status}). Try again in a moment.`
        : `Could not ${what} (error ${error.status}).${said}`;
  }
}

function fieldName(path: (string | number)[]): string {
  const field = path.filter((p) => p !== "data").join(".");
  const names: Record<string, string> = {
    name: "Name",
    expiresAt: "Expiry",
    deposit: "Amount",
    dseq: "Deployment",
  };
  return names[field] ?? (field || "Request");
}
