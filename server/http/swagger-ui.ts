// Swagger UI served entirely from the swagger-ui-dist package, so that the page works offline and
// loads nothing from another origin (a CDN page is blank without the internet).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { Hono } from "hono";
import { CONTENT_SECURITY_POLICY } from "../console/routes";
import type { AppEnv } from "./app-env";

export interface SwaggerUiOptions {
  /** Path of the page; its assets are served under `<path>/assets/`. */
  path: string;
  /** URL of the OpenAPI document the page shows. */
  docUrl: string;
}

interface Asset {
  /** File name under `<path>/assets/`: the package's name with a hash of the content. */
  file: string;
  body: Uint8Array<ArrayBuffer>;
  type: string;
}

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
};

// Asset names carry a hash of their content, so a year of caching is safe across upgrades.
const IMMUTABLE = "public, max-age=31536000, immutable";

// Read once per process: every server started in it (tests start many) shares the ~2 MB.
let packageAssets: ReturnType<typeof readPackageAssets> | undefined;

/** GET `path`: Swagger UI for `docUrl`, and GET `path/assets/*`: its script, styles and icons. */
export function swaggerUiRoutes(options: SwaggerUiOptions): Hono<AppEnv> {
  packageAssets ??= readPackageAssets();
  const assets = {
    ...packageAssets,
    // Its own file rather than an inline script, so the policy needs no 'unsafe-inline'.
    init: asset(
      "init.js",
      `window.ui = SwaggerUIBundle(${JSON.stringify({ url: options.docUrl, dom_id: "#swagger-ui" })});\n`,
    ),
  };
  const href = (served: Asset) => `${options.path}/assets/${served.file}`;

  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>akash-ref-api: Swagger UI</title>
<link rel="stylesheet" href="${href(assets.css)}">
<link rel="icon" type="image/png" sizes="32x32" href="${href(assets.icon32)}">
<link rel="icon" type="image/png" sizes="16x16" href="${href(assets.icon16)}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${href(assets.bundle)}"></script>
<script src="${href(assets.init)}"></script>
</body>
</html>
`;

  const app = new Hono<AppEnv>();
  app.get(options.path, (c) =>
    c.html(page, 200, {
      // The console's policy fits: Swagger UI sets its inline styles through the DOM, which it allows.
      "content-security-policy": CONTENT_SECURITY_POLICY,
      "x-content-type-options": "nosniff",
      "cache-control": "no-cache",
    }),
  );
  for (const asset of Object.values(assets)) {
    app.get(href(asset), (c) =>
      c.body(asset.body, 200, {
        "content-type": asset.type,
        "cache-control": IMMUTABLE,
        "x-content-type-options": "nosniff",
      }),
    );
  }
  return app;
}

function readPackageAssets() {
  // The package's main module would load the 1.7 MB bundle into Node: resolve its folder instead.
  const dir = dirname(require.resolve("swagger-ui-dist/package.json"));
  const read = (name: string) => asset(name, readFileSync(join(dir, name)));
  // The bundle has the API layout; the standalone preset would only add a bar to open other documents.
  return {
    css: read("swagger-ui.css"),
    bundle: read("swagger-ui-bundle.js"),
    icon32: read("favicon-32x32.png"),
    icon16: read("favicon-16x16.png"),
  };
}

/** `swagger-ui.css` is served as `swagger-ui.<hash>.css`. */
function asset(name: string, content: string | Buffer): Asset {
  const body = new Uint8Array(Buffer.from(content));
  const extension = extname(name);
  const type = CONTENT_TYPES[extension];
  if (!type) throw new Error(`no content type for ${name}`);
  const hash = createHash("sha256").update(body).digest("base64url").slice(0, 12);
  return { file: `${name.slice(0, -extension.length)}.${hash}${extension}`, body, type };
}
