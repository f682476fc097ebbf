// Chaos: rounds of `pulumi up` and `pulumi destroy` of a fleet while `pulumi` is killed (kill -9 of
// its process tree, at a random moment or right at the creation journal's record), the reference API
// crashes and restarts on its store, another account's key is configured between runs, a twin stack
// deploys the same SDLs at the same time, 20% of API requests are answered 503, and a proxy drops
// answers after the server committed. After each round, up then destroy converge: the active
// deployments are exactly the ones in state (the twin's are its own), none after destroy, and the
// money adds up (credit + paid to providers = granted, escrow being 0 once all is closed).
// `make soak` runs more rounds (CHAOS_ROUNDS); the figures go to test-output/chaos.json.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, watch, writeFileSync } from "node:fs";
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
  /** Kills timed at the creation journal's record, just before the engine's checkpoint. */
  journalKills: number;
  serverCrashes: number;
  /** Runs given another account's key, each refused with state and deployments kept. */
  otherAccountRefusals: number;
  /** Runs during which a twin stack deployed the same SDLs. */
  twinRuns: number;
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
    journalKills: 0,
    serverCrashes: 0,
    otherAccountRefusals: 0,
    twinRuns: 0,
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

  // The same program as a second stack of the same account: the same SDLs, deployed meanwhile.
  const twin = await openProject(
    "examples/fleet",
    { url: proxy.url, apiKey: server.apiKey },
    { count: String(FLEET) },
  );
  const journalDir = path.join(project.sandbox.env.PULUMI_HOME!, "pulumi-akash", "created-deployments");
  mkdirSync(journalDir, { recursive: true });

  /** Resolves once a create records a deployment in the creation journal (or the run ends). */
  const journalRecord = (exited: Promise<unknown>) =>
    new Promise<void>((resolve) => {
      const watcher = watch(journalDir, (_event, name) => {
        if (name && /^[0-9a-f]{32}\.json$/.test(name)) done();
      });
      const done = () => {
        watcher.close();
        resolve();
      };
      void exited.then(done);
    });

  /** refresh and destroy with another account's key refuse, and change nothing. */
  const otherAccount = async () => {
    const before = await dseqsInState(project);
    await project.must(["config", "set", "--secret", "akash:apiKey", server.otherApiKey]);
    try {
      for (const command of ["refresh", "destroy"]) {
        const result = await project.run([command, "--yes", "--skip-preview", "--run-program"]);
        if (before.length === 0) continue;
        assert.notEqual(result.code, 0, `${command} with another account's key must fail`);
        assert.match(result.stdout + result.stderr, /belongs to account akash1\w+ .*reaches account akash1/s);
        figures.otherAccountRefusals++;
      }
      assert.deepEqual(await dseqsInState(project), before, "another account's key kept the state");
    } finally {
      // The refused runs recorded the other key as the provider's configuration: record the right one.
      await project.must(["config", "set", "--secret", "akash:apiKey", server.apiKey]);
      await converge(["refresh", "--run-program"]);
    }
  };

  /**
   * One command with a fault: its process tree killed at a random moment or at the journal's record,
   * the API crashed, another account's key before it, or a twin stack deploying the same SDLs.
   */
  const disturbed = async (args: string[]) => {
    const fault = random();
    if (fault >= 0.85) await otherAccount();
    const run = startPulumi(project, [...args, "--yes", "--skip-preview"]);
    const twinRun =
      fault >= 0.7 && fault < 0.85 && args[0] === "up"
        ? twin.run(["up", "--yes", "--skip-preview"])
        : undefined;
    if (fault < 0.15) {
      await journalRecord(run.exited);
      killProcessTree(run.pid);
      figures.journalKills++;
    } else {
      await new Promise((r) => setTimeout(r, 500 + random() * 6000));
      if (fault < 0.4) {
        killProcessTree(run.pid);
        figures.pulumiKills++;
      } else if (fault < 0.6) {
        await server.crash();
        figures.serverCrashes++;
        await server.restart();
      }
    }
    const result = await run.exited;
    if (result.code !== 0) figures.failedRuns++;
    await project.run(["cancel", "--yes"]);
    if (twinRun) {
      figures.twinRuns++;
      if ((await twinRun).code !== 0) figures.failedRuns++;
      await twin.run(["cancel", "--yes"]);
      for (let attempt = 1; (await twin.run(["up", "--yes", "--skip-preview"])).code !== 0; attempt++) {
        figures.failedRuns++;
        assert.ok(attempt < 6, "the twin's up did not converge");
      }
    }
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
      const twins = await dseqsInState(twin);
      const active = (await activeDseqs(server.client)).filter((d) => !twins.includes(d));
      const inState = await dseqsInState(project);
      figures.duplicated += Math.max(0, active.length - FLEET);
      figures.leaked += active.filter((d) => !inState.includes(d)).length;
      assert.deepEqual(active, inState, `round ${round}: active deployments = the ones in state`);
      assert.equal(inState.length, FLEET, `round ${round}: one deployment per workload`);
      assert.ok(
        twins.every((d) => !inState.includes(d)),
        `round ${round}: the twin stack's deployments are its own`,
      );
      if (twins.length) {
        await twin.must(["destroy", "--yes", "--skip-preview"]);
        assert.equal(twins.length, FLEET, `round ${round}: the twin has one deployment per workload`);
      }

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
      (db.prepare("select sum(credit_micro) as credit_micro from users").get() as { credit_micro: number })
        .credit_micro,
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
    twin.cleanup();
    await proxy.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
