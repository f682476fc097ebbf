// pulumi-akash/sdk: the managed-wallet API contract (zod schemas + inferred types), money helpers,
// the typed client and the flows built on it (waitForBids, deploy).
export * from "./contract";
export * from "./money";
export * from "./client";
export * from "./deploy";
