// The typed managed-wallet client.
export { AkashClient, type AkashClientOptions, type CallInput, type Dseq } from "./client";
export { AkashApiError, type AkashErrorKind } from "./errors";
export { DEFAULT_BASE_URL, type CredentialOptions } from "./config";
export { mayRetry, type RequestOptions, type RetryPolicy } from "./request";
export { backoffDelay, parseRetryAfter, pollDelay } from "./backoff";
export { closeAllPools } from "./transport";
export { waitForBids, type WaitForBidsOptions } from "./wait-for-bids";
export {
  cheapestBid,
  deploy,
  serviceUris,
  type BidSelector,
  type DeployOptions,
  type DeployResult,
} from "./deploy";
