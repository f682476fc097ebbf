// Chaos: rounds of `pulumi up` and `pulumi destroy` of a fleet while `pulumi` is killed (kill -9 of
// its process tree), the reference API crashes and restarts on its store, 20% of API requests are
// answered 503, and a proxy drops answers after the server committed. After each round, up then
// destroy converge: the active deployments are exactly the ones in state, none after destroy, and
// the money adds up (credit + paid to providers = granted, escrow being 0 once all is closed).
// `make soak` runs more rounds (CHAOS_ROUNDS); the figures go to test-output/chaos.json.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { test } from "node:test";
import { SQLITE_FILE_NAME } from "../../server/db/connect";
import { startPulumi } from "./background-run";
import { killProcessTree, repoRoot } from "./harness";
import { loopbackProxy } from "./loopback-proxy";
import { openProject } from "./project";
import { serverProcess } from "./server-process";
import { activeDseqs, dseqsInState } from "./stack-checks";

const ROUNDS = Number(process.env.CHAOS_ROUNDS ?? 2);
const FLEET = 3;
const GRANTED_USD = 1000;

// A seeded generator, so a failing round can be replayed with CHAOS_SEED.
const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
let state = seed;
const random = () => {
  state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
  return state / 2 ** 31;
};

interface Figures {
  seed: number;
  rounds: number;
  pulumiKills: number;
  serverCrashes: number;
  droppedAnswers: number;
  failedRuns: number;
  leaked: number;
  duplicated: number;
  moneyGapMicro: number;
}

test(`chaos: ${ROUNDS} rounds of interrupted up and destroy converge with nothing leaked or duplicated`, async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "akash-chaos-"));
  const server = await serverProcess({ dataDir, faults: { errorRate: 0.2 } }, GRANTED_USD);
  const figures: Figures = {
    seed,
    rounds: 0,
    pulumiKills: 0,
    serverCrashes: 0,
    droppedAnswers: 0,
    failedRuns: 0,
    leaked: 0,
    duplicated: 0,
    moneyGapMicro: 0,
  };
  // One answer in ten to a POST is lost after the server handled it.
  const proxy = await loopbackProxy(server.url, {
    dropAnswer: (method) => method === "POST" && random() < 0.1,
  });
  const project = await openProject(
    "examples/fleet",
    { url: proxy.url, apiKey: server.apiKey },
    { count: String(FLEET) },
  );

  /** One command with a fault at a random moment: its process tree killed, or the API crashed. */
  const disturbed = async (args: string[]) => {
    const run = startPulumi(project, [...args, "--yes", "--skip-preview"]);
    const fault = random();
    await new Promise((r) => setTimeout(r, 500 + random() * 6000));
    if (fault < 0.4) {
      killProcessTree(run.pid);
      figures.pulumiKills++;
    } else if (fault < 0.7) {
      await server.crash();
      figures.serverCrashes++;
      await server.restart();
    }
    const result = await run.exited;
    if (result.code !== 0) figures.failedRuns++;
    await project.run(["cancel", "--yes"]);
  };

  /** Runs the command until it succeeds (faults still injected): what an unattended pipeline does. */
  const converge = async (args: string[]) => {
    for (let attempt = 1; ; attempt++) {
      const result = await project.run([...args, "--yes", "--skip-preview"]);
      if (result.code === 0) return;
      figures.failedRuns++;
      assert.ok(attempt < 6, `${args[0]} did not converge:\n${result.stdout}\n${result.stderr}`);
    }
  };

  try {
    for (let round = 1; round <= ROUNDS; round++) {
      await disturbed(["up"]);
      await converge(["up"]);
      const active = await activeDseqs(server.client);
      const inState = await dseqsInState(project);
      figures.duplicated += Math.max(0, active.length - FLEET);
      figures.leaked += active.filter((d) => !inState.includes(d)).length;
      assert.deepEqual(active, inState, `round ${round}: active deployments = the ones in state`);
      assert.equal(inState.length, FLEET, `round ${round}: one deployment per workload`);

      await disturbed(["destroy"]);
      await converge(["destroy"]);
      const left = await activeDseqs(server.client);
      figures.leaked += left.length;
      assert.deepEqual(left, [], `round ${round}: nothing active after destroy`);
      figures.rounds = round;
    }
    figures.droppedAnswers = proxy.dropped;

    // Everything is closed: what the user was granted is their credit plus what providers were paid
    // (refunds floor to whole micro-units, so up to one micro-unit per deployment is dust).
    await server.stop();
    const db = new DatabaseSync(path.join(dataDir, SQLITE_FILE_NAME), { readOnly: true });
    const credit = BigInt(
      (db.prepare("select credit_micro from users").get() as { credit_micro: number }).credit_micro,
    );
    const rows = db.prepare("select escrow_transferred, state from deployments").all() as {
      escrow_transferred: string;
      state: string;
    }[];
    db.close();
    const paid = rows.reduce((sum, r) => sum + BigInt(r.escrow_transferred), 0n) / 10n ** 18n;
    const gap = BigInt(GRANTED_USD) * 1_000_000n - credit - paid;
    figures.moneyGapMicro = Number(gap);
    assert.ok(
      gap >= 0n && gap <= BigInt(rows.length),
      `granted ${GRANTED_USD} USD = credit ${credit} + paid ${paid} micro-units (gap ${gap})`,
    );
    assert.ok(rows.every((r) => r.state !== "active"));
  } finally {
    mkdirSync(path.join(repoRoot, "test-output"), { recursive: true });
    writeFileSync(path.join(repoRoot, "test-output/chaos.json"), `${JSON.stringify(figures, null, 2)}\n`);
    project.cleanup();
    await proxy.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
