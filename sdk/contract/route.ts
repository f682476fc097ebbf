// The shape of one entry in the route table that both the server and the client are built from.
import type { z } from "zod";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export interface RouteDefinition {
  /** Stable operation name: the route table key, the OpenAPI operationId and the client method. */
  operationId: string;
  /** Lower-case, as @hono/zod-openapi's createRoute expects. */
  method: HttpMethod;
  /** OpenAPI-style path, e.g. `/v1/deployments/{dseq}`. */
  path: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** JSON request body (sent with Content-Type: application/json). */
  body?: z.ZodType;
  successStatus: 200 | 201 | 204;
  /** Success body; absent when the success answer is empty (204). */
  response?: z.ZodType;
  /** Error statuses worth documenting; every error uses ErrorBodySchema. */
  errorStatuses: readonly number[];
  deprecated?: boolean;
  /**
   * True when repeating the request cannot do anything twice (reads, PUT/DELETE, PATCHes guarded by
   * a version or setting a value, and POST /v1/leases, which the live API skips when a lease
   * exists). The client retries only these blindly.
   */
  retrySafe: boolean;
  /** True for creates that spend money; the client sends an Idempotency-Key with them. */
  idempotencyKey?: boolean;
  /**
   * Answered without an API key (documented without security requirements), at least in one form:
   * `GET /v1/balances` with `?address=` (without it, the caller's, which needs a key).
   */
  public?: boolean;
}

/** Identity helper that keeps each route's literal types for inference. */
export function defineRoute<const R extends RouteDefinition>(route: R): R {
  return route;
}

/** What a route answers on success (parsed output type; void for empty answers). */
export type RouteResponse<R extends RouteDefinition> = R["response"] extends z.ZodType
  ? z.output<R["response"]>
  : void;
