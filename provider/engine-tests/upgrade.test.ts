// Upgrades (issues 13 and 14): a stack whose state a released version wrote, replayed against the
// current code under the pinned CLI. Refresh and destroy run the installed package's handlers over
// whatever state an older version (and an older CLI: fixture.json's pulumiVersion) left, so each
// recording (fixtures/upgrade/<version>[-<label>], see its README) must refresh with no changes,
// update with nothing but what the new code adds, and destroy cleanly.
import assert from "node:assert/strict";
import { cpSync, existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { AkashClient } from "../../sdk";
import { ManualClock, startServer, type RunningServer } from "../../server";
import type { UpgradeFixture } from "./fixtures/upgrade/record";
import {
  copyProject,
  engineSandbox,
  installedPackageDir,
  mustRunPulumi,
  repoRoot,
  runPulumi,
} from "./harness";

const fixtures = path.join(repoRoot, "provider/engine-tests/fixtures/upgrade");
const recorded = readdirSync(fixtures).filter((d) => existsSync(path.join(fixtures, d, "fixture.json")));

/** What the current code adds to a stack written before it had one (stack-identity.ts). */
const STACK_IDENTITY = "pulumi-nodejs:dynamic/akash:StackIdentity";

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
}

/**
 * The current server on the release's data, on the port its state names as akash:baseUrl, its clock
 * stopped where the recording left it.
 */
async function replayServer(fixture: UpgradeFixture, dataDir: string): Promise<RunningServer> {
  try {
    return await startServer({
      dataDir,
      port: fixture.port,
      clock: new ManualClock(fixture.clock),
      logLevel: "silent",
      ...fixture.market,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
    throw new Error(
      `port ${fixture.port} is taken: the state written by ${fixture.version} names ` +
        `http://127.0.0.1:${fixture.port} as akash:baseUrl, and refresh and destroy use it; free the port`,
      { cause: err },
    );
  }
}

describe("upgrades", () => {
  assert.ok(recorded.length > 0, `no recorded release under ${fixtures}`);

  for (const version of recorded) {
    test(`state written by ${version} refreshes with no changes and updates cleanly`, async () => {
      const source = path.join(fixtures, version);
      const fixture = JSON.parse(readFileSync(path.join(source, "fixture.json"), "utf8")) as UpgradeFixture;
      const sandbox = engineSandbox(`upgrade-${version}`);
      let server: RunningServer | undefined;
      let cwd: string | undefined;
      try {
        cpSync(path.join(source, "backend"), path.join(sandbox.dir, "state"), { recursive: true });
        cpSync(path.join(source, "data"), path.join(sandbox.dir, "data"), { recursive: true });
        server = await replayServer(fixture, path.join(sandbox.dir, "data"));
        // Below the current package's install, as a user's project that upgraded its dependency.
        const project = copyProject(
          path.join(source, "project"),
          path.join(await installedPackageDir(), "projects", path.basename(sandbox.dir)),
        );
        cwd = project;
        const run = (args: string[]) => runPulumi(args, { cwd: project, sandbox });
        const must = (args: string[]) => mustRunPulumi(args, { cwd: project, sandbox });
        await must(["stack", "select", fixture.stack]);
        const apiKey = (await must(["config", "get", "akash:apiKey"])).stdout.trim();
        const client = new AkashClient({ apiKey, baseUrl: server.url, trustIdempotencyKey: true });
        const active = async () =>
          (await client.listDeployments()).deployments.map((d) => d.deployment.id.dseq).sort();
        const resources = async () =>
          (
            JSON.parse((await must(["stack", "export", "--show-secrets"])).stdout) as {
              deployment: { resources?: StateResource[] };
            }
          ).deployment.resources ?? [];
        const dseqsInState = async () =>
          (await resources())
            .filter((r) => r.type.endsWith("akash:Deployment") && r.id)
            .map((r) => r.id!)
            .sort();

        const recordedDseqs = await dseqsInState();
        assert.equal(recordedDseqs.length, 2, "the fixture holds the nginx and the app deployments");
        assert.deepEqual(await active(), recordedDseqs, "the server has the recorded deployments active");
        const before = await resources();
        // change summaries do not count the default provider
        const unchanged = before.filter((r) => !r.type.startsWith("pulumi:providers:")).length;

        // refresh with the new handlers over the old state: nothing to report, every resource kept
        // with its id and inputs (outputs may fill in, e.g. a Deployment's leases made after it)
        await must(["refresh", "--yes", "--expect-no-changes"]);
        const identity = (list: StateResource[]) => list.map(({ urn, id, inputs }) => ({ urn, id, inputs }));
        assert.deepEqual(identity(await resources()), identity(before), "refresh kept every resource");
        assert.deepEqual(await active(), recordedDseqs);

        // the one thing the new code adds to a stack written before StackIdentity existed (0.1.0 as
        // released); nothing at all to a later recording
        const adds = before.some((r) => r.type === STACK_IDENTITY) ? [] : [STACK_IDENTITY];
        const expectedChanges = adds.length ? { create: adds.length, same: unchanged } : { same: unchanged };
        const preview = await run(["preview", "--expect-no-changes", "--json"]);
        assert.equal(
          preview.code,
          adds.length ? 7 : 0,
          `preview reports exactly ${adds.length} new resource(s) as a change\n${preview.stderr}`,
        );
        const plan = JSON.parse(preview.stdout) as {
          steps: { op: string; urn: string }[];
          changeSummary: Record<string, number>;
        };
        const changed = plan.steps.filter((s) => s.op !== "same");
        assert.deepEqual(
          changed.map((s) => [s.op, s.urn.split("::")[2]]),
          adds.map((type) => ["create", type]),
          preview.stdout,
        );
        assert.deepEqual(plan.changeSummary, expectedChanges, preview.stdout);

        await must(["up", "--yes", "--skip-preview"]);
        const [last] = JSON.parse((await must(["stack", "history", "--json"])).stdout) as {
          resourceChanges: Record<string, number>;
        }[];
        assert.deepEqual(
          last!.resourceChanges,
          expectedChanges,
          `up made only ${adds.join(", ") || "nothing"}`,
        );
        const after = await resources();
        assert.deepEqual(
          after.filter((r) => !before.some((b) => b.urn === r.urn)).map((r) => r.type),
          adds,
        );
        assert.deepEqual(await dseqsInState(), recordedDseqs, "same deployments, none replaced");
        assert.deepEqual(await active(), recordedDseqs);
        // each resource's inputs now name its provider by package subpath: a few hundred bytes of
        // state where 0.1.0 wrote 2.3 KB, rewritten by the engine after every step
        for (const r of after.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"))) {
          const provider = String(r.inputs?.__provider);
          assert.match(provider, /require\("pulumi-akash\/dynamic\/[a-z-]+"\)/, r.urn);
          assert.ok(provider.length < 600, `${r.urn}: its provider takes ${provider.length} bytes`);
        }
        await must(["preview", "--expect-no-changes"]);

        // destroy closes every deployment and refunds what is left in escrow, whole micro-units
        // (the clock stands still, so nothing more is charged on the way)
        const balance = async () => (await client.getBalances()).balance;
        const escrow = async (dseq: string) =>
          Math.floor(
            (await client.getDeployment(dseq)).escrow_account.state.funds.reduce(
              (sum, c) => sum + Number(c.amount),
              0,
            ),
          );
        const left = (await Promise.all(recordedDseqs.map(escrow))).reduce((a, b) => a + b, 0);
        const beforeDestroy = await balance();
        await must(["destroy", "--yes", "--skip-preview"]);
        assert.deepEqual(await active(), [], "no deployment left active");
        assert.equal((await balance()) - beforeDestroy, left, "the escrow left came back");
        assert.deepEqual(await resources(), [], "state is empty");
      } finally {
        await server?.close();
        sandbox.cleanup();
        if (cwd) rmSync(cwd, { recursive: true, force: true });
      }
    });
  }
});
