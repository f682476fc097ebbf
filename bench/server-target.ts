// The processes of bench/server-load.ts. `hello`: a bare Hono hello-world (the ceiling). `seed`:
// creates a user with N deployments (plus one with an active lease) in a store, prints
// {apiKey, dseq, dseqs, seedMs} and exits. `ref`: the reference server on that store. `hello` and `ref`
// print {url} when listening and serve until killed.
// Usage: node dist/bench/server-target.js hello | seed --deployments N STORE | ref STORE
//        (STORE = --data-dir D | --database-url U --secrets-key K)
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { startServer } from "../server";
import { helloSdl } from "../server/test-support/http";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    deployments: { type: "string", default: "10000" },
    "data-dir": { type: "string" },
    "database-url": { type: "string" },
    "secrets-key": { type: "string" },
  },
});

async function main(): Promise<void> {
  if (positionals[0] === "hello") {
    const app = new Hono();
    app.get("/", (c) => c.json({ hello: "world" }));
    const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => {
      const { port } = server.address() as AddressInfo;
      process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
    });
    return;
  }

  const server = await startServer({
    logLevel: "warn",
    bidDelayMs: 0,
    ...(values["data-dir"] ? { dataDir: values["data-dir"] } : {}),
    ...(values["database-url"] ? { databaseUrl: values["database-url"] } : {}),
    ...(values["secrets-key"] ? { secretsKey: values["secrets-key"] } : {}),
  });
  if (positionals[0] === "ref") {
    process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
    return;
  }
  const count = Number(values.deployments);
  // Enough credit for the seed and for every create the load run can make.
  const { userId, apiKey } = await server.createUser("bench@example.com", 100_000_000);
  const sdl = helloSdl();
  const started = performance.now();
  let dseq = "";
  const dseqs: string[] = [];
  for (let i = 0; i < count; i += 1) {
    dseq = (await server.services.deployments.create(userId, { sdl, deposit: 5 })).dseq;
    dseqs.push(dseq);
  }
  // One deployment with a lease, so the measured read renders a lease with its provider status.
  const leased = await server.services.deployments.create(userId, { sdl, deposit: 5 });
  const bid = (await server.services.leases.listBids(userId, Number(leased.dseq)))[0]?.bid;
  if (bid) {
    await server.services.leases.create(userId, Number(leased.dseq), leased.manifest, [
      { gseq: bid.id.gseq, oseq: bid.id.oseq, provider: bid.id.provider },
    ]);
    dseq = leased.dseq;
  }
  const seedMs = Math.round(performance.now() - started);
  await server.close();
  process.stdout.write(`${JSON.stringify({ apiKey, dseq, dseqs, seedMs })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
