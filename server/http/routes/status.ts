import { Hono } from "hono";
import type { AppEnv } from "../app-env";

/** Bytes as the live status answers them: mebibytes, one decimal, e.g. "30.1 MB". */
export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** GET /status: version, uptime and memory, as the live API's health endpoint (no credentials). */
export function statusRoute(version: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/status", (c) => {
    const { rss, heapTotal, heapUsed, external } = process.memoryUsage();
    return c.json({
      version,
      uptime: Math.round(process.uptime()),
      memory: {
        rss: megabytes(rss),
        heapTotal: megabytes(heapTotal),
        heapUsed: megabytes(heapUsed),
        external: megabytes(external),
      },
    });
  });
  return app;
}
