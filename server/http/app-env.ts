import type { HttpBindings } from "@hono/node-server";

/** Per-request values set by the middleware chain and read by handlers. */
export interface AppVariables {
  requestId: string;
  /** Set when the request carried a valid API key. */
  userId?: string;
  /**
   * The store's content version the key was checked at, read after the request arrived: the
   * request's reads may use it instead of asking the database again (PostgreSQL).
   */
  contentVersion?: number;
  /** Headers a handler adds to its answer (Cache-Control, Deprecation); see `answerHeader`. */
  answerHeaders?: Record<string, string>;
}

export interface AppEnv {
  Variables: AppVariables;
  /** The Node adapter's request and response; absent when the app is called in-process. */
  Bindings: Partial<HttpBindings>;
}
