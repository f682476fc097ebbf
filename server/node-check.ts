// The first thing the `akash-ref-api` binary loads: under an older Node the server would fail later
// with "No such built-in module: node:sqlite". Only node:fs and node:path here, and syntax every
// Node since 18 parses, so the check itself runs everywhere.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/** The package's package.json (compiled to dist/server/, so two folders up). */
export function readPackageJson(): { version: string; engines?: { node?: string } } {
  return JSON.parse(readFileSync(resolve(__dirname, "..", "..", "package.json"), "utf8"));
}

/** The lowest Node version the package supports, from package.json's engines (e.g. ">=22.14"). */
export function requiredNodeVersion(): string {
  const pkg = readPackageJson();
  const match = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(pkg.engines?.node?.trim() ?? "");
  if (!match?.[1])
    throw new Error(`package.json engines.node is not of the form ">=x.y": ${pkg.engines?.node}`);
  return match[1];
}

/** One sentence naming the required version and how to get it, or undefined when `version` is enough. */
export function nodeVersionProblem(version: string, required: string): string | undefined {
  const have = version.split(".").map(Number);
  const need = required.split(".").map(Number);
  for (let i = 0; i < 3; i += 1) {
    const a = have[i] ?? 0;
    const b = need[i] ?? 0;
    if (a > b) return undefined;
    if (a < b) {
      return (
        `akash-ref-api needs Node.js >= ${required}, but ${process.execPath} is Node ${version}: ` +
        `install Node ${required} or newer (https://nodejs.org), or in a checkout of pulumi-akash run ` +
        '`eval "$(make -s env)"` (tools/setup-node.sh puts Node 24 in ~/.cache/pulumi-akash) and start it again.'
      );
    }
  }
  return undefined;
}

/** Exits with that sentence under a Node older than package.json's engines. */
export function checkNodeVersion(): void {
  const problem = nodeVersionProblem(process.versions.node, requiredNodeVersion());
  if (!problem) return;
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
