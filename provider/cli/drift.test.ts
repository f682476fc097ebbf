import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import type { DriftReport } from "../drift/report";
import { engineSandbox, mustRunPulumi } from "../engine-tests/harness";
import { errorMessage, parseThreshold, progress } from "./drift";

test("thresholds: hours by default, m/h/d units, anything else refused", () => {
  assert.equal(parseThreshold("72"), 72 * 3_600_000);
  assert.equal(parseThreshold("3d"), 3 * 86_400_000);
  assert.equal(parseThreshold("90m"), 90 * 60_000);
  assert.throws(() => parseThreshold("soon"), /expected a duration such as 72h/);
});

test("a failed pulumi command is reported by its own error lines, not the Automation API's dump", () => {
  const dump =
    "code: 255\n stdout: \n stderr: warning: x\nerror: no stack named 'prod' found\n err?: Error: Command failed";
  assert.equal(errorMessage(new Error(dump)), "error: no stack named 'prod' found");
  assert.equal(errorMessage(new Error("plain")), "plain");
});

test("progress of a large stack: a line every tenth of the reads (not a terminal); none for a small one", (t) => {
  const lines: string[] = [];
  t.mock.method(process.stderr, "write", (chunk: string) => lines.push(chunk) > 0);
  const small = progress(10);
  for (let i = 1; i <= 10; i++) small(i);
  const large = progress(200);
  for (let i = 1; i <= 200; i++) large(i);
  t.mock.restoreAll();
  assert.equal(lines.length, 10);
  assert.deepEqual(lines.slice(0, 2), ["drift: read 20/200 resources\n", "drift: read 40/200 resources\n"]);
  assert.equal(lines.at(-1), "drift: read 200/200 resources\n");
});

describe("the JSON report of a failed check names the API it checked against", () => {
  const sandbox = engineSandbox("drift-api-url");
  const cwd = path.join(sandbox.dir, "work");
  after(() => sandbox.cleanup());

  // The environment of a shell without any Akash setting, in the sandbox.
  const env = (extra: Record<string, string> = {}) => {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(AKASH|CONSOLE)_/.test(k)),
    );
    return { ...clean, ...sandbox.env, ...extra };
  };
  const drift = (extra?: Record<string, string>) =>
    new Promise<DriftReport>((resolve, reject) => {
      execFile(
        process.execPath,
        [path.join(__dirname, "main.js"), "drift", "--json", "--stack", "dev", "-C", cwd],
        { env: env(extra), timeout: 120_000 },
        (err, stdout, stderr) => {
          if (err?.code !== 1) reject(new Error(`exit ${err?.code}: ${stdout}\n${stderr}`));
          else resolve(JSON.parse(stdout) as DriftReport);
        },
      );
    });

  test("the live Console API when no base URL is set, the configured one otherwise", async () => {
    writeFileSync(path.join(cwd, "Pulumi.yaml"), "name: drift-api-url\nruntime: nodejs\n");
    await mustRunPulumi(["stack", "init", "dev"], { cwd, sandbox });
    const noKey = await drift();
    assert.equal(noKey.status, "error");
    assert.match(noKey.error ?? "", /No Akash Console API key/);
    assert.equal(noKey.apiUrl, "https://console-api.akash.network");

    const fromEnv = await drift({ AKASH_API_URL: "http://127.0.0.1:9/" });
    assert.equal(fromEnv.apiUrl, "http://127.0.0.1:9");

    await mustRunPulumi(["config", "set", "akash:baseUrl", "http://127.0.0.1:9"], { cwd, sandbox });
    const unreachable = await drift({ AKASH_API_KEY: `ac.sk.local.${"0".repeat(64)}` });
    assert.match(unreachable.error ?? "", /is unavailable right now/);
    assert.equal(unreachable.apiUrl, "http://127.0.0.1:9");
  });
});
