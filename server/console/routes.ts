// Serves the web console's built files (server/console/dist, made by build.mjs) as a Hono sub-app.
// The page is static and talks to the public /v1 API like any other client, so this module only
// serves files: index.html revalidated on every load, hashed assets cached for a year, and headers
// that keep the page from loading anything that is not its own.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { Hono, type Context } from "hono";
import { baseRoutePath } from "hono/route";

export interface ConsoleOptions {
  /** Folder with index.html and the assets; defaults to server/console/dist in the package. */
  distDir?: string;
}

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  type: string;
  etag: string;
}

/** No inline script or style, no third-party origin, no framing; forms cannot submit anywhere. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

// esbuild names assets `<name>-<HASH>.<ext>`: a changed file gets a new name, so caching is safe.
const HASHED = /-[A-Z0-9]{8}\.(js|css)$/;

// Compiled to dist/server/console/routes.js; the built UI sits at server/console/dist in the package.
const DEFAULT_DIST = resolve(__dirname, "..", "..", "..", "server", "console", "dist");

/** The console as a Hono app; mount it with `app.route("/console", consoleApp())`. */
export function consoleApp(options: ConsoleOptions = {}): Hono {
  const assets = loadAssets(options.distDir ?? DEFAULT_DIST);
  const app = new Hono();

  // One wildcard route: the sub-app learns its mount path at request time, so "/console" can be
  // redirected to "/console/" (relative asset URLs in index.html only resolve under a trailing "/").
  app.get("/*", (c) => {
    const base = baseRoutePath(c).replace(/\/$/, "");
    const rest = c.req.path.slice(base.length);
    if (rest === "") return c.redirect(`${base}/`, 308);
    if (rest === "/") return sendIndex(c, assets.get("index.html"));
    const name = rest.slice(1);
    const asset = name === "index.html" || name.includes("/") ? undefined : assets.get(name);
    if (!asset) return c.text(`No console file named "${name}".`, 404, SECURITY_HEADERS);
    return send(c, asset, HASHED.test(name) ? "public, max-age=31536000, immutable" : "no-cache");
  });

  return app;
}

function sendIndex(c: Context, index: Asset | undefined): Response {
  if (index) return send(c, index, "no-cache");
  return c.text(
    "The web console is not built. Run `make build` (it runs server/console/build.mjs), then restart the server.",
    503,
    { ...SECURITY_HEADERS, "cache-control": "no-store" },
  );
}

function send(c: Context, asset: Asset, cacheControl: string): Response {
  const headers = { ...SECURITY_HEADERS, "cache-control": cacheControl, etag: asset.etag };
  if (c.req.header("if-none-match") === asset.etag) return c.body(null, 304, headers);
  return c.body(asset.body, 200, { ...headers, "content-type": asset.type });
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(dir)) return assets;
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[extname(name)];
    if (!type) continue;
    const body = new Uint8Array(readFileSync(join(dir, name)));
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
    assets.set(name, { body, type, etag });
  }
  return assets;
}
