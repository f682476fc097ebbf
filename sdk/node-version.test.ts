// Every entry point of the package under a Node older than package.json's engines: one sentence
// naming the version it needs, the one it got and how to get it, before undici is loaded (which
// died with "Cannot read properties of undefined (reading 'bind')").
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { nodeVersionProblem } from "./node-version";

const ROOT = join(__dirname, "..", "..");
const DIST = join(ROOT, "dist");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const required: string = pkg.engines.node.replace(">=", "");

const dir = mkdtempSync(join(tmpdir(), "node-version-"));
after(() => rmSync(dir, { recursive: true, force: true }));
// Any Node can play an old one: the check runs before anything else is loaded.
const oldNode = join(dir, "old-node.js");
writeFileSync(oldNode, 'Object.defineProperty(process.versions, "node", { value: "20.20.2" });\n');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(node: string, args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(node, args, { cwd: ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A Node older than engines on this machine (Debian's is 20), or undefined. */
async function systemOldNode(): Promise<string | undefined> {
  for (const candidate of ["/usr/bin/node", "/bin/node", "/usr/local/bin/node"]) {
    const version = await run(candidate, ["--version"]);
    if (version.code !== 0) continue;
    if (nodeVersionProblem("x", version.stdout.trim().replace(/^v/, ""), required)) return candidate;
  }
  return undefined;
}

const sentence = (program: string) =>
  new RegExp(
    `${program} needs Node\\.js >= ${required.replace(".", "\\.")} \\(package\\.json engines\\), but \\S+ is Node 20\\.\\d+\\.\\d+: ` +
      `install Node ${required.replace(".", "\\.")} or newer \\(https://nodejs\\.org\\) and put it first on PATH`,
  );

// The commands print the sentence alone and exit 1.
const commands = [
  { program: "pulumi-resource-akash", args: [join(DIST, "provider/plugin/main.js"), "127.0.0.1:1"] },
  { program: "pulumi-akash", args: [join(DIST, "provider/cli/main.js"), "drift", "--stack", "dev"] },
  { program: "akash-ref-api", args: [join(DIST, "server/cli.js"), "serve", "--dev"] },
];
// Whatever requires the package (a Pulumi program, the dynamic provider, a script) gets it as the error.
const libraries = ["provider/index.js", "provider/dynamic/runtime.js", "sdk/index.js", "server/index.js"].map(
  (file) => ({ file, args: ["-e", `require(${JSON.stringify(join(DIST, file))})`] }),
);

async function assertRefused(node: string, prefix: string[]) {
  for (const { program, args } of commands) {
    const ran = await run(node, [...prefix, ...args]);
    assert.equal(ran.code, 1, `${program}: ${ran.stderr}`);
    assert.equal(ran.stderr.split("\n").length, 2, `one line: ${ran.stderr}`);
    assert.match(ran.stderr, sentence(program));
    assert.ok(ran.stderr.includes('`eval "$(make -s env)"`'), ran.stderr);
    assert.equal(ran.stdout, "", `${program} prints no port or output`);
  }
  for (const { file, args } of libraries) {
    const ran = await run(node, [...prefix, ...args]);
    assert.notEqual(ran.code, 0, file);
    assert.match(ran.stderr, new RegExp(`Error: ${sentence("pulumi-akash").source}`), file);
    assert.doesNotMatch(ran.stderr, /reading 'bind'|node:sqlite/, file);
  }
}

describe("a Node older than package.json's engines", () => {
  test("every entry point says which Node it needs, which it got and how to get it, before loading undici", async () => {
    await assertRefused(process.execPath, ["--require", oldNode]);
    // The machine's own old Node, where undici failed on 'bind' (Debian's is 20; a machine without
    // one has only the faked version above to show it).
    const node = await systemOldNode();
    if (node) await assertRefused(node, []);
  });

  test("a Node that is new enough passes", () => {
    assert.equal(nodeVersionProblem("x", required, required), undefined);
    assert.equal(nodeVersionProblem("x", "24.0.0", required), undefined);
    assert.match(nodeVersionProblem("x", "22.1.0", required) ?? "", /x needs Node\.js >= /);
  });
});
