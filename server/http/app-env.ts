import type { Logger } from "pino";

/** Per-request values set by the middleware chain and read by handlers. */
export interface AppVariables {
  requestId: string;
  log: Logger;
  /** Set when the request carried a valid API key. */
  userId?: string;
}

export interface AppEnv {
  Variables: AppVariables;
}
