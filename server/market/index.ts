// The simulated Akash market: pure domain modules (no HTTP, no database) that server/ builds on.
export * from "./dec";
export * from "./sdl";
export * from "./sdl-patch";
export * from "./secrets";
export * from "./manifest-delivery";
export * from "./clock";
export * from "./fleet";
export * from "./bidding";
export * from "./escrow";
export * from "./lease-status";
export * from "./events";
