import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { promisify } from "node:util";
import { SERVER_ENV, SERVER_NODE_FLAGS } from "./cli";
import { client, helloSdl } from "./test-support/http";

const CLI = join(__dirname, "cli.js");
const run = promisify(execFile);

interface Served {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `akash-ref-api serve` in a child process and waits for its listening log line. */
async function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
  return { child, url, output: () => output, exited };
}

/** Waits until the server's output matches (the --dev banner comes after the listening line). */
async function waitForOutput(served: Served, pattern: RegExp): Promise<RegExpExecArray> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    const match = pattern.exec(served.output());
    if (match) return match;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${pattern} in the server output:\n${served.output()}`);
}

describe("akash-ref-api CLI", () => {
  test("the binary's shebang and `make server` run with the benchmarked environment and V8 flags", () => {
    const env = Object.entries(SERVER_ENV).map(([name, value]) => `${name}=${value}`);
    const command = `${env.join(" ")} node ${SERVER_NODE_FLAGS.join(" ")}`;
    assert.equal(readFileSync(CLI, "utf8").split("\n")[0], `#!/usr/bin/env -S ${command}`);
    const makefile = readFileSync(join(__dirname, "..", "..", "Makefile"), "utf8");
    assert.ok(makefile.includes(`${command} dist/server/cli.js serve`), "make server runs the same command");
  });

  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "akash-ref-cli-"));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test("users create / credit / list work while a server runs on the same store", async () => {
    const dir = tempDir();
    const served = await serve(["--data-dir", dir]);
    children.push(served.child);
    const created = await run(process.execPath, [
      CLI,
      "users",
      "create",
      "--email",
      "Ops@Example.com",
      "--credit",
      "12.5",
      "--data-dir",
      dir,
    ]);
    const key = /API key \(shown once\): (\S+)/.exec(created.stdout)?.[1];
    assert.ok(key, created.stdout);
    assert.match(key, /^ac\.sk\.local\.[0-9a-f]{64}$/);
    const api = client(served.url, key);
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 12_500_000);
    const credited = await run(process.execPath, [
      CLI,
      "users",
      "credit",
      "--email",
      "ops@example.com",
      "--amount",
      "0.5",
      "--data-dir",
      dir,
    ]);
    assert.match(credited.stdout, /now has \$13 credit/);
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 13_000_000);
    const listed = await run(process.execPath, [CLI, "users", "list", "--data-dir", dir]);
    assert.match(listed.stdout, /^ops@example\.com\t[0-9a-f-]{36}\takash1\w+\t\$13\n$/);
    assert.ok(!served.output().includes(key.slice(12)), "the key never reaches the server's log");

    const duplicate = await run(process.execPath, [
      CLI,
      "users",
      "create",
      "--email",
      "ops@example.com",
      "--credit",
      "1",
      "--data-dir",
      dir,
    ]).catch((error: { code: number; stderr: string }) => error);
    assert.equal((duplicate as { code: number }).code, 1);
    assert.match((duplicate as { stderr: string }).stderr, /already exists/);
    const noStore = await run(process.execPath, [CLI, "users", "list"]).catch(
      (error: { stderr: string }) => error,
    );
    assert.match((noStore as { stderr: string }).stderr, /--data-dir <dir> \(SQLite\) or --database-url/);
    served.child.kill("SIGTERM");
    assert.equal(await served.exited, 0);
  });

  test("acknowledged writes survive kill -9", async () => {
    const dir = tempDir();
    const created = await run(process.execPath, [
      CLI,
      "users",
      "create",
      "--email",
      "durable@example.com",
      "--credit",
      "100",
      "--data-dir",
      dir,
    ]);
    const key = /API key \(shown once\): (\S+)/.exec(created.stdout)?.[1] ?? "";
    const first = await serve(["--data-dir", dir, "--log-level", "info"]);
    children.push(first.child);
    const api = client(first.url, key);
    const acknowledged: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const answer = await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } });
      assert.equal(answer.status, 201);
      acknowledged.push(answer.body.data.dseq);
    }
    await api("POST", "/v1/deposit-deployment", { data: { dseq: acknowledged[0], deposit: 2.25 } });
    first.child.kill("SIGKILL");
    await first.exited;

    const second = await serve(["--data-dir", dir]);
    children.push(second.child);
    const after = client(second.url, key);
    const listed = (await after("GET", "/v1/deployments")).body.data;
    assert.equal(listed.pagination.total, 8);
    assert.deepEqual(
      listed.deployments.map((d: { deployment: { id: { dseq: string } } }) => d.deployment.id.dseq).sort(),
      [...acknowledged].sort(),
    );
    assert.deepEqual((await after("GET", "/v1/balances")).body.data, {
      balance: 57_750_000,
      deployments: 42_250_000,
      total: 100_000_000,
    });
    second.child.kill("SIGTERM");
    await second.exited;
  });

  test("SIGTERM lets in-flight requests finish, then exits 0", async () => {
    const served = await serve(["--fault-latency", "600"]);
    children.push(served.child);
    const inFlight = fetch(`${served.url}/v1/deployments`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    served.child.kill("SIGTERM");
    const answer = await inFlight;
    assert.equal(answer.status, 401, "the request that was running got its answer");
    assert.equal(await served.exited, 0);
    await assert.rejects(fetch(`${served.url}/status`), "no new connections after the drain");
  });

  test("serve --dev: a default user whose key is AKASH_API_KEY when set", async () => {
    const key = `ac.sk.dev.${"c".repeat(64)}`;
    const served = await serve(["--dev"], { AKASH_API_KEY: key });
    children.push(served.child);
    await waitForOutput(served, /API key: the key in AKASH_API_KEY/);
    const balances = await client(served.url, key)("GET", "/v1/balances");
    assert.equal(balances.status, 200);
    assert.equal(balances.body.data.balance, 1_000_000_000);
    served.child.kill("SIGTERM");
    await served.exited;

    const printed = await serve(["--dev"], { AKASH_API_KEY: "" });
    children.push(printed.child);
    const newKey = (await waitForOutput(printed, /API key: (ac\.sk\.local\.[0-9a-f]{64})/))[1] ?? "";
    assert.equal((await client(printed.url, newKey)("GET", "/v1/user/me")).status, 200);
    printed.child.kill("SIGTERM");
    await printed.exited;
  });

  test("bad options fail with a message naming the option", async () => {
    const badPort = await run(process.execPath, [CLI, "serve", "--port", "x"]).catch(
      (error: { stderr: string }) => error,
    );
    assert.match((badPort as { stderr: string }).stderr, /--port must be a whole number/);
    const badFleet = await run(process.execPath, [
      CLI,
      "serve",
      "--providers",
      "/nonexistent/fleet.yaml",
    ]).catch((error: { stderr: string }) => error);
    assert.match((badFleet as { stderr: string }).stderr, /cannot read the fleet file/);
    const badDuration = await run(process.execPath, [CLI, "serve", "--fault-restart-every", "5x"]).catch(
      (error: { stderr: string }) => error,
    );
    assert.match((badDuration as { stderr: string }).stderr, /--fault-restart-every must be a duration/);
    const unknown = "akash1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq";
    const badProvider = await run(process.execPath, [CLI, "serve", "--port", "0"], {
      env: { ...process.env, AKASH_REF_FAULT_PROVIDERS_OFFLINE: `fra1,${unknown}` },
    }).catch((error: { stderr: string }) => error);
    assert.match(
      (badProvider as { stderr: string }).stderr,
      new RegExp(`providersOffline names ${unknown}, not in the fleet; its providers are: fra1 \\(akash1`),
    );
  });

  test("fault flags and their environment variables reach the server's configuration", async () => {
    const served = await serve(["--fault-restart-every", "1.5m", "--log-level", "info"], {
      AKASH_REF_FAULT_PROVIDERS_OFFLINE: "fra1, sjc1",
      AKASH_REF_FAULT_PROVIDERS_UNREADY: "nyc1",
    });
    children.push(served.child);
    const faults = /"faults":(\{[^}]*\})/.exec(served.output())?.[1] ?? "";
    assert.deepEqual(JSON.parse(faults), {
      errorRate: 0,
      latencyMs: 0,
      bidDrought: false,
      providersOffline: ["fra1", "sjc1"],
      providersUnready: ["nyc1"],
      restartEveryMs: 90_000,
    });
    served.child.kill("SIGTERM");
    await served.exited;

    const all = await serve(["--fault-providers-offline", "--fault-restart-every", "250"]);
    children.push(all.child);
    const allFaults = JSON.parse(/"faults":(\{[^}]*\})/.exec(all.output())?.[1] ?? "");
    assert.equal(allFaults.providersOffline, true);
    assert.equal(allFaults.restartEveryMs, 250);
    all.child.kill("SIGTERM");
    await all.exited;
  });
});
