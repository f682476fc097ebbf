// Fleet benchmark (issue 17): `pulumi up` and `destroy` of examples/fleet at N = 1, 20 and 100
// workloads with the CLI's default --parallel, against the reference API with its default market
// timings (bids 1.5-6 s after the order, services ready 15 s after the lease), the package installed
// from its `npm pack` tarball. Side by side in the same run, the engine's own floor: the same number
// of dynamic resources whose provider answers at once (bench/fixtures/noop-fleet). For N=1, where
// the time goes, from the requests the provider makes (timed by a loopback proxy).
// Run: make build && node dist/bench/fleet-scale.js [--sizes 1,20,100] [--parallel P] [--skip-checkpoints]
// (writes bench/results/fleet.md, or fleet-parallel-P.md / fleet-skip-checkpoints.md)
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AkashClient } from "../sdk";
import { startServer } from "../server";
import { DEFAULT_START_DELAY_MS } from "../server/config";
import { loadFleet } from "../server/market/fleet";
import { execFileSync } from "node:child_process";
import { installedPackageDir, repoRoot } from "../provider/engine-tests/harness";
import { loopbackProxy } from "../provider/engine-tests/loopback-proxy";
import { openProject } from "../provider/engine-tests/project";
import { DEFAULT_CHEAPEST_WINDOW_SECONDS } from "../provider/resources/lease";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const sizes = (arg("--sizes") ?? "1,20,100").split(",").map(Number);
/** The engine's --parallel for every command; unset = the CLI's default (results in fleet.md). */
const parallel = arg("--parallel");
const flags = parallel ? ["--parallel", parallel] : [];
const command = `node dist/bench/fleet-scale.js${process.argv
  .slice(2)
  .map((a) => ` ${a}`)
  .join("")}`;
/** PULUMI_SKIP_CHECKPOINTS=true for every command: the engine writes state once, at the end. */
const skipCheckpoints = process.argv.includes("--skip-checkpoints");
const env = skipCheckpoints ? { PULUMI_SKIP_CHECKPOINTS: "true" } : undefined;
const resultFile = `bench/results/fleet${parallel ? `-parallel-${parallel}` : ""}${skipCheckpoints ? "-skip-checkpoints" : ""}.md`;

const s = (ms: number) => (ms / 1000).toFixed(1);

interface Request {
  method: string;
  path: string;
  sentAt: number;
  answeredAt: number;
}

/** A loopback proxy in front of the API that records when each request came and was answered. */
async function timingProxy(target: string) {
  const log: Request[] = [];
  const proxy = await loopbackProxy(target, {
    answered: (method, path, sentAt) =>
      log.push({ method, path: path.split("?")[0]!, sentAt, answeredAt: Date.now() }),
  });
  return { url: proxy.url, log, close: proxy.close };
}

/** Where the time of a one-workload `up` went, from the provider's requests (ms from the start). */
interface Breakdown {
  deploymentAnswered: number;
  firstBid: number;
  leaseAnswered: number;
  servicesReady: number;
  readySeen: number;
  total: number;
}

async function fleet(n: number) {
  const server = await startServer({ logLevel: "silent" });
  const { apiKey } = await server.createUser(`fleet-${n}-${Date.now()}@example.test`, 100_000);
  const proxy = await timingProxy(server.url);
  const project = await openProject("examples/fleet", { url: proxy.url, apiKey }, { count: String(n) });
  try {
    const started = Date.now();
    await project.must(["up", "--yes", "--skip-preview", ...flags], env);
    const upMs = Date.now() - started;
    const breakdown = n === 1 ? await breakdownOf(proxy.log, started, upMs, server.url, apiKey) : undefined;
    const destroyStarted = Date.now();
    await project.must(["destroy", "--yes", "--skip-preview", ...flags], env);
    return { upMs, destroyMs: Date.now() - destroyStarted, breakdown };
  } finally {
    project.cleanup();
    await proxy.close();
    await server.close();
  }
}

async function breakdownOf(
  log: Request[],
  started: number,
  total: number,
  url: string,
  apiKey: string,
): Promise<Breakdown> {
  const at = (t: number) => t - started;
  const created = log.find((r) => r.method === "POST" && r.path === "/v1/deployments")!;
  const leased = log.find((r) => r.method === "POST" && r.path === "/v1/leases")!;
  const lastRead = log.filter((r) => r.method === "GET" && r.path.startsWith("/v1/deployments/")).pop()!;
  // The first bid came its provider's bid delay after the order (made with the deployment).
  const client = new AkashClient({ apiKey, baseUrl: url, trustIdempotencyKey: true });
  const dseq = (await client.listDeployments()).deployments[0]!.deployment.id.dseq;
  const delays = loadFleet().providers.map((p) => [p.address, p.bidDelayMs] as const);
  const bidders = (await client.listBids(dseq)).map((b) => b.bid.id.provider);
  const firstBidDelay = Math.min(...delays.filter(([a]) => bidders.includes(a)).map(([, d]) => d));
  return {
    deploymentAnswered: at(created.answeredAt),
    firstBid: at(created.answeredAt) + firstBidDelay,
    leaseAnswered: at(leased.answeredAt),
    servicesReady: at(leased.answeredAt) + DEFAULT_START_DELAY_MS,
    readySeen: at(lastRead.answeredAt),
    total,
  };
}

async function floor(n: number) {
  const project = await openProject(
    path.join(repoRoot, "bench/fixtures/noop-fleet"),
    { url: "http://127.0.0.1:9", apiKey: "unused" },
    { count: String(n) },
  );
  try {
    const started = Date.now();
    await project.must(["up", "--yes", "--skip-preview", ...flags], env);
    const upMs = Date.now() - started;
    const destroyStarted = Date.now();
    await project.must(["destroy", "--yes", "--skip-preview", ...flags], env);
    return { upMs, destroyMs: Date.now() - destroyStarted };
  } finally {
    project.cleanup();
  }
}

/** Wall time of loading a module in a fresh Node process, as the program and the provider process do (median of 3). */
async function loadTime(module: string): Promise<number> {
  const cwd = await installedPackageDir();
  const runs = [0, 1, 2].map(() => {
    const started = Date.now();
    execFileSync(process.execPath, ["-e", `require(${JSON.stringify(module)})`], { cwd });
    return Date.now() - started;
  });
  return runs.sort((a, b) => a - b)[1]!;
}

function breakdownTable(b: Breakdown): string {
  const window = DEFAULT_CHEAPEST_WINDOW_SECONDS * 1000;
  const rows: [string, number, string][] = [
    [
      "engine, language host, program, provider process, deployment create",
      b.deploymentAnswered,
      "ours + engine",
    ],
    ["order -> first bid (the market)", b.firstBid - b.deploymentAnswered, "market"],
    [
      `first bid -> lease answered (cheapest's ${window / 1000} s bid window + poll + request)`,
      b.leaseAnswered - b.firstBid,
      "policy + ours",
    ],
    ["lease -> services ready (the market)", b.servicesReady - b.leaseAnswered, "market"],
    ["services ready -> the Lease's poll sees them", b.readySeen - b.servicesReady, "ours"],
    ["-> `pulumi up` exits (outputs, state, shutdown)", b.total - b.readySeen, "ours + engine"],
  ];
  const market = b.firstBid - b.deploymentAnswered + (b.servicesReady - b.leaseAnswered);
  const beyond = b.total - market - window;
  return [
    "| phase (N=1) | seconds | whose |",
    "|---|---|---|",
    ...rows.map(([what, ms, whose]) => `| ${what} | ${s(ms)} | ${whose} |`),
    `| **total** | **${s(b.total)}** | |`,
    `| market's own delays (first bid + service start) | ${s(market)} | |`,
    `| beyond them and the ${window / 1000} s bid window | **${s(beyond)}** | goal <= 3 s ${beyond <= 3000 ? "(met)" : "(NOT met)"} |`,
  ].join("\n");
}

async function main() {
  const results = [];
  for (const n of sizes) {
    const f = await fleet(n);
    const e = await floor(n);
    process.stdout.write(
      `N=${n}: up ${s(f.upMs)} s, destroy ${s(f.destroyMs)} s; floor ${s(e.upMs)} / ${s(e.destroyMs)} s\n`,
    );
    results.push({ n, fleet: f, floor: e });
  }
  const one = results.find((r) => r.n === 1)!;
  const loads = [
    ["require('node:os') (Node itself)", await loadTime("node:os")],
    ["require('@pulumi/pulumi') (every program and dynamic provider)", await loadTime("@pulumi/pulumi")],
    ["require('pulumi-akash') (the program)", await loadTime("pulumi-akash")],
    ["require('pulumi-akash/dynamic') (the provider process)", await loadTime("pulumi-akash/dynamic")],
  ] as const;
  const loadRows = loads.map(([what, ms]) => `| \`${what}\` | ${s(ms)} s |`).join("\n");
  const rows = results.map(
    ({ n, fleet: f, floor: e }) =>
      `| ${n} | ${s(f.upMs)} s | **${(f.upMs / one.fleet.upMs).toFixed(2)}x** | ${s(f.destroyMs)} s | **${(f.destroyMs / one.fleet.destroyMs).toFixed(2)}x** | ${s(e.upMs)} s (${(e.upMs / one.floor.upMs).toFixed(2)}x) | ${s(e.destroyMs)} s (${(e.destroyMs / one.floor.destroyMs).toFixed(2)}x) |`,
  );
  const big = results[results.length - 1]!;
  const upRatio = big.fleet.upMs / one.fleet.upMs;
  const destroyRatio = big.fleet.destroyMs / one.fleet.destroyMs;
  const report = `# Fleet benchmark

Command: \`make build && ${command}\` (${new Date().toISOString()}).
Machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, Pulumi CLI from tools/env.sh, ${parallel ? `\`--parallel ${parallel}\`` : "the CLI's default `--parallel` (8 here)"}${skipCheckpoints ? ", `PULUMI_SKIP_CHECKPOINTS=true`" : ""}.
Setup: reference API in-process on loopback (in-memory SQLite) with its default market timings (not
\`--dev\`: bids 1.5-6 s after the order, services ready ${DEFAULT_START_DELAY_MS / 1000} s after the lease), behind a timing proxy.
\`pulumi up --yes --skip-preview\`, then \`pulumi destroy --yes --skip-preview\`, of \`examples/fleet\` (a Workload = a
Deployment + a Lease per workload, cheapest bid with its default ${DEFAULT_CHEAPEST_WINDOW_SECONDS} s window) with the package
installed from its \`npm pack\` tarball, file backend. Engine floor: \`bench/fixtures/noop-fleet\`, as many
dynamic resources in the same shape whose provider answers at once, run right after each size.

| N | up | up / N=1 | destroy | destroy / N=1 | engine floor: up | engine floor: destroy |
|---|---|---|---|---|---|---|
${rows.join("\n")}

Goals at N=${big.n}: up <= 2.5x N=1: **${upRatio.toFixed(2)}x** ${upRatio <= 2.5 ? "(met)" : "(NOT met)"}; destroy <= 2x N=1: **${destroyRatio.toFixed(2)}x** ${destroyRatio <= 2 ? "(met)" : "(NOT met)"}.

${one.fleet.breakdown ? breakdownTable(one.fleet.breakdown) : ""}

Start-up costs in the same run: the engine floor's whole \`up\` at N=1 is ${s(one.floor.upMs)} s (engine, language host,
program, provider process, two no-op creates, exit). Loading modules in a fresh process, from the installed package:

| load | wall time |
|---|---|
${loadRows}
`;
  writeFileSync(path.join(repoRoot, resultFile), report);
  process.stdout.write(report);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
