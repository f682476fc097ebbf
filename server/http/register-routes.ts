import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ErrorBodySchema, routes, type OperationId, type RouteDefinition } from "../../sdk/contract";
import type { AppEnv } from "./app-env";
import { requireCaller } from "./authentication";
import { limitBody, requireJsonContentType } from "./body-guards";
import type { Handlers, RouteHandler } from "./route-handler";

/** Operations that answer anonymous callers too (the live balances endpoint takes `?address=`). */
const ANONYMOUS_ALLOWED: ReadonlySet<OperationId> = new Set(["getBalances"]);

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
 * Registers every operation of the contract's route table with its handler. Per route, in order:
 * authentication required (401 before anything else is looked at), body size and Content-Type
 * checks, then the route's own middleware (idempotency), then zod validation of params, query and body.
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
      security: SECURITY,
      middleware: middleware as never,
      request: {
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(route.body
          ? { body: { required: true, content: { "application/json": { schema: route.body } } } }
          : {}),
      },
      responses: responsesOf(route),
    });

    // The table is iterated generically, so the per-route response typing of zod-openapi cannot
    // follow; the handler types (route-handler.ts) check each handler against its route instead.
    const respond = async (c: Context<AppEnv>) => {
      const input = {
        params: route.params ? c.req.valid("param" as never) : undefined,
        query: route.query ? c.req.valid("query" as never) : undefined,
        body: route.body ? c.req.valid("json" as never) : undefined,
        c,
      };
      const result = await handler(input as never);
      if (route.successStatus === 204) return c.body(null, 204);
      return c.json(result, route.successStatus as ContentfulStatusCode);
    };
    app.openapi(config, respond as never);
  }
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
