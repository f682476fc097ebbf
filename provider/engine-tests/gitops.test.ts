// The GitOps pipeline of examples/gitops, played on a local git repository against the reference
// API with the stage scripts CI runs: a change previewed on a branch, merged and applied; then
// out-of-band changes of every kind the drift check names (the server's clock and faults provoke
// the market's), the scheduled check reporting each with its cause (exit 7) while the stack's state
// stays byte-for-byte the same, errors that are never "no drift", remediation, and a clean check.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { test } from "node:test";
import { findProvider, loadFleet } from "../../server/market";
import type { DriftReport } from "../drift/report";
import { copyProject, engineSandbox, installedPackageDir, repoRoot, requirePulumi } from "./harness";
import { referenceApi } from "./reference-api";

const exec = promisify(execFile);
const PROJECT = "akash-gitops";
const STACK = "ci";

interface StageResult {
  code: number;
  output: string;
}

const fleet = loadFleet();
const address = (name: string) => findProvider(fleet, name)!.address;

/** Every file of the state backend and its sha256: the check must leave them all as they were. */
function stateDigest(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, encoding: "utf8" })
      .sort()
      .flatMap((f) => {
        try {
          return [
            [
              f,
              createHash("sha256")
                .update(readFileSync(path.join(dir, f)))
                .digest("hex"),
            ],
          ];
        } catch {
          return []; // a directory
        }
      }),
  );
}

test("gitops: preview, merge, up; the scheduled check names each out-of-band change; remediation", async () => {
  await requirePulumi();
  const ref = await referenceApi();
  const install = await installedPackageDir();
  const sandbox = engineSandbox("gitops");
  const repo = copyProject(
    path.join(repoRoot, "examples/gitops"),
    path.join(install, "projects", `gitops-${randomBytes(4).toString("hex")}`),
  );
  // What `npm ci` gives a CI job: the package installed as a user installs it.
  symlinkSync(path.join(install, "node_modules"), path.join(repo, "node_modules"));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...sandbox.env,
    PULUMI_STACK: STACK,
    AKASH_API_KEY: ref.apiKey,
    AKASH_API_URL: ref.server.url,
    // The test's key expires within seconds: no early warning, it is reported once expired.
    DRIFT_THRESHOLD: "0m",
  };
  const git = (...args: string[]) => exec("git", ["-C", repo, ...args]);
  const stage = (name: string, extra: Record<string, string> = {}): Promise<StageResult> =>
    new Promise((resolve, reject) => {
      const child = spawn("bash", [path.join(repo, "ci", `${name}.sh`)], {
        cwd: repo,
        env: { ...env, ...extra },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code: code ?? 1, output }));
    });
  const mustStage = async (name: string, extra: Record<string, string> = {}) => {
    const result = await stage(name, extra);
    assert.equal(result.code, 0, `${name} stage:\n${result.output}`);
    return result;
  };
  const report = () => JSON.parse(readFileSync(path.join(repo, "drift.json"), "utf8")) as DriftReport;
  const stackFile = path.join(repo, `Pulumi.${STACK}.yaml`);
  const writeStackConfig = (config: object) => {
    const salt = /^encryptionsalt: .*$/m.exec(readFileSync(stackFile, "utf8"))?.[0] ?? "";
    const lines = Object.entries(config).map(([k, v]) => `  ${PROJECT}:${k}: ${JSON.stringify(v)}`);
    writeFileSync(stackFile, `${salt}\nconfig:\n${lines.join("\n")}\n`);
  };
  const commitAndMerge = async (branch: string, message: string) => {
    await git("checkout", "-q", "-b", branch);
    await git("commit", "-qam", message);
    const preview = await mustStage("preview");
    await git("checkout", "-q", "main");
    await git("merge", "-q", "--no-ff", "-m", `Merge ${branch}`, branch);
    return preview;
  };

  try {
    // The operator's one-time setup: the repository, and the stack with its secrets salt committed.
    await git("init", "-q", "-b", "main");
    await git("config", "user.email", "ci@example.test");
    await git("config", "user.name", "CI");
    writeFileSync(stackFile, "config: {}\n");
    await exec("pulumi", ["stack", "init", STACK, "--non-interactive"], { cwd: repo, env });
    writeStackConfig({ workloads: {}, apiKeys: {} });
    await git("add", "-A");
    await git("commit", "-qm", "pipeline and an empty stack");

    // A pull request adds the workloads and keys; its preview shows them; merging applies them.
    const sjc1 = { allowedProviders: [address("sjc1")] };
    // Long enough for the up of every resource on a loaded machine, short enough to wait out.
    const expiresAt = new Date(Date.now() + 150_000).toISOString();
    const config = {
      workloads: {
        closed: { deposit: 5, selection: sjc1 },
        dry: { deposit: 5, selection: sjc1 },
        low: { deposit: 10, minEscrowUsd: 9.5, selection: sjc1 },
        changed: { deposit: 50, selection: sjc1 },
        offline: { deposit: 50, selection: { allowedProviders: [address("nyc1")] } },
        unready: { deposit: 50, selection: { allowedProviders: [address("fra1")] } },
        relabelled: { deposit: 50, name: "relabelled", selection: sjc1 },
        limited: { deposit: 50, runtimeLimitHours: 1, selection: sjc1 },
        ending: { deposit: 50, runtimeLimitHours: 8760, selection: sjc1 },
      },
      apiKeys: { revoked: {}, renamed: {}, temp: { expiresAt } },
    };
    writeStackConfig(config);
    const preview = await commitAndMerge("add-workloads", "nine workloads and three API keys");
    assert.match(preview.output, /\+ \d+ to create/, preview.output);
    assert.match(readFileSync(path.join(repo, "preview.md"), "utf8"), /^#### `pulumi preview` of stack `ci`/);
    await mustStage("up");
    const inSync = await stage("drift");
    assert.equal(inSync.code, 0, `in sync right after up:\n${inSync.output}`);
    assert.equal(report().status, "in_sync");

    // Out-of-band changes of every kind.
    const dseqs = JSON.parse(
      (await exec("pulumi", ["stack", "output", "dseqs", "--json", "--stack", STACK], { cwd: repo, env }))
        .stdout,
    ) as Record<string, string>;
    const keys = await ref.client.listApiKeys();
    const keyId = (name: string) => keys.find((k) => k.name === name)!.id;
    await ref.client.closeDeployment(dseqs.closed!);
    const sdl = readFileSync(path.join(repo, "deploy.yaml"), "utf8").replace("nginx:1.25.3", "nginx:1.27.0");
    await ref.client.updateDeployment(dseqs.changed!, sdl);
    await ref.client.deleteApiKey(keyId("revoked"));
    await ref.client.updateApiKey(keyId("renamed"), { name: "renamed-in-the-console" });
    await ref.client.patchDeployment(dseqs.relabelled!, { name: "relabelled-in-the-console" });
    ref.server.config.faults.providersOffline = [address("nyc1")];
    ref.server.config.faults.providersUnready = [address("fra1")];
    // The clock runs until the escrow of `dry` is spent; `low` (twice the deposit) falls below its minimum.
    const dry = await ref.client.getDeployment(dseqs.dry!);
    const rate = Number(dry.leases[0]!.price.amount);
    ref.server.advanceBlocks(Math.ceil(Number(dry.escrow_account.state.funds[0]!.amount) / rate) + 3);
    // And past `limited`'s runtime limit of one hour (600 blocks of 6 s), if that did not already.
    ref.server.advanceBlocks(601);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(expiresAt) - Date.now() + 1000)));

    // `ending` outlives the clock's jump; a threshold just beyond what it has left (by the API's
    // clock, its Date header) makes the check report its runtime as ending.
    const ending = await fetch(`${ref.server.url}/v1/deployments/${dseqs.ending!}`, {
      headers: { "x-api-key": ref.apiKey },
    });
    const endsAt = Date.parse(
      ((await ending.json()) as { data: { settings: { runtimeEndsAt: string } } }).data.settings
        .runtimeEndsAt,
    );
    const thresholdHours = Math.ceil((endsAt - Date.parse(ending.headers.get("date")!)) / 3_600_000) + 1;
    const before = stateDigest(path.join(sandbox.dir, "state"));
    const drifted = await stage("drift", { DRIFT_THRESHOLD: `${thresholdHours}h` });
    assert.equal(drifted.code, 7, drifted.output);
    assert.deepEqual(stateDigest(path.join(sandbox.dir, "state")), before, "the check wrote nothing");
    const found = report();
    assert.equal(found.status, "drift");
    const causesOf = (type: string, name: string) =>
      found.drift.find((r) => r.type === type && r.name === name)?.causes ?? [];
    const expected: [string, string, string][] = [
      ["Deployment", "closed", "closed_outside_pulumi"],
      ["Lease", "closed-akash", "closed_outside_pulumi"],
      ["Deployment", "dry", "closed_escrow_dry"],
      ["Lease", "dry-akash", "closed_escrow_dry"],
      ["Deployment", "low", "underfunded"],
      ["Deployment", "changed", "sdl_changed"],
      ["Lease", "offline-akash", "provider_offline"],
      ["Lease", "unready-akash", "services_not_ready"],
      ["ApiKey", "revoked", "api_key_revoked"],
      ["ApiKey", "renamed", "name_changed"],
      ["ApiKey", "temp", "api_key_expired"],
      ["Deployment", "relabelled", "name_changed"],
      ["Deployment", "limited", "closed_runtime_limit"],
      ["Deployment", "ending", "runtime_ending"],
      ["Lease", "limited-akash", "closed_runtime_limit"],
    ];
    assert.deepEqual(
      found.drift.flatMap((r) => r.causes.map((c) => [r.type, r.name, c.cause])).sort(),
      expected.sort(),
      drifted.output,
    );
    // Each one line, with the cause's figures and what up would do.
    for (const [type, name] of expected) {
      assert.match(
        drifted.output,
        new RegExp(`^${type} ${name} \\(.*\\): .* -> up: `, "m"),
        `${type} ${name}`,
      );
    }
    const [dryCause] = causesOf("Deployment", "dry");
    assert.match(dryCause!.message, /^closed by the market at height \d+ \(\d{4}-.*Z\): its escrow ran dry$/);
    assert.equal(dryCause!.details.timeSource, "provider events");
    assert.deepEqual(causesOf("Deployment", "changed")[0]!.details.services, [
      { service: "web", fields: ["image"], image: { from: "nginx:1.25.3", to: "nginx:1.27.0" } },
    ]);
    assert.match(causesOf("Deployment", "low")[0]!.up, /raise deposit in the program by at least \$/);
    assert.match(causesOf("Lease", "unready-akash")[0]!.message, /web 0\/1/);
    assert.match(causesOf("ApiKey", "renamed")[0]!.up, /renames it back to "renamed"/);
    assert.match(causesOf("Deployment", "relabelled")[0]!.up, /renames it back to "relabelled"/);
    assert.match(causesOf("Deployment", "limited")[0]!.message, /^closed at its runtime limit \(1 h, ended /);

    // An unreachable API or a refused key is an error (exit 1), never "no drift" nor "all gone".
    for (const [what, extra, said] of [
      ["a refused key", { AKASH_API_KEY: `ac.sk.local.${"0".repeat(64)}` }, /refused the API key/],
      ["an unreachable API", { AKASH_API_URL: "http://127.0.0.1:9" }, /is unavailable right now/],
    ] as const) {
      const failed = await stage("drift", extra);
      assert.equal(failed.code, 1, `${what}:\n${failed.output}`);
      assert.match(failed.output, said, what);
      assert.equal(report().status, "error");
      assert.deepEqual(report().drift, []);
    }
    assert.deepEqual(stateDigest(path.join(sandbox.dir, "state")), before, "failed checks wrote nothing");

    // The providers recover; `--remediate` fixes what `up --refresh` can, and says what it cannot.
    ref.server.config.faults.providersOffline = false;
    ref.server.config.faults.providersUnready = false;
    ref.server.advanceBlocks(1);
    const remediated = await stage("drift", { DRIFT_REMEDIATE: "true" });
    assert.equal(remediated.code, 7, remediated.output);
    const after = report().remediation;
    assert.equal(after?.succeeded, true, remediated.output);
    assert.deepEqual(
      after?.after?.drift.flatMap((r) => r.causes.map((c) => [r.type, r.name, c.cause])).sort(),
      [
        ["ApiKey", "temp", "api_key_expired"],
        ["Deployment", "low", "underfunded"],
      ],
      remediated.output,
    );

    // What needs a change of the program is a pull request: more deposit, a new expiry.
    config.workloads.low.deposit = 20;
    config.apiKeys.temp.expiresAt = "2030-01-01T00:00:00Z";
    writeStackConfig(config);
    await commitAndMerge("fix-drift", "raise low's deposit; a new temp key");
    await mustStage("up");
    const clean = await stage("drift");
    assert.equal(clean.code, 0, clean.output);
    assert.equal(report().status, "in_sync");
  } finally {
    sandbox.cleanup();
    rmSync(repo, { recursive: true, force: true });
    await ref.close();
  }
});
