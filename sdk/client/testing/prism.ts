// The wire check Console clients ran against this project: Stoplight Prism as a validating proxy
// in front of a server, with the live Console API's published OpenAPI document
// (sdk/contract/live-openapi/managed-wallet.json). Every request and answer that goes through it
// is checked against the document; `violations()` lists what Prism found.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, request as httpRequest } from "node:http";
import { createServer } from "node:net";
import path from "node:path";

export const LIVE_DOCUMENT = path.join(
  __dirname,
  "..",
  "..",
  "..",
  "..",
  "sdk",
  "contract",
  "live-openapi",
  "managed-wallet.json",
);

export interface PrismProxy {
  /** The proxy's base URL: give it to the client instead of the server's. */
  url: string;
  /** Prism's log lines that report a request or answer the document does not allow. */
  violations(): string[];
  /** Every log line (for a failing test's message). */
  log(): string;
  close(): Promise<void>;
}

function prismBin(): string {
  try {
    return path.join(path.dirname(require.resolve("@stoplight/prism-cli/package.json")), "dist", "index.js");
  } catch {
    throw new Error(
      "@stoplight/prism-cli is not installed: run `npm ci` (it is a devDependency) to check the wire against the live OpenAPI document",
    );
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A line Prism writes for a request or an answer the document does not allow. */
const VIOLATION = /violation|✖|⚠|not valid|route not resolved|no path matched/i;

export async function prismProxy(upstream: string, document = LIVE_DOCUMENT): Promise<PrismProxy> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [prismBin(), "proxy", document, upstream, "--errors", "--port", String(port), "--host", "127.0.0.1"],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, SCARF_ANALYTICS: "false", DO_NOT_TRACK: "1" },
    },
  );
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 30_000;
  while (!output.includes("Prism is listening")) {
    if (child.exitCode !== null) throw new Error(`prism exited at start (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`prism did not start within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const startedAt = output.length;
  return {
    url: `http://127.0.0.1:${port}`,
    violations: () =>
      output
        .slice(startedAt)
        .split("\n")
        .filter((line) => VIOLATION.test(line)),
    log: () => output,
    close: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** A path template of the document (`/v1/deployments/{dseq}`) as a pattern for request paths. */
function pathPatterns(document: string): RegExp[] {
  const { paths } = JSON.parse(readFileSync(document, "utf8")) as { paths: Record<string, unknown> };
  return Object.keys(paths).map(
    (template) =>
      new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
  );
}

export interface DocumentedWire extends PrismProxy {
  /** Requests that went past Prism because the document has no such path (`GET /v1/doc`...). */
  undocumented(): string[];
}

/**
 * For clients that also call paths the document leaves out (the provider reads /v1/doc and the
 * sealing context): a router on loopback sends each request whose path the document has through
 * Prism, and the others straight to the server (listed by `undocumented()`). `GET /v1/doc` is
 * answered with the document itself, as the API that publishes it would: a client that reads the
 * API's offerings there (the provider does) then asks for what that API takes.
 */
export async function documentedThroughPrism(
  upstream: string,
  document = LIVE_DOCUMENT,
): Promise<DocumentedWire> {
  const prism = await prismProxy(upstream, document);
  const patterns = pathPatterns(document);
  const published = readFileSync(document, "utf8");
  const bypassed: string[] = [];
  const router = createHttpServer((req, res) => {
    const url = req.url ?? "/";
    const pathOnly = url.split("?")[0] ?? "/";
    if (req.method === "GET" && pathOnly === "/v1/doc") {
      req.resume();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(published);
      return;
    }
    const documented = patterns.some((p) => p.test(pathOnly));
    if (!documented) bypassed.push(`${req.method ?? "GET"} ${pathOnly}`);
    const target = new URL(documented ? prism.url : upstream);
    const forward = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", (error) => {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`router: ${error.message}`);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => router.listen(0, "127.0.0.1", resolve));
  const { port } = router.address() as { port: number };
  return {
    ...prism,
    url: `http://127.0.0.1:${port}`,
    undocumented: () => [...new Set(bypassed)],
    close: async () => {
      router.closeAllConnections();
      await new Promise((resolve) => router.close(resolve));
      await prism.close();
    },
  };
}
