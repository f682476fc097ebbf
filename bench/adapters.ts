// The two adapters side by side (issue 15): `pulumi preview` and `pulumi refresh` of one program of
// N Deployment + Lease pairs (default 100: 200 resources), once through the Node dynamic classes and
// once through the plugin provider (resources by type token), against the reference API on loopback.
// Rounds alternate between the adapters so that load from elsewhere on the machine hits both alike.
// Run: make build && node dist/bench/adapters.js [--pairs 100] [--rounds 2]   (writes bench/results/adapters.md)
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer } from "../server";
import { repoRoot } from "../provider/engine-tests/harness";
import { openProject, type Project } from "../provider/engine-tests/project";
import { nginxSdl } from "../provider/engine-tests/sdl-fixtures";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const pairs = arg("pairs", 100);
const rounds = arg("rounds", 2);
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const PROGRAMS = {
  dynamic: {
    yaml: "name: bench-dynamic\nruntime: nodejs\n",
    js: `const akash = require("pulumi-akash");
const sdl = require("node:fs").readFileSync(__dirname + "/deploy.yaml", "utf8");
for (let i = 0; i < ${pairs}; i++) {
  const d = new akash.Deployment("d" + i, { sdl, deposit: 5 });
  new akash.Lease("d" + i, { dseq: d.dseq, manifest: d.manifest });
}
`,
  },
  plugin: {
    // The project sits two levels below the install's node_modules, whose .bin holds the plugin.
    yaml: "name: bench-plugin\nruntime: nodejs\nplugins:\n  providers:\n    - name: akash\n      path: ../../node_modules/.bin\n",
    js: `const pulumi = require("@pulumi/pulumi");
const sdl = require("node:fs").readFileSync(__dirname + "/deploy.yaml", "utf8");
for (let i = 0; i < ${pairs}; i++) {
  const d = new pulumi.CustomResource("akash:index:Deployment", "d" + i, { sdl, deposit: 5, dseq: undefined, manifest: undefined });
  new pulumi.CustomResource("akash:index:Lease", "d" + i, { dseq: d.dseq, manifest: d.manifest });
}
`,
  },
};
type Adapter = keyof typeof PROGRAMS;

async function timed(project: Project, args: string[]): Promise<number> {
  const started = Date.now();
  await project.must(args);
  return Date.now() - started;
}

async function main(): Promise<void> {
  const server = await startServer({ logLevel: "silent", bidDelayMs: 150, startDelayMs: 150 });
  const { apiKey } = await server.createUser(`bench-${Date.now()}@example.test`, 100_000);
  const projects = {} as Record<Adapter, Project>;
  const times: Record<Adapter, { up: number; preview: number[]; refresh: number[] }> = {
    dynamic: { up: 0, preview: [], refresh: [] },
    plugin: { up: 0, preview: [], refresh: [] },
  };
  const adapters = Object.keys(PROGRAMS) as Adapter[];
  try {
    for (const adapter of adapters) {
      const source = path.join(repoRoot, ".tmp/bench", `adapters-${adapter}`);
      mkdirSync(source, { recursive: true });
      writeFileSync(path.join(source, "Pulumi.yaml"), PROGRAMS[adapter].yaml);
      writeFileSync(path.join(source, "index.js"), PROGRAMS[adapter].js);
      writeFileSync(path.join(source, "deploy.yaml"), nginxSdl());
      writeFileSync(path.join(source, "package.json"), '{"name":"bench","private":true,"main":"index.js"}\n');
      projects[adapter] = await openProject(source, { url: server.url, apiKey });
      times[adapter].up = await timed(projects[adapter], ["up", "--yes", "--skip-preview"]);
      console.error(`${adapter}: up of ${pairs * 2} resources in ${seconds(times[adapter].up)} s`);
    }
    for (let round = 0; round < rounds; round++) {
      for (const adapter of round % 2 ? [...adapters].reverse() : adapters) {
        const project = projects[adapter];
        times[adapter].preview.push(await timed(project, ["preview", "--expect-no-changes"]));
        times[adapter].refresh.push(await timed(project, ["refresh", "--yes", "--skip-preview"]));
        console.error(
          `${adapter} round ${round + 1}: preview ${seconds(times[adapter].preview.at(-1)!)} s, refresh ${seconds(times[adapter].refresh.at(-1)!)} s`,
        );
      }
    }
  } finally {
    for (const project of Object.values(projects)) {
      await project.run(["destroy", "--yes", "--skip-preview"]);
      project.cleanup();
    }
    await server.close();
  }

  const row = (what: string, pick: (a: Adapter) => number[]) =>
    `| ${what} | ${adapters.map((a) => `${seconds(median(pick(a)))} s (${pick(a).map(seconds).join(", ")})`).join(" | ")} |`;
  const report = `# Adapters: Node dynamic resources and the plugin provider

Command: \`make build && node dist/bench/adapters.js --pairs ${pairs} --rounds ${rounds}\` (${new Date().toISOString()}).
Machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, Pulumi CLI from tools/env.sh.
Setup: one program of ${pairs} Deployment + Lease pairs (${pairs * 2} resources; the dynamic one also has
its StackIdentity), package installed from an \`npm pack\` tarball, file backend, reference API in-process
on loopback. Rounds alternate between the adapters. Median, then every round.

| Measure | dynamic | plugin |
|---|---|---|
| \`pulumi up\` (create, once) | ${seconds(times.dynamic.up)} s | ${seconds(times.plugin.up)} s |
${row("`pulumi preview --expect-no-changes`", (a) => times[a].preview)}
${row("`pulumi refresh --yes --skip-preview`", (a) => times[a].refresh)}
`;
  writeFileSync(path.join(repoRoot, "bench/results/adapters.md"), report);
  console.log(report);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
