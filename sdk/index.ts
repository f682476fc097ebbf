// pulumi-akash/sdk: the managed-wallet API contract (zod schemas + inferred types), money helpers,
// the typed client, the secrets sealing helper and the flows built on it (waitForBids, deploy).
import "./node-guard";
export * from "./contract";
export * from "./money";
export * from "./secrets";
export * from "./client";
export * from "./deploy";
