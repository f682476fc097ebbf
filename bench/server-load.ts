// Benchmark of the reference server (issues 4 and 17): authenticated GET /v1/deployments/{dseq},
// create deployment and listing, with 10,000 deployments stored, on SQLite and on PostgreSQL (served
// by several replicas on one database, the load spread over them), next to a bare Hono hello-world
// (the ceiling). Each server runs in its own child process (bench/server-target.ts); autocannon
// drives the load from this process. Writes bench/results/server.md and exits non-zero when a goal
// is missed.
// The authenticated read and the first listing page are measured in several rounds, each right
// after the ceiling, because the machine's load drifts between measurements; the goals use the
// median of the rounds' ratios.
// Usage: node dist/bench/server-load.js [--deployments 10000] [--seconds 10] [--connections 32] [--rounds 3]
//        [--replicas 2] (PostgreSQL servers sharing the database)
//        [--stores sqlite,postgres] (one store only: a quicker run, printed but not written to results)
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { cpus, totalmem, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { SERVER_ENV, SERVER_NODE_FLAGS } from "../server/cli";
import { startPostgresTestCluster } from "../server/db/postgres-test-cluster";
import { helloSdl } from "../server/test-support/http";

const { values } = parseArgs({
  options: {
    deployments: { type: "string", default: "10000" },
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "32" },
    rounds: { type: "string", default: "3" },
    replicas: { type: "string", default: "2" },
    stores: { type: "string", default: "sqlite,postgres" },
  },
});
const DEPLOYMENTS = Number(values.deployments);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const ROUNDS = Number(values.rounds);
const REPLICAS = Number(values.replicas);
const STORES = new Set(values.stores.split(","));
const RESULTS = resolve(__dirname, "..", "..", "bench", "results", "server.md");

interface Target {
  child: ChildProcess;
  url: string;
}

interface Seeded {
  apiKey: string;
  dseq: string;
  /** Every seeded deployment (the leased one aside). */
  dseqs: string[];
  seedMs: number;
}

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Seeds a store in a process of its own, so the server measured afterwards starts fresh. */
function seed(count: number, storeArgs: string[]): Promise<Seeded> {
  const child = spawn(
    process.execPath,
    [join(__dirname, "server-target.js"), "seed", "--deployments", String(count), ...storeArgs],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolveSeed, reject) => {
    child.once("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (code === 0 && line) resolveSeed(JSON.parse(line) as Seeded);
      else reject(new Error(`seeding ${storeArgs.join(" ")} failed (${code})`));
    });
  });
}

function startTarget(args: string[]): Promise<Target> {
  // The reference server runs with the V8 flags of the akash-ref-api binary; the ceiling without.
  const flags = args[0] === "ref" ? SERVER_NODE_FLAGS : [];
  const child = spawn(process.execPath, [...flags, join(__dirname, "server-target.js"), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...(args[0] === "ref" ? SERVER_ENV : {}) },
  });
  return new Promise((resolveTarget, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolveTarget({ child, ...(JSON.parse(line) as Omit<Target, "child">) });
    });
    child.once("exit", (code) => reject(new Error(`target ${args.join(" ")} exited with ${code}`)));
  });
}

async function stopTarget(target: Target): Promise<void> {
  if (target.child.exitCode !== null || target.child.signalCode !== null) return;
  const exited = new Promise((r) => target.child.once("exit", r));
  target.child.kill("SIGTERM");
  await exited;
}

async function load(options: {
  /** Several: the connections are spread over them. */
  url: string | string[];
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
  /** A path per request, instead of the URL's. */
  path?: () => string;
}): Promise<Measure> {
  const { path, ...rest } = options;
  const run = {
    ...rest,
    connections: options.connections ?? CONNECTIONS,
    ...(path
      ? { requests: [{ setupRequest: (request: { path: string }) => ({ ...request, path: path() }) }] }
      : {}),
  };
  await autocannon({ ...run, duration: 2 });
  const result = await autocannon({ ...run, duration: SECONDS });
  const failures = result.errors + result.timeouts + result.non2xx;
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: failures,
  };
}

/** The largest RSS among the servers. */
async function rssMb(targets: Target[]): Promise<number> {
  const rss = await Promise.all(
    targets.map(async (target) => {
      // "30.1 MB" (mebibytes), as the live status answers.
      const status = (await (await fetch(`${target.url}/status`)).json()) as { memory: { rss: string } };
      return Number.parseFloat(status.memory.rss);
    }),
  );
  return Math.round(Math.max(...rss));
}

/** One round: the ceiling, then the authenticated read and the first listing page right after it. */
interface Round {
  ceiling: Measure;
  read: Measure;
  list: Measure;
}

interface StoreResult {
  store: string;
  rounds: Round[];
  seedMs: number;
  rssSeeded: number;
  rssAfter: number;
  read: Measure;
  readMany: Measure;
  create: Measure;
  /** The first page, from the round with the median list/ceiling ratio. */
  listFirst: Measure;
  listCeiling: Measure;
  listMany: Measure;
  listSmall: Measure;
  /** One unpaginated GET /v1/deployments (every active deployment in one answer). */
  listAllMs: number;
  allCount: number;
  rssAfterAll: number;
}

/** Servers on one store (replicas when there are several), started one after the other. */
async function startTargets(storeArgs: string[], replicas: number): Promise<Target[]> {
  const targets: Target[] = [];
  for (let i = 0; i < replicas; i += 1) targets.push(await startTarget(["ref", ...storeArgs]));
  return targets;
}

const urlsOf = (targets: Target[], path: string) => targets.map((target) => `${target.url}${path}`);

async function benchStore(
  store: string,
  hello: Target,
  storeArgs: () => Promise<string[]>,
  replicas: number,
): Promise<StoreResult> {
  const bigStore = await storeArgs();
  const seeded = await seed(DEPLOYMENTS, bigStore);
  const targets = await startTargets(bigStore, replicas);
  try {
    const headers = { "x-api-key": seeded.apiKey };
    const rssSeeded = await rssMb(targets);
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      const roundCeiling = await load({ url: `${hello.url}/` });
      rounds.push({
        ceiling: roundCeiling,
        read: await load({ url: urlsOf(targets, `/v1/deployments/${seeded.dseq}`), headers }),
        list: await load({ url: urlsOf(targets, "/v1/deployments?skip=0&limit=10"), headers }),
      });
    }
    const read = medianRound(rounds).read;
    const listRound = medianRound(rounds, listRatio);
    // Every request reads another of the stored deployments: the view cache (1,000 views) mostly
    // misses, so this is the cost of a read that goes to the store.
    let next = 0;
    const readMany = await load({
      url: urlsOf(targets, ""),
      headers,
      path: () => `/v1/deployments/${seeded.dseqs[(next += 7919) % seeded.dseqs.length]}`,
    });
    // Every request lists another page, at any depth: the page cache (64 pages) mostly misses.
    const listMany = await load({
      url: urlsOf(targets, ""),
      headers,
      path: () => `/v1/deployments?skip=${((next += 7919) % Math.ceil(DEPLOYMENTS / 10)) * 10}&limit=10`,
    });
    const create = await load({
      url: urlsOf(targets, "/v1/deployments"),
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ data: { sdl: helloSdl(), deposit: 5 } }),
      connections: 8,
    });
    const rssAfter = await rssMb(targets);
    const started = performance.now();
    const all = await fetch(`${targets[0]?.url}/v1/deployments`, { headers });
    const allCount = ((await all.json()) as { data: { deployments: unknown[] } }).data.deployments.length;
    const listAllMs = Math.round(performance.now() - started);
    const rssAfterAll = await rssMb(targets);
    await Promise.all(targets.map(stopTarget));
    // The same listing on a store with 100 deployments: O(page) means about the same latency.
    const smallStore = await storeArgs();
    const smallSeed = await seed(100, smallStore);
    const small = await startTargets(smallStore, replicas);
    const listSmall = await load({
      url: urlsOf(small, "/v1/deployments?skip=0&limit=10"),
      headers: { "x-api-key": smallSeed.apiKey },
    });
    await Promise.all(small.map(stopTarget));
    return {
      store,
      rounds,
      seedMs: seeded.seedMs,
      rssSeeded,
      rssAfter,
      read,
      readMany,
      create,
      listFirst: listRound.list,
      listCeiling: listRound.ceiling,
      listMany,
      listSmall,
      listAllMs,
      allCount,
      rssAfterAll,
    };
  } finally {
    await Promise.all(targets.map(stopTarget));
  }
}

async function main(): Promise<void> {
  // The ceiling stays up (idle) while the stores are measured: each round loads it again.
  const hello = await startTarget(["hello"]);
  const ceiling = await load({ url: `${hello.url}/` });

  const results: StoreResult[] = [];
  const dirs: string[] = [];
  try {
    if (STORES.has("sqlite")) {
      results.push(
        await benchStore(
          "SQLite (node:sqlite, WAL, synchronous=FULL)",
          hello,
          async () => {
            const dir = mkdtempSync(join(tmpdir(), "akash-ref-bench-"));
            dirs.push(dir);
            return ["--data-dir", dir];
          },
          1,
        ),
      );
    }
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  try {
    if (STORES.has("postgres")) {
      const cluster = await startPostgresTestCluster();
      try {
        results.push(
          await benchStore(
            `PostgreSQL (local cluster, ${REPLICAS} ${REPLICAS === 1 ? "server" : "replicas"}, pool of 10 each)`,
            hello,
            async () => [
              "--database-url",
              await cluster.createDatabase(),
              "--secrets-key",
              "bench-secrets-key",
            ],
            REPLICAS,
          ),
        );
      } finally {
        await cluster.stop();
      }
    }
  } finally {
    await stopTarget(hello);
  }

  const goals = results.flatMap((result) => {
    const sqlite = result.store.startsWith("SQLite");
    const name = sqlite ? "SQLite" : "PostgreSQL";
    const ratio = roundRatio(medianRound(result.rounds));
    const list = listRatio(medianRound(result.rounds, listRatio));
    const readGoal = sqlite ? 0.4 : 0.25;
    return [
      {
        goal: `authenticated read >= ${readGoal * 100}% of the bare ceiling (${name}, median of ${ROUNDS} rounds)`,
        ok: ratio >= readGoal,
        value: percent(ratio),
      },
      {
        goal: `first listing page >= 10% of the bare ceiling (${name}, median of ${ROUNDS} rounds)`,
        ok: list >= 0.1,
        value: percent(list),
      },
      {
        goal: `RSS < 150 MB with ${DEPLOYMENTS} deployments (${name}, after load)`,
        ok: result.rssAfter < 150,
        value: `${result.rssAfter} MB`,
      },
      ...(sqlite
        ? [
            {
              goal: `listing O(page): first page p99 with ${DEPLOYMENTS} deployments within 2x of 100 (SQLite)`,
              ok: result.listFirst.p99 <= Math.max(2 * result.listSmall.p99, result.listSmall.p99 + 5),
              value: `${result.listFirst.p99} ms vs ${result.listSmall.p99} ms`,
            },
          ]
        : []),
    ];
  });
  const text = report(ceiling, results, goals);
  // A partial run (one store) is for quick comparisons; only a full run replaces the results file.
  if (STORES.has("sqlite") && STORES.has("postgres")) writeFileSync(RESULTS, text);
  process.stdout.write(`${text}\n`);
  if (goals.some((g) => !g.ok)) process.exitCode = 1;
}

const roundRatio = (round: Round) => round.read.rps / round.ceiling.rps;
const listRatio = (round: Round) => round.list.rps / round.ceiling.rps;
const percent = (ratio: number) => `${(ratio * 100).toFixed(0)}%`;

/** The round with the median ratio (read/ceiling unless told; the lower middle one for an even count). */
function medianRound(rounds: Round[], ratio = roundRatio): Round {
  const sorted = [...rounds].sort((a, b) => ratio(a) - ratio(b));
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!middle) throw new Error("--rounds must be at least 1");
  return middle;
}

function row(name: string, m: Measure, ceiling?: Measure): string {
  const share = ceiling ? `${((m.rps / ceiling.rps) * 100).toFixed(0)}%` : "";
  return `| ${name} | ${m.rps} | ${m.p50} | ${m.p99} | ${share} | ${m.errors} |`;
}

function report(
  ceiling: Measure,
  stores: StoreResult[],
  goals: { goal: string; ok: boolean; value: string }[],
): string {
  const lines = [
    "# Reference server benchmark",
    "",
    "`bench/server-load.ts` (issues 4 and 17): each server runs in its own child process (`bench/server-target.ts`);",
    "autocannon drives the load from the parent process. A separate process first seeds the store with",
    `${DEPLOYMENTS} deployments of one user (plus one with an active lease: the deployment that is read), then`,
    `fresh servers are started on it, one on SQLite and ${REPLICAS} on the PostgreSQL database, the load's connections spread`,
    `over them (logs at level warn, with the binary's environment and V8 flags: ${Object.entries(SERVER_ENV)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")} ${SERVER_NODE_FLAGS.join(" ")}).`,
    `${SECONDS} s per measurement after a 2 s warm-up,`,
    `${CONNECTIONS} connections (create: 8).`,
    "",
    "Command (after `make build`):",
    "",
    "```",
    `node dist/bench/server-load.js --deployments ${DEPLOYMENTS} --seconds ${SECONDS} --connections ${CONNECTIONS} --rounds ${ROUNDS} --replicas ${REPLICAS}`,
    "```",
    "",
    `Machine: ${cpus().length} vCPU ${cpus()[0]?.model.trim() ?? ""}, ${Math.round(totalmem() / 1024 ** 3)} GB RAM, Node ${process.version}.`,
    "Load generator and server share the machine's CPUs, so the numbers are a floor. Run at",
    `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC.`,
    "",
    "| request | req/s | p50 ms | p99 ms | of ceiling | errors |",
    "|---|---|---|---|---|---|",
    row("bare Hono hello-world `GET /` (ceiling)", ceiling),
  ];
  for (const s of stores) {
    lines.push(
      row(`${s.store}: authenticated \`GET /v1/deployments/{dseq}\``, s.read, medianRound(s.rounds).ceiling),
      row(
        `${s.store}: the same, another of the ${DEPLOYMENTS} deployments each request (the view cache mostly misses)`,
        s.readMany,
        ceiling,
      ),
      row(
        `${s.store}: \`POST /v1/deployments\` (SDL compile + deposit + bids, one transaction)`,
        s.create,
        ceiling,
      ),
      row(`${s.store}: \`GET /v1/deployments?limit=10\` (${DEPLOYMENTS} stored)`, s.listFirst, s.listCeiling),
      row(
        `${s.store}: \`GET /v1/deployments?skip=N&limit=10\`, another N from 0 to ${DEPLOYMENTS} each request (the page cache mostly misses)`,
        s.listMany,
        ceiling,
      ),
      row(`${s.store}: \`GET /v1/deployments?limit=10\` (100 stored)`, s.listSmall, ceiling),
    );
  }
  lines.push(
    "",
    "| store | seed time (separate process) | server RSS at start | RSS after the load runs | one unpaginated list | RSS after it |",
    "|---|---|---|---|---|---|",
  );
  for (const s of stores) {
    lines.push(
      `| ${s.store} | ${(s.seedMs / 1000).toFixed(1)} s | ${s.rssSeeded} MB | ${s.rssAfter} MB | ${s.allCount} deployments in ${s.listAllMs} ms | ${s.rssAfterAll} MB |`,
    );
  }
  lines.push(
    "",
    "Authenticated `GET /v1/deployments/{dseq}` and `GET /v1/deployments?limit=10` against the ceiling measured",
    "right before them, round by round (the read and first-page rows above are the median rounds):",
    "",
    "| store | round | ceiling req/s | read req/s | read p99 ms | read of ceiling | list req/s | list p99 ms | list of ceiling |",
    "|---|---|---|---|---|---|---|---|---|",
  );
  for (const s of stores) {
    s.rounds.forEach((round, i) =>
      lines.push(
        `| ${s.store} | ${i + 1} | ${round.ceiling.rps} | ${round.read.rps} | ${round.read.p99} | ${percent(roundRatio(round))} | ${round.list.rps} | ${round.list.p99} | ${percent(listRatio(round))} |`,
      ),
    );
  }
  lines.push("", "Goals:", "");
  for (const g of goals) lines.push(`- ${g.ok ? "met" : "MISSED"}: ${g.goal}: ${g.value}`);
  lines.push("");
  return lines.join("\n");
}

mkdirSync(resolve(RESULTS, ".."), { recursive: true });
main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
