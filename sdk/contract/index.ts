// The managed-wallet API contract: every request and response shape, and the route table.
export * from "./common";
export * from "./api-keys";
export * from "./certificates";
export * from "./deployments";
export * from "./deposits";
export * from "./bids";
export * from "./leases";
export * from "./logs";
export * from "./events";
export * from "./balances";
export * from "./wallets";
export * from "./user";
export * from "./deployment-settings";
export * from "./secrets";
export * from "./funding";
export * from "./route";
export * from "./routes";
