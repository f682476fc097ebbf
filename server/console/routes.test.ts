// The console sub-app as the server mounts it: redirects, content types, caching and headers.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { Hono } from "hono";
import { CONTENT_SECURITY_POLICY, consoleApp } from "./routes";

const dist = mkdtempSync(join(tmpdir(), "console-dist-"));
writeFileSync(join(dist, "index.html"), '<script type="module" src="./main-ABCDEF12.js"></script>');
writeFileSync(join(dist, "main-ABCDEF12.js"), "console.log(1)");
writeFileSync(join(dist, "styles-ABCDEF12.css"), "body{}");

function mounted(distDir: string): Hono {
  const app = new Hono();
  app.get("/v1/balances", (c) => c.json({ data: {} }));
  app.route("/console", consoleApp({ distDir }));
  return app;
}

describe("console routes", () => {
  after(() => rmSync(dist, { recursive: true, force: true }));
  const app = mounted(dist);

  test("/console redirects to /console/ so relative asset URLs resolve", async () => {
    const response = await app.request("/console");
    assert.equal(response.status, 308);
    assert.equal(response.headers.get("location"), "/console/");
  });

  test("index.html is revalidated on every load and carries the security headers", async () => {
    const response = await app.request("/console/");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(response.headers.get("cache-control"), "no-cache");
    assert.equal(response.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY);
    assert.match(CONTENT_SECURITY_POLICY, /default-src 'none'/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|https?:/);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.equal(response.headers.get("referrer-policy"), "no-referrer");
    assert.equal(response.headers.get("x-frame-options"), "DENY");
    assert.match(await response.text(), /main-ABCDEF12\.js/);
  });

  test("hashed assets get their content type and a year of immutable caching", async () => {
    const js = await app.request("/console/main-ABCDEF12.js");
    assert.equal(js.status, 200);
    assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.equal(js.headers.get("cache-control"), "public, max-age=31536000, immutable");
    const css = await app.request("/console/styles-ABCDEF12.css");
    assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
  });

  test("a matching If-None-Match gets 304 without a body", async () => {
    const first = await app.request("/console/");
    const etag = first.headers.get("etag");
    assert.ok(etag);
    const again = await app.request("/console/", { headers: { "if-none-match": etag } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), "");
  });

  test("unknown files and paths are 404, and the API next to the console is untouched", async () => {
    assert.equal((await app.request("/console/nope.js")).status, 404);
    assert.equal((await app.request("/console/a/b.js")).status, 404);
    assert.equal((await app.request("/console/index.html")).status, 404);
    assert.equal((await app.request("/v1/balances")).status, 200);
  });

  test("without a build the page says how to build it", async () => {
    const response = await mounted(join(dist, "missing")).request("/console/");
    assert.equal(response.status, 503);
    assert.match(await response.text(), /make build/);
  });
});
