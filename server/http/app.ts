import { OpenAPIHono } from "@hono/zod-openapi";
import type { Hono } from "hono";
import type { Logger } from "pino";
import type { ServerConfig } from "../config";
import type { Services } from "../services/services";
import type { AppEnv } from "./app-env";
import { identifyCaller } from "./authentication";
import { ApiError, errorResponse, validationError } from "./errors";
import { injectFaults } from "./faults";
import { idempotentPost } from "./idempotency";
import { refusalMiddleware } from "./refusals";
import { registerRoutes } from "./register-routes";
import { requestIds } from "./request-id";
import { apiDocumentRoute } from "./api-document";
import { adminRoutes } from "./routes/admin";
import { contractRoutes } from "./routes";
import { homeRoute } from "./routes/home";
import { statusRoute } from "./routes/status";
import { swaggerUiRoutes } from "./swagger-ui";

/** An unreachable database's error in a few words (its code and message, no stack: many may follow). */
function describeCause(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return [code, message].filter((part) => typeof part === "string" && part !== "").join(" ");
}

export interface AppOptions {
  config: ServerConfig;
  services: Services;
  logger: Logger;
  version: string;
  /** The web console sub-app, mounted at /console when built. */
  consoleApp?: () => Hono;
}

/**
 * The whole HTTP surface: request id and log line per request, fault injection, caller
 * identification, every contract route (validated by its zod schemas), OpenAPI 3.1 at /v1/doc,
 * Swagger UI at /v1/swagger, /status, links at /, the admin clock routes when enabled, and the console.
 */
export function createApp(options: AppOptions): OpenAPIHono<AppEnv> {
  const { config, services, logger } = options;
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });

  app.use(requestIds());
  // The Date header tells the server's clock (simulated, and moved by the admin routes): what a
  // client compares deadlines with (runtime limits, key expiry), as it would the live API's.
  app.use(async (c, next) => {
    await next();
    c.res.headers.set("date", new Date(services.clock.now()).toUTCString());
  });
  // One line per request, tagged with its id; no child logger is built unless the line is written.
  if (logger.isLevelEnabled("info")) {
    app.use(async (c, next) => {
      const started = performance.now();
      await next();
      logger.info(
        {
          reqId: c.get("requestId"),
          method: c.req.method,
          path: c.req.path,
          status: c.res.status,
          ms: Math.round((performance.now() - started) * 10) / 10,
        },
        "request",
      );
    });
  }
  app.onError((error, c) =>
    errorResponse(error, c, {
      aborted: (cause) =>
        logger.info(
          { reqId: c.get("requestId"), cause: describeCause(cause) },
          "request aborted: its connection closed before the body was complete",
        ),
      unavailable: (cause) =>
        logger.warn(
          { reqId: c.get("requestId"), cause: describeCause(cause) },
          "store unavailable: answered 503",
        ),
      unexpected: (unexpected) =>
        logger.error({ reqId: c.get("requestId"), err: unexpected }, "unhandled error"),
    }),
  );
  app.notFound((c) => c.json(new ApiError(404, `No route for ${c.req.method} ${c.req.path}`).toBody(), 404));

  app.route("/", statusRoute(options.version));
  app.route("/", homeRoute(options.version));
  if (config.faults.errorRate > 0 || config.faults.latencyMs > 0) {
    app.use("/v1/*", injectFaults(config.faults));
    app.use("/v2/*", injectFaults(config.faults));
  }
  app.use(identifyCaller(services.apiKeys));

  const refusals = refusalMiddleware(config, () => services.clock.now());
  registerRoutes(app, contractRoutes(services, config), (route) => [
    ...refusals(route),
    ...(route.method === "post"
      ? [
          idempotentPost(
            () => services.db,
            () => services.clock.now(),
            config.idempotencyTtlMs,
          ),
        ]
      : []),
  ]);

  app.openAPIRegistry.registerComponent("securitySchemes", "ApiKeyAuth", {
    type: "apiKey",
    in: "header",
    name: "x-api-key",
    description: "An API key `ac.sk.<env>.<64 hex>`",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "BearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "The same API key as a bearer token",
  });
  apiDocumentRoute(app, config, {
    openapi: "3.1.0",
    info: {
      title: "Akash Console managed-wallet API (pulumi-akash reference server)",
      version: options.version,
      description:
        "The managed-wallet API of Akash Console, served by a local reference implementation with a simulated market.",
    },
  });
  app.route("/", swaggerUiRoutes({ path: "/v1/swagger", docUrl: "/v1/doc" }));

  if (config.adminRoutes && config.adminToken)
    app.route("/", adminRoutes(services.clock, config.adminToken, services.secrets.keys));
  if (options.consoleApp) app.route("/console", options.consoleApp());
  return app;
}
