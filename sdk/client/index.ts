// The typed managed-wallet client: one method per API call (orchestration is in sdk/deploy/).
export { AkashClient, type AkashClientOptions, type CallInput, type Dseq } from "./client";
export { AkashApiError, type AkashErrorKind } from "./errors";
export { DEFAULT_BASE_URL, type CredentialOptions } from "./config";
export { mayRetry, refusedForGood, type RequestOptions, type RetryPolicy, type RetryWait } from "./request";
export { backoffDelay, parseRetryAfter, pollDelay } from "./backoff";
export { closeAllPools } from "./transport";
