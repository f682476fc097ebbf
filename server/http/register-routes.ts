import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { ErrorBodySchema, routes, type OperationId, type RouteDefinition } from "../../sdk/contract";
import type { AppEnv } from "./app-env";
import { requireCaller } from "./authentication";
import { limitBody, requireJsonContentType } from "./body-guards";
import { ApiError, validationError } from "./errors";
import { JsonBody } from "./json-body";
import { jsonResponse } from "./request-id";
import type { Handlers, RouteHandler } from "./route-handler";

/**
 * Operations that answer anonymous callers: the contract's public routes (the funding
 * configuration; the balances of `?address=`, whose handler wants a key without one).
 */
const ANONYMOUS_ALLOWED: ReadonlySet<OperationId> = new Set(
  (Object.values(routes) as RouteDefinition[])
    .filter((r) => r.public)
    .map((r) => r.operationId as OperationId),
);

export const SECURITY: Record<string, string[]>[] = [{ ApiKeyAuth: [] }, { BearerAuth: [] }];

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No content",
  400: "Validation error, malformed request, missing or unsupported Content-Type",
  401: "Missing, invalid, revoked or expired API key",
  402: "Not enough credit",
  403: "Forbidden",
  404: "Not found (or owned by another user)",
  409: "Conflict",
  413: "Request body above 512 KiB",
  422: "Idempotency-Key reused with a different body",
};

/**
 * Registers every operation of the contract's route table with its handler, and documents it in
 * the OpenAPI registry. Per route, in order: authentication required (401 before anything else is
 * looked at), body size and Content-Type checks, then the route's own middleware (idempotency),
 * then zod validation of query, params and body, then the handler.
 */
export function registerRoutes(
  app: OpenAPIHono<AppEnv>,
  handlers: Handlers,
  extraMiddleware: (route: RouteDefinition) => MiddlewareHandler<AppEnv>[],
): void {
  for (const [operationId, route] of Object.entries(routes) as [OperationId, RouteDefinition][]) {
    const handler = handlers[operationId] as RouteHandler<RouteDefinition>;
    const middleware: MiddlewareHandler<AppEnv>[] = [];
    if (!ANONYMOUS_ALLOWED.has(operationId)) middleware.push(requireCaller);
    if (route.body) middleware.push(limitBody, requireJsonContentType);
    middleware.push(...extraMiddleware(route));

    const config = createRoute({
      method: route.method,
      path: route.path,
      operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [...route.tags],
      ...(route.deprecated ? { deprecated: true } : {}),
      security: route.public ? [] : SECURITY,
      request: {
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(route.body
          ? { body: { required: true, content: { "application/json": { schema: route.body } } } }
          : {}),
      },
      responses: responsesOf(route),
    });

    // Validation runs here, synchronously, rather than as zod-openapi's per-part async middleware:
    // on a cached read those layers cost about as much as the rest of the request.
    const parseParams = route.params && memoizedParams(route.params);
    const respond = async (c: Context<AppEnv>) => {
      const input = {
        query: route.query ? valid(route.query, queryOf(c)) : undefined,
        params: parseParams ? parseParams(c.req.param()) : undefined,
        body: route.body ? valid(route.body, await jsonOf(c)) : undefined,
        c,
      };
      const result = await handler(input as never);
      if (route.successStatus === 204) return c.body(null, 204);
      const text = result instanceof JsonBody ? result.text : JSON.stringify(result);
      return jsonResponse(c, text, route.successStatus);
    };
    app.openAPIRegistry.registerPath(config);
    app.on([route.method.toUpperCase()], [honoPath(route.path)], ...middleware, respond);
  }
}

function valid<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

/** Distinct path parameter sets remembered per route, and the longest remembered (ids are short). */
const MEMOIZED_PARAMS = 1_000;
const MEMOIZED_KEY_LENGTH = 128;

/**
 * Path parameters validated once per distinct value: clients poll the same few ids (a deployment
 * being watched), and parsing a dseq (string -> bigint -> bounds -> string) costs more than the
 * rest of a cached read's own work. Parsing is pure, so a remembered result is the parse's result.
 */
function memoizedParams(schema: z.ZodType): (params: Record<string, string>) => unknown {
  const parsed = new Map<string, unknown>();
  return (params) => {
    const values = Object.values(params);
    const key = values.length === 1 ? (values[0] as string) : JSON.stringify(values);
    if (parsed.has(key)) return parsed.get(key);
    const value = valid(schema, params);
    if (key.length <= MEMOIZED_KEY_LENGTH) {
      if (parsed.size >= MEMOIZED_PARAMS) parsed.clear();
      parsed.set(key, value);
    }
    return value;
  };
}

/** The query string as one value per name, or a list when a name repeats. */
function queryOf(c: Context<AppEnv>): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(c.req.queries())) {
    query[name] = values.length === 1 ? (values[0] as string) : values;
  }
  return query;
}

async function jsonOf(c: Context<AppEnv>): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new ApiError(400, "Malformed JSON in request body");
  }
}

/** `/v1/deployments/{dseq}` (OpenAPI) -> `/v1/deployments/:dseq` (Hono). */
function honoPath(path: string): string {
  return path.replaceAll(/\/{(.+?)}/g, "/:$1");
}

function responsesOf(route: RouteDefinition) {
  const responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }> = {
    [route.successStatus]: {
      description: STATUS_TEXT[route.successStatus] ?? "Success",
      ...(route.response ? { content: { "application/json": { schema: route.response } } } : {}),
    },
  };
  for (const status of new Set([...route.errorStatuses, 401, ...(route.body ? [400, 413] : [])])) {
    responses[status] = {
      description: STATUS_TEXT[status] ?? "Error",
      content: { "application/json": { schema: ErrorBodySchema } },
    };
  }
  return responses as never;
}
