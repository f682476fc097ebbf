import assert from "node:assert/strict";
import { test } from "node:test";
import { Hono } from "hono";
import type { AppEnv } from "./app-env";
import { refusalBackoff } from "./refusal-backoff";

const OPTIONS = { backoff: true, codes: false, threshold: 3, windowMs: 600_000, backoffMs: 300_000 };

/** An app whose one route waits for `release` and then refuses or accepts as `answer` says. */
function gatedApp(answer: () => number) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const app = new Hono<AppEnv>();
  app.use((c, next) => {
    c.set("userId", "user-1");
    return next();
  });
  app.use(refusalBackoff(OPTIONS, () => 0));
  app.post("/v1/leases", async (c) => {
    await gate;
    const status = answer();
    return c.json({ code: status === 200 ? undefined : "bad_request" }, status as 200 | 400);
  });
  return { app, release };
}

const post = (app: Hono<AppEnv>, body: string) =>
  app.request("/v1/leases", { method: "POST", body, headers: { "content-type": "application/json" } });

test("a parallel burst of identical requests: those beyond the threshold in flight get 429 repeated_refusal, Retry-After 1", async () => {
  const { app, release } = gatedApp(() => 200);
  const burst = Array.from({ length: 5 }, () => post(app, '{"same":true}'));
  // A different body is not a duplicate: it runs.
  const different = post(app, '{"same":false}');
  await new Promise((resolve) => setImmediate(resolve));
  release();
  const answers = await Promise.all(burst);
  assert.deepEqual(
    answers.map((a) => a.status),
    [200, 200, 200, 429, 429],
  );
  const throttled = answers[4];
  assert.ok(throttled);
  assert.equal(throttled.headers.get("retry-after"), "1");
  assert.equal(((await throttled.json()) as { code: string }).code, "repeated_refusal");
  assert.equal((await different).status, 200);
});

test("5xx answers never count toward the backoff", async () => {
  const { app, release } = gatedApp(() => 503);
  release();
  for (let i = 0; i < 5; i++) assert.equal((await post(app, "{}")).status, 503);
});
