import { Hono } from "hono";
import { z } from "zod";
import type { Clock } from "../../market";
import type { AppEnv } from "../app-env";
import { validationError } from "../errors";

const AdvanceSchema = z.union([
  z.object({ blocks: z.number().int().min(0).max(100_000_000) }).strict(),
  z.object({ ms: z.number().int().min(0).max(1e13) }).strict(),
]);

/**
 * Clock control for out-of-process tests, only mounted with `adminRoutes: true`: GET /admin/clock
 * tells the time and height; POST /admin/clock/advance {blocks} or {ms} moves time forward.
 */
export function adminRoutes(clock: Clock): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = () => ({ nowMs: clock.now(), height: clock.height(), blockTimeMs: clock.blockTimeMs });
  app.get("/admin/clock", (c) => c.json(now()));
  app.post("/admin/clock/advance", async (c) => {
    const parsed = AdvanceSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) throw validationError(parsed.error);
    if ("blocks" in parsed.data) clock.advanceBlocks(parsed.data.blocks);
    else clock.advanceMs(parsed.data.ms);
    return c.json(now());
  });
  return app;
}
