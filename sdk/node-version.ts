// Which Node.js this package needs (package.json's engines) and what its entry points say under an
// older one: without it, a program, the plugin or the drift command died loading undici with
// "Cannot read properties of undefined (reading 'bind')", the server on "No such built-in module:
// node:sqlite". Only node:fs and node:path here, and syntax every Node since 18 parses, so the check
// itself runs everywhere; ./node-guard.ts runs it first thing.
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";

interface PackageJson {
  name?: string;
  version: string;
  engines?: { node?: string };
  bin?: Record<string, string>;
}

/** The package's root: this file is compiled to dist/sdk/, two folders below it. */
const packageRoot = resolve(__dirname, "..", "..");

export function readPackageJson(): PackageJson {
  return JSON.parse(readFileSync(resolve(packageRoot, "package.json"), "utf8"));
}

/** The lowest Node version the package supports, from package.json's engines (e.g. ">=22.14"). */
export function requiredNodeVersion(pkg: PackageJson = readPackageJson()): string {
  const match = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(pkg.engines?.node?.trim() ?? "");
  if (!match?.[1])
    throw new Error(`package.json engines.node is not of the form ">=x.y": ${pkg.engines?.node}`);
  return match[1];
}

/**
 * One sentence naming what `program` needs (package.json's engines), what it got and how to get
 * the right one, or undefined when `version` is enough.
 */
export function nodeVersionProblem(program: string, version: string, required: string): string | undefined {
  const have = version.split(".").map(Number);
  const need = required.split(".").map(Number);
  for (let i = 0; i < 3; i += 1) {
    const a = have[i] ?? 0;
    const b = need[i] ?? 0;
    if (a > b) return undefined;
    if (a < b) {
      return (
        `${program} needs Node.js >= ${required} (package.json engines), but ${process.execPath} is Node ${version}: ` +
        `install Node ${required} or newer (https://nodejs.org) and put it first on PATH (Pulumi runs programs ` +
        'and plugins with the `node` on PATH), or in a checkout of pulumi-akash run `eval "$(make -s env)"` ' +
        "(tools/setup-node.sh puts Node 24 in ~/.cache/pulumi-akash), then run it again."
      );
    }
  }
  return undefined;
}

function isSingleExecutable(): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- node:sea exists only since Node 20.12
    return (require("node:sea") as { isSea(): boolean }).isSea();
  } catch {
    return false;
  }
}

/** The package.json bin this process was started as (`pulumi-resource-akash`...), if it was. */
function startedAs(pkg: PackageJson): string | undefined {
  const main = require.main?.filename;
  if (!main) return undefined;
  const file = relative(packageRoot, main);
  return Object.entries(pkg.bin ?? {}).find(
    ([, target]) => resolve(packageRoot, target) === main || target === file,
  )?.[0];
}

/**
 * Under a Node older than package.json's engines: a command of this package (a bin) prints the
 * sentence and exits 1; anything else that loads the package (a Pulumi program, the dynamic
 * provider, a script using the sdk) gets it as the error its `require` throws.
 */
export function checkNodeVersion(): void {
  // A single-executable application (the self-contained plugin) carries its own Node and no package.json.
  if (isSingleExecutable()) return;
  const pkg = readPackageJson();
  const bin = startedAs(pkg);
  const problem = nodeVersionProblem(
    bin ?? pkg.name ?? "pulumi-akash",
    process.versions.node,
    requiredNodeVersion(pkg),
  );
  if (!problem) return;
  if (bin) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  throw new Error(problem);
}
