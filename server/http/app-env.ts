/** Per-request values set by the middleware chain and read by handlers. */
export interface AppVariables {
  requestId: string;
  /** Set when the request carried a valid API key. */
  userId?: string;
}

export interface AppEnv {
  Variables: AppVariables;
}
