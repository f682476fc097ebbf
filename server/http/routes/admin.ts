import { createHash, timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import { z } from "zod";
import type { Clock } from "../../market";
import type { SealingKeys } from "../../services/secrets";
import type { AppEnv } from "../app-env";
import { ApiError, validationError } from "../errors";

const AdvanceSchema = z.union([
  z.object({ blocks: z.number().int().min(0).max(100_000_000) }).strict(),
  z.object({ ms: z.number().int().min(0).max(1e13) }).strict(),
]);

/** The header every admin request carries the server's admin token in. */
export const ADMIN_TOKEN_HEADER = "x-admin-token";

/**
 * Clock control for out-of-process tests, only mounted with `adminRoutes: true`: GET /admin/clock
 * tells the time and height; POST /admin/clock/advance {blocks} or {ms} moves time forward. Moving
 * the clock drains every user's escrow, so each request must send the admin token (401 otherwise):
 * on loopback too, where any local process or a web page's request could reach it.
 * POST /admin/sealing-key/rotate retires the sealing key clients seal secrets to and makes a new
 * one (seals to the old kid then get 409; stored secrets are unaffected); the CLI's
 * `akash-ref-api sealing-key rotate` does the same on a store.
 */
export function adminRoutes(clock: Clock, token: string, sealingKeys?: SealingKeys): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Digests of equal length, so the comparison takes the same time whatever the guess.
  const expected = createHash("sha256").update(token).digest();
  app.use("/admin/*", async (c, next) => {
    const sent = createHash("sha256")
      .update(c.req.header(ADMIN_TOKEN_HEADER) ?? "")
      .digest();
    if (!timingSafeEqual(sent, expected)) {
      throw new ApiError(
        401,
        `Admin routes need the server's admin token in the ${ADMIN_TOKEN_HEADER} header`,
      );
    }
    await next();
  });
  const now = () => ({ nowMs: clock.now(), height: clock.height(), blockTimeMs: clock.blockTimeMs });
  app.get("/admin/clock", (c) => c.json(now()));
  app.post("/admin/clock/advance", async (c) => {
    const parsed = AdvanceSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) throw validationError(parsed.error);
    if ("blocks" in parsed.data) clock.advanceBlocks(parsed.data.blocks);
    else clock.advanceMs(parsed.data.ms);
    return c.json(now());
  });
  if (sealingKeys) {
    app.post("/admin/sealing-key/rotate", async (c) => c.json({ kid: await sealingKeys.rotate() }));
  }
  return app;
}
