// Benchmark: AkashClient.getDeployment vs plain fetch + JSON against the same local node:http server
// (run in a child process so it does not share the event loop), alternating rounds in one run.
// Usage: node dist/bench/client-vs-fetch.js [--rounds 5] [--seconds 3] [--concurrency 16]
import { fork } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { AkashClient, closeAllPools } from "../sdk";

const DSEQ = "1234567";
const OWNER = "akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63";
const coin = (amount: string) => ({ denom: "uact", amount });
// A realistic GET /v1/deployments/{dseq} answer (one lease with running status), about 1.5 KB.
const BODY = JSON.stringify({
  data: {
    deployment: { id: { owner: OWNER, dseq: DSEQ }, state: "active", hash: "aGFzaA==", created_at: "100" },
    leases: [
      {
        id: { owner: OWNER, dseq: DSEQ, gseq: 1, oseq: 1, provider: OWNER, bseq: 1 },
        state: "active",
        price: coin("1.500000000000000000"),
        created_at: "101",
        closed_on: "0",
        status: {
          forwarded_ports: {
            web: [{ port: 8080, externalPort: 31234, host: "provider.test", available: 1 }],
          },
          ips: {},
          services: {
            web: {
              name: "web",
              available: 1,
              total: 1,
              uris: ["web.provider.test"],
              observed_generation: 1,
              replicas: 1,
              updated_replicas: 1,
              ready_replicas: 1,
              available_replicas: 1,
            },
          },
        },
      },
    ],
    escrow_account: {
      id: { scope: "deployment", xid: `${OWNER}/${DSEQ}` },
      state: {
        owner: OWNER,
        state: "open",
        transferred: [coin("150")],
        settled_at: "200",
        funds: [coin("4999850")],
        deposits: [{ owner: OWNER, height: "100", source: "grant", balance: coin("5000000") }],
      },
    },
  },
});

function serve(): void {
  const server = createServer((_, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(BODY) });
    res.end(BODY);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.send?.((server.address() as AddressInfo).port));
}

async function measure(seconds: number, concurrency: number, call: () => Promise<unknown>): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < end) {
      await call();
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: "string", default: "5" },
      seconds: { type: "string", default: "3" },
      concurrency: { type: "string", default: "16" },
    },
  });
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const child = fork(__filename, ["--serve"], { stdio: "inherit" });
  const port = await new Promise<number>((resolve) => child.once("message", (m) => resolve(Number(m))));
  const baseUrl = `http://127.0.0.1:${port}`;
  const apiKey = "ac.sk.bench.0000000000000000000000000000000000000000000000000000000000000000";
  const client = new AkashClient({ apiKey, baseUrl, env: {} });
  const url = `${baseUrl}/v1/deployments/${DSEQ}`;
  const viaFetch = async () => {
    const response = await fetch(url, { headers: { "x-api-key": apiKey, accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  };
  const viaClient = () => client.getDeployment(DSEQ);

  await measure(1, concurrency, viaClient);
  await measure(1, concurrency, viaFetch);
  const results = { client: [] as number[], fetch: [] as number[] };
  for (let round = 1; round <= rounds; round++) {
    // Alternate which goes first so warm-up or thermal drift does not favour one side.
    const order = round % 2 === 1 ? (["client", "fetch"] as const) : (["fetch", "client"] as const);
    for (const name of order)
      results[name].push(await measure(seconds, concurrency, name === "client" ? viaClient : viaFetch));
    console.log(
      `round ${round}: client ${results.client.at(-1)?.toFixed(0)} req/s, fetch ${results.fetch.at(-1)?.toFixed(0)} req/s`,
    );
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const c = median(results.client);
  const f = median(results.fetch);
  console.log(`\n| | median req/s | rounds |\n|---|---|---|`);
  console.log(
    `| AkashClient.getDeployment (undici Pool, zod-validated) | ${c.toFixed(0)} | ${results.client.map((x) => x.toFixed(0)).join(", ")} |`,
  );
  console.log(
    `| fetch + response.json() | ${f.toFixed(0)} | ${results.fetch.map((x) => x.toFixed(0)).join(", ")} |`,
  );
  console.log(
    `\nclient / fetch = ${(c / f).toFixed(2)}x (node ${process.version}, concurrency ${concurrency}, ${seconds} s x ${rounds} rounds)`,
  );
  child.kill();
  await closeAllPools();
  if (c < f) {
    console.error("FAIL: the client is slower than plain fetch");
    process.exitCode = 1;
  }
}

if (process.argv.includes("--serve")) serve();
else void main();
