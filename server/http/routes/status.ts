import { Hono } from "hono";
import type { AppEnv } from "../app-env";

/** GET /status: version, uptime and memory, as the live API's health endpoint (no credentials). */
export function statusRoute(version: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/status", (c) => {
    const { rss, heapTotal, heapUsed, external } = process.memoryUsage();
    return c.json({
      version,
      uptime: Math.round(process.uptime()),
      memory: { rss, heapTotal, heapUsed, external },
    });
  });
  return app;
}
