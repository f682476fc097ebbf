import { Hono } from "hono";
import type { AppEnv } from "../app-env";

const LINKS = {
  console: { href: "/console/", title: "Web console: sign in with an API key" },
  swagger: { href: "/v1/swagger", title: "Swagger UI: try the API in the browser" },
  openapi: { href: "/v1/doc", title: "OpenAPI 3.1 document" },
  status: { href: "/status", title: "Server status" },
} as const;

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>akash-ref-api</title></head>
<body>
<h1>akash-ref-api</h1>
<p>The reference Akash Console managed-wallet API (pulumi-akash), with a simulated market.</p>
<ul>
${Object.values(LINKS)
  .map((link) => `<li><a href="${link.href}">${link.title}</a> (<code>${link.href}</code>)</li>`)
  .join("\n")}
</ul>
</body>
</html>
`;

/**
 * GET /: where to go from here. A browser gets a page of links, an API client JSON with the same
 * links (the API itself lives under /v1 and /v2).
 */
export function homeRoute(version: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/", (c) => {
    if (c.req.header("accept")?.includes("text/html")) {
      return c.html(PAGE, 200, {
        "content-security-policy": "default-src 'none'; base-uri 'none'; form-action 'none'",
        "x-content-type-options": "nosniff",
      });
    }
    return c.json({
      name: "akash-ref-api",
      version,
      links: Object.fromEntries(Object.entries(LINKS).map(([name, link]) => [name, link.href])),
    });
  });
  return app;
}
