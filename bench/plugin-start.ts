// The plugin's cold start, side by side (issue 23): the self-contained executable that
// `tools/build-plugin.sh` makes (Node's single-executable application) against the npm package's bin
// on Node (`node dist/provider/plugin/main.js`). Each start is timed from spawn to the port line the
// engine reads, then to the first answer (GetPluginInfo), then to GetSchema's; rounds alternate which
// goes first so that load from elsewhere on the machine hits both alike. Also the sizes.
// Run: make build && node dist/bench/plugin-start.js [--rounds 15]   (writes bench/results/plugin-start.md)
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as rpc from "@pulumi/pulumi/proto/provider_pb";
import { repoRoot } from "../provider/engine-tests/harness";

const exec = promisify(execFile);
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const rounds = arg("rounds", 15);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (x: number) => x.toFixed(0);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

interface Start {
  port: number;
  info: number;
  schema: number;
  rssKb: number;
}

/** Starts the plugin, times its port line and first two answers (ms from spawn), then stops it. */
async function start(command: string, args: string[]): Promise<Start> {
  const began = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - began) / 1e6;
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"], env: { PATH: "" } });
  try {
    const [port, portMs] = await new Promise<[string, number]>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) resolve([out.split("\n")[0]!.trim(), since()]);
      });
      child.on("exit", (code) => reject(new Error(`${command} exited (${code}) before printing its port`)));
    });
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const ask = <T>(send: (cb: (err: grpc.ServiceError | null, res: T) => void) => unknown) =>
      new Promise<T>((resolve, reject) => send((err, res) => (err ? reject(err) : resolve(res))));
    await ask((cb) => client.getPluginInfo(new Empty(), cb));
    const info = since();
    const schema = await ask<rpc.GetSchemaResponse>((cb) => client.getSchema(new rpc.GetSchemaRequest(), cb));
    const schemaMs = since();
    if (!schema.getSchema().includes('"akash:index:Workload"'))
      throw new Error("GetSchema answered no schema");
    const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
    client.close();
    return { port: portMs, info, schema: schemaMs, rssKb: Number(rss?.[1] ?? NaN) };
  } finally {
    child.kill("SIGKILL");
  }
}

async function main(): Promise<void> {
  const buildDir = mkdtempSync(path.join(os.tmpdir(), "plugin-start-"));
  try {
    const goArch = process.arch === "arm64" ? "arm64" : "amd64";
    const tarball = (
      await exec(path.join(repoRoot, "tools/build-plugin.sh"), [buildDir, goArch], { maxBuffer: 1 << 24 })
    ).stdout.trim();
    await exec("tar", ["-xzf", tarball, "-C", buildDir]);
    const executable = path.join(buildDir, "pulumi-resource-akash");
    const variants = {
      "self-contained": { command: executable, args: [] as string[] },
      "on Node": { command: process.execPath, args: [path.join(repoRoot, "dist/provider/plugin/main.js")] },
    };
    type Variant = keyof typeof variants;
    const names = Object.keys(variants) as Variant[];
    const results = Object.fromEntries(names.map((n) => [n, [] as Start[]])) as Record<Variant, Start[]>;
    // One start of each first, not counted: the files are then in the page cache for both alike.
    for (const n of names) await start(variants[n].command, variants[n].args);
    for (let r = 0; r < rounds; r++) {
      for (const n of r % 2 ? [...names].reverse() : names) {
        results[n].push(await start(variants[n].command, variants[n].args));
      }
    }

    const stat = (key: keyof Start, n: Variant) => median(results[n].map((s) => s[key]));
    const ratio = (key: keyof Start) => (stat(key, "self-contained") / stat(key, "on Node")).toFixed(2);
    const range = (key: keyof Start, n: Variant) => {
      const xs = results[n].map((s) => s[key]);
      return `${ms(Math.min(...xs))}–${ms(Math.max(...xs))}`;
    };
    const row = (label: string, key: keyof Start) =>
      `| ${label} | ${ms(stat(key, "self-contained"))} ms (${range(key, "self-contained")}) | ${ms(stat(key, "on Node"))} ms (${range(key, "on Node")}) | ${ratio(key)} |`;
    const nodeBinary = statSync(process.execPath).size;
    const cpu = os.cpus();
    const md = `# Plugin cold start: self-contained executable vs on Node

Command: \`make build && node dist/bench/plugin-start.js --rounds ${rounds}\` (${new Date().toISOString()}).
Machine: ${cpu.length} x ${cpu[0]?.model ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}.
Setup: the ${goArch} executable from \`tools/build-plugin.sh\` (Node ${process.versions.node}'s binary with the
plugin bundled by esbuild, no code cache or snapshot) and \`node dist/provider/plugin/main.js\` (the
npm package's bin, loading its modules from node_modules), each started ${rounds} times, alternating which
goes first, after one uncounted start of each. Times from spawn: the port line on stdout (what the engine
waits for), the answer to GetPluginInfo (the engine's first call), then GetSchema's (YAML asks it next).
Median (min–max); ratio = self-contained / on Node (below 1: the executable is faster).

| Measure | self-contained | on Node | ratio |
|---|---|---|---|
${row("port line", "port")}
${row("first answer (GetPluginInfo)", "info")}
${row("GetSchema answered", "schema")}
| resident memory after GetSchema | ${mb(stat("rssKb", "self-contained") * 1024)} MB | ${mb(stat("rssKb", "on Node") * 1024)} MB | ${(stat("rssKb", "self-contained") / stat("rssKb", "on Node")).toFixed(2)} |

Sizes:

| | bytes | MB |
|---|---|---|
| self-contained executable (${goArch}) | ${statSync(executable).size} | ${mb(statSync(executable).size)} |
| its tarball, \`${path.basename(tarball)}\` | ${statSync(tarball).size} | ${mb(statSync(tarball).size)} |
| the Node binary it is made of (this machine's \`node\`, same version) | ${nodeBinary} | ${mb(nodeBinary)} |
| what the plugin adds to that binary (executable − Node binary: the bundled script, schema.json and package.json) | ${statSync(executable).size - nodeBinary} | ${mb(statSync(executable).size - nodeBinary)} |
`;
    const file = path.join(repoRoot, "bench/results/plugin-start.md");
    writeFileSync(file, md);
    process.stdout.write(md);
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
