// The price/latency trade-off of `selection.bidWindowSeconds` for `strategy: "cheapest"`, on the
// reference API's default market (the bundled fleet's own bid delays, not --dev timings): per
// round, one deployment per window leased concurrently, beside an observer deployment that records
// every bid that arrives within 60 s. Time to lease is from the deployment's creation.
// Run: make build && node dist/bench/lease-window.js [--rounds 3] [--windows 0,5,10,20]
//   (writes bench/results/lease-window.md)
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { AkashClient } from "../sdk";
import { startServer } from "../server";
import { DEFAULT_FLEET_PATH } from "../server/market/fleet";
import { repoRoot } from "../provider/engine-tests/harness";
import { nginxSdl } from "../provider/engine-tests/sdl-fixtures";
import { createApi } from "../provider/resources/api";
import { deploymentHandlers } from "../provider/resources/deployment";
import { DEFAULT_CHEAPEST_WINDOW_SECONDS, leaseHandlers } from "../provider/resources/lease";

const OBSERVE_MS = 60_000;
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const rounds = Number(arg("rounds", "3"));
const windows = arg("windows", "0,5,10,20").split(",").map(Number);

interface Run {
  window: number;
  leaseS: number;
  price: number;
  provider: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function round(n: number) {
  const server = await startServer({ logLevel: "silent" });
  try {
    const { apiKey } = await server.createUser(`bench-window-${n}@example.test`, 1000);
    const api = createApi(new AkashClient({ apiKey, baseUrl: server.url, trustIdempotencyKey: true }), {
      replaysIdempotencyKey: true,
    });
    const ctx = { api, log: { info() {}, warn() {} } };
    const deploy = (label: string) =>
      deploymentHandlers.create(ctx, { sdl: nginxSdl(), deposit: 5, creationKey: `bench/${n}/${label}` });

    const observer = (async () => {
      const dep = await deploy("observer");
      const created = Number(dep.id); // dseq is the creation time in ms
      const seen = new Map<string, { price: number; atS: number }>();
      while (Date.now() - created < OBSERVE_MS) {
        for (const { bid } of await api.listBids(dep.id)) {
          if (!seen.has(bid.id.provider)) {
            seen.set(bid.id.provider, {
              price: Number(bid.price.amount),
              atS: (Date.now() - created) / 1000,
            });
          }
        }
        await sleep(250);
      }
      await deploymentHandlers.delete(ctx, dep.id, dep.outs);
      return [...seen.entries()].map(([provider, b]) => ({ provider, ...b }));
    })();

    const runs = await Promise.all(
      windows.map(async (window): Promise<Run> => {
        const dep = await deploy(`w${window}`);
        const lease = await leaseHandlers.create(ctx, {
          dseq: dep.id,
          manifest: dep.outs.manifest,
          selection: { strategy: "cheapest", bidWindowSeconds: window },
          waitForServices: false,
        });
        const leaseS = (Date.now() - Number(dep.id)) / 1000;
        await deploymentHandlers.delete(ctx, dep.id, dep.outs);
        return { window, leaseS, price: Number(lease.outs.price), provider: lease.outs.provider };
      }),
    );
    return { runs, bids: await observer };
  } finally {
    await server.close();
  }
}

async function main() {
  const results: Awaited<ReturnType<typeof round>>[] = [];
  for (let n = 1; n <= rounds; n++) {
    results.push(await round(n));
    console.error(`round ${n}/${rounds} done`);
  }
  const bids = results[0]!.bids.sort((a, b) => a.atS - b.atS);
  const fleet = parseYaml(readFileSync(DEFAULT_FLEET_PATH, "utf8")) as {
    providers: { name: string; address: string; priceFactor: number }[];
  };
  const known = (address: string) => fleet.providers.find((p) => p.address === address);
  const cheapestOf = (r: (typeof results)[number]) => Math.min(...r.bids.map((b) => b.price));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rows = windows.map((window) => {
    const mine = results.map((r) => ({
      run: r.runs.find((x) => x.window === window)!,
      cheapest: cheapestOf(r),
    }));
    const times = mine.map((m) => m.run.leaseS);
    const ratios = mine.map((m) => m.run.price / m.cheapest);
    const cheapestHits = ratios.filter((x) => x === 1).length;
    const label = window === DEFAULT_CHEAPEST_WINDOW_SECONDS ? `${window} s (default)` : `${window} s`;
    return (
      `| ${label} | ${median(times).toFixed(1)} s (${Math.min(...times).toFixed(1)}–${Math.max(...times).toFixed(1)}) ` +
      `| ${[...new Set(mine.map((m) => m.run.price))].join(", ")} | ${((median(ratios) - 1) * 100).toFixed(0)}% ` +
      `| ${cheapestHits}/${mine.length} |`
    );
  });
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const report = `# Bid window of \`strategy: "cheapest"\`

Command: \`make build && node dist/bench/lease-window.js --rounds ${rounds} --windows ${windows.join(",")}\` (${new Date().toISOString()}).
Machine: ${os.cpus().length} x ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}.
Setup: the reference API in-process with its default market (the bundled fleet's bid delays and
prices, not \`--dev\`), the seed guide's nginx SDL. Per round, one deployment per window, leased
concurrently by the Lease handler (\`strategy: "cheapest"\`, \`waitForServices: false\`), beside an
observer deployment that records every bid arriving within ${OBSERVE_MS / 1000} s (sto1, not audited by the
auditor the API requires, never bids). Time to lease is from the
deployment's creation to the accepted lease; the premium is the price paid over the cheapest bid
that arrived within ${OBSERVE_MS / 1000} s.

| bidWindowSeconds | time to lease, median (min–max) | price paid (uact/block) | premium over the cheapest, median | got the cheapest |
|---|---|---|---|---|
${rows.join("\n")}

Bids of the observer deployment (round 1), in order of arrival:

| provider | arrived after | price (uact/block) |
|---|---|---|
${bids.map((b) => `| ${known(b.provider)?.name ?? "?"} (${b.provider}, price factor ${known(b.provider)?.priceFactor ?? "?"}) | ${b.atS.toFixed(1)} s | ${b.price} |`).join("\n")}
`;
  writeFileSync(path.join(repoRoot, "bench/results/lease-window.md"), report);
  console.log(report);
}

void main();
