// pulumi-akash/sdk: the managed-wallet API contract (zod schemas + inferred types), money helpers
// and the typed client.
export * from "./contract";
export * from "./money";
export * from "./client";
