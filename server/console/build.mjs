// Bundles the web console (server/console/ui) into server/console/dist with esbuild: one hashed JS and
// one hashed CSS file plus an index.html that names them, so the server can cache assets forever.
import { build } from "esbuild";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, "dist");

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });

const result = await build({
  entryPoints: [join(here, "ui", "main.tsx"), join(here, "ui", "styles.css")],
  outdir,
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "esm",
  target: ["es2022", "chrome111", "firefox115", "safari16"],
  jsx: "automatic",
  jsxImportSource: "preact",
  entryNames: "[name]-[hash]",
  define: { "process.env.NODE_ENV": '"production"' },
  legalComments: "linked",
  metafile: true,
  logLevel: "warning",
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const script = outputs.find((f) => f.endsWith(".js"));
const style = outputs.find((f) => f.endsWith(".css"));
if (!script || !style)
  throw new Error(`console build: expected a .js and a .css output, got ${outputs.join(", ")}`);

const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>Akash console</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="./${style}" />
    <script type="module" src="./${script}"></script>
  </head>
  <body>
    <div id="app"><noscript>The console needs JavaScript.</noscript></div>
  </body>
</html>
`;
await writeFile(join(outdir, "index.html"), html);

const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`console: built ${outputs.join(", ")} (${(bytes / 1024).toFixed(1)} KiB) into ${outdir}`);
