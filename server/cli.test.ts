import assert from "node:assert/strict";
import { execFile, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { Client } from "pg";
import { SERVER_ENV, SERVER_NODE_FLAGS } from "./cli";
import { DEV_USER_EMAIL } from "./cli-commands";
import { startPostgresTestCluster, type PostgresTestCluster } from "./db/postgres-test-cluster";
import { client, helloSdl } from "./test-support/http";
import { serveProcess, type Served } from "./test-support/served";

const CLI = join(__dirname, "cli.js");
const ROOT = join(__dirname, "..", "..");
const execFileAsync = promisify(execFile);
// Every command runs with a throw-away HOME: the default data dir (~/.pulumi-akash/ref-api) is never
// the developer's.
const HOME = mkdtempSync(join(tmpdir(), "akash-ref-cli-home-"));
const run = (command: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}) =>
  execFileAsync(command, args, { env: { ...process.env, HOME, ...options.env } });
/** A failed run's exit code and output. */
const failure = (pending: Promise<unknown>) =>
  pending.then(
    () => assert.fail("the command succeeded"),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

/** Starts `akash-ref-api serve` in a child process, with the throw-away HOME. */
const serve = (args: string[], env: Record<string, string> = {}) =>
  serveProcess(args, { ...process.env, HOME, ...env });

/** Waits until the server's output matches. */
async function waitForOutput(served: Served, pattern: RegExp): Promise<RegExpExecArray> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    const match = pattern.exec(served.output());
    if (match) return match;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${pattern} in the server output:\n${served.output()}`);
}

describe("akash-ref-api CLI", () => {
  test("the binary, `make server` and the bench start the server one way, `make build` is `npm run build`", () => {
    // The flags are added by cli.ts when `serve` starts (the next test): a shebang cannot carry them,
    // since a Node that does not know one refuses to start before any check could explain why.
    assert.equal(readFileSync(CLI, "utf8").split("\n")[0], "#!/usr/bin/env node");
    const makefile = readFileSync(join(ROOT, "Makefile"), "utf8");
    assert.match(makefile, /^server: build\n\t@\$\(ENV\); node dist\/server\/cli\.js serve /m);
    const bench = readFileSync(join(ROOT, "bench", "server-load.ts"), "utf8");
    assert.match(bench, /import \{ SERVER_ENV, SERVER_NODE_FLAGS \} from "\.\.\/server\/cli";/);
    assert.match(makefile, /^build:\n\t@\$\(ENV\); npm run --silent build\n/m);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    assert.match(
      pkg.scripts.build,
      /node server\/console\/build\.mjs/,
      "npm run build builds the web console",
    );
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
    for (const dir of [...dirs, HOME]) rmSync(dir, { recursive: true, force: true });
  });

  test("started as `node dist/server/cli.js serve`, the serving process runs with the V8 flags and malloc env", async () => {
    const served = await serve(["--in-memory"]);
    children.push(served.child);
    const pid = served.child.pid ?? 0;
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    assert.deepEqual(argv.slice(1, 1 + SERVER_NODE_FLAGS.length), [...SERVER_NODE_FLAGS], argv.join(" "));
    if (Number(process.versions.node.split(".")[0]) >= 24)
      assert.ok(
        SERVER_NODE_FLAGS.includes("--memory-saver-mode"),
        "Node 24 runs with every benchmarked flag",
      );
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    for (const [name, value] of Object.entries(SERVER_ENV))
      assert.ok(environ.includes(`${name}=${value}`), name);
    // The same process listens (execve keeps the pid): a signal to it is a signal to the server.
    assert.equal((await fetch(`${served.url}/status`)).status, 200);
    served.child.kill("SIGTERM");
    assert.equal(await served.exited, 0);
  });

  test("README's first use works as written: users create and serve agree on the default data dir, and say so", async () => {
    const version = await run(process.execPath, [CLI, "--version"]);
    assert.equal(version.stdout, `${JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version}\n`);
    const created = await run(process.execPath, [
      CLI,
      "users",
      "create",
      "--email",
      "me@example.com",
      "--credit",
      "100",
    ]);
    const key = /API key \(shown once\): (\S+)/.exec(created.stdout)?.[1] ?? "";
    const served = await serve([]);
    children.push(served.child);
    const banner = await waitForOutput(served, /web console: .*\n/);
    const dir = join(HOME, ".pulumi-akash", "ref-api");
    assert.match(served.output(), new RegExp(`store: SQLite in ${dir} \\(the default data dir\\)\n`));
    assert.match(
      served.output(),
      /add a user: akash-ref-api users create --email you@example\.com --credit 100\n/,
      banner[0],
    );
    assert.equal((await client(served.url, key)("GET", "/v1/balances")).body.data.balance, 100_000_000);
    served.child.kill("SIGTERM");
    assert.equal(await served.exited, 0);
  });

  test("an in-memory store says in words that no other process can add users to it", async () => {
    const served = await serve(["--in-memory", "--log-level", "silent"]);
    children.push(served.child);
    await waitForOutput(served, /web console: /);
    assert.match(served.output(), /store: in memory \(--in-memory\): gone when the server stops\n/);
    assert.match(
      served.output(),
      /add a user: not from another process on an in-memory store: start with --dev/,
    );
    served.child.kill("SIGTERM");
    await served.exited;
  });

  test("under a Node older than package.json's engines the binary says which version it needs, in one sentence", async () => {
    const required = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).engines.node.replace(
      ">=",
      "",
    );
    const assertOneSentence = (stderr: string) => {
      assert.equal(stderr.split("\n").length, 2, `one line: ${stderr}`);
      assert.ok(
        stderr.startsWith(`akash-ref-api needs Node.js >= ${required} (package.json engines), but `),
        stderr,
      );
      assert.match(stderr, / is Node 20\.\d+\.\d+: install Node /);
      assert.ok(stderr.includes('`eval "$(make -s env)"` (tools/setup-node.sh puts Node 24'), stderr);
    };
    // Any Node can play an old one; the check runs before anything else is loaded.
    const dir = tempDir();
    const oldNode = join(dir, "old-node.js");
    writeFileSync(oldNode, 'Object.defineProperty(process.versions, "node", { value: "20.20.2" });\n');
    const faked = await failure(run(process.execPath, ["--require", oldNode, CLI, "serve", "--dev"]));
    assert.equal(faked.code, 1);
    assertOneSentence(faked.stderr);
    // The machine's own old Node (Debian's is 20): without the check it failed on node:sqlite.
    const systemNode = "/usr/bin/node";
    if (existsSync(systemNode) && (await run(systemNode, ["--version"])).stdout.startsWith("v20.")) {
      const real = await failure(run(systemNode, [CLI, "serve", "--dev"]));
      assert.equal(real.code, 1);
      assertOneSentence(real.stderr);
    }
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
    assert.match(
      listed.stdout,
      /^email\tuser id\taddress\tcredit\nops@example\.com\t[0-9a-f-]{36}\takash1\w+\t\$13\n$/,
    );
    assert.ok(!served.output().includes(key.slice(12)), "the key never reaches the server's log");

    const duplicate = await failure(
      run(process.execPath, [
        CLI,
        "users",
        "create",
        "--email",
        "ops@example.com",
        "--credit",
        "1",
        "--data-dir",
        dir,
      ]),
    );
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /already exists/);
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
    const served = await serve(["--in-memory", "--fault-latency", "600"]);
    children.push(served.child);
    const inFlight = fetch(`${served.url}/v1/deployments`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    served.child.kill("SIGTERM");
    const answer = await inFlight;
    assert.equal(answer.status, 401, "the request that was running got its answer");
    assert.equal(await served.exited, 0);
    await assert.rejects(fetch(`${served.url}/status`), "no new connections after the drain");
  });

  test("serve --dev: a default user whose key is AKASH_API_KEY when set, else printed with its export line", async () => {
    const key = `ac.sk.dev.${"c".repeat(64)}`;
    const served = await serve(["--dev", "--in-memory"], { AKASH_API_KEY: key });
    children.push(served.child);
    await waitForOutput(
      served,
      /API key: the key in AKASH_API_KEY\n.*\n {2}\(AKASH_API_KEY is set already\)/,
    );
    const balances = await client(served.url, key)("GET", "/v1/balances");
    assert.equal(balances.status, 200);
    assert.equal(balances.body.data.balance, 1_000_000_000);
    served.child.kill("SIGTERM");
    await served.exited;

    const printed = await serve(["--dev", "--in-memory"], { AKASH_API_KEY: "" });
    children.push(printed.child);
    const newKey = (await waitForOutput(printed, /API key: (ac\.sk\.local\.[0-9a-f]{64})/))[1] ?? "";
    assert.match(printed.output(), new RegExp(`dev user: ${DEV_USER_EMAIL} \\(\\$1000 credit\\)`));
    assert.match(
      printed.output(),
      new RegExp(`\n  export AKASH_API_URL=${printed.url}\n  export AKASH_API_KEY=${newKey}\n`),
    );
    assert.equal((await client(printed.url, newKey)("GET", "/v1/user/me")).status, 200);
    printed.child.kill("SIGTERM");
    await printed.exited;
  });

  test("bad options fail with a message naming the flag or variable the user wrote, not the internal option", async () => {
    const stderrOf = async (args: string[], env: NodeJS.ProcessEnv = {}) =>
      (await failure(run(process.execPath, [CLI, ...args], { env }))).stderr;
    assert.match(await stderrOf(["serve", "--port", "x"]), /--port must be a whole number/);
    assert.match(
      await stderrOf(["serve", "--port", "70000"]),
      /^akash-ref-api: --port must be 0\.\.65535, got 70000\n/,
    );
    assert.match(
      await stderrOf(["serve", "--in-memory", "--providers", "/nonexistent/fleet.yaml"]),
      /cannot read the fleet file/,
    );
    assert.match(
      await stderrOf(["serve", "--fault-restart-every", "5x"]),
      /--fault-restart-every must be a duration/,
    );
    assert.match(
      await stderrOf(["serve", "--in-memory", "--fault-error-rate", "2"]),
      /^akash-ref-api: --fault-error-rate must be between 0 and 1, got 2\n$/,
    );
    assert.match(
      await stderrOf(["serve", "--in-memory"], { AKASH_REF_FAULT_ERROR_RATE: "1.5" }),
      /^akash-ref-api: AKASH_REF_FAULT_ERROR_RATE must be between 0 and 1, got 1\.5\n$/,
    );
    assert.match(
      await stderrOf(["users", "list", "--key-env", "BAD"]),
      /^akash-ref-api: --key-env must be lowercase/,
    );
    const unknown = "akash1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq";
    assert.match(
      await stderrOf(["serve", "--in-memory"], { AKASH_REF_FAULT_PROVIDERS_OFFLINE: `fra1,${unknown}` }),
      new RegExp(
        `^akash-ref-api: AKASH_REF_FAULT_PROVIDERS_OFFLINE names ${unknown}, not in the fleet; its providers are: fra1 \\(akash1`,
      ),
    );
  });

  test("--admin-routes: refused without an admin token; with one, admin requests must send it", async () => {
    const refused = await failure(run(process.execPath, [CLI, "serve", "--in-memory", "--admin-routes"]));
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^akash-ref-api: --admin-token \(or AKASH_REF_ADMIN_TOKEN\) is required when the admin routes are on/,
    );
    const token = "t0ken-for-the-clock";
    const served = await serve(["--in-memory", "--admin-routes"], { AKASH_REF_ADMIN_TOKEN: token });
    children.push(served.child);
    assert.ok(!served.output().includes(token), "the token is not logged");
    const anyone = client(served.url);
    assert.equal((await anyone("GET", "/admin/clock")).status, 401);
    assert.equal(
      (await anyone("POST", "/admin/clock/advance", { blocks: 3 }, { "x-admin-token": "x" })).status,
      401,
    );
    const before = await anyone("GET", "/admin/clock", undefined, { "x-admin-token": token });
    assert.equal(before.status, 200);
    const moved = await anyone("POST", "/admin/clock/advance", { blocks: 3 }, { "x-admin-token": token });
    assert.equal(moved.body.height, before.body.height + 3);
    served.child.kill("SIGTERM");
    await served.exited;
  });

  test("fault flags and their environment variables reach the server's configuration", async () => {
    const served = await serve(
      [
        "--in-memory",
        "--fault-restart-every",
        "1.5m",
        "--fault-providers-unreachable",
        "sgp1",
        "--fault-balance-top-up-pending",
        "30",
        "--dev",
        "--refusal-backoff",
        "--live-refusal-codes",
        "off",
        "--refusal-backoff-window",
        "10m",
        "--log-level",
        "info",
      ],
      {
        AKASH_REF_FAULT_PROVIDERS_OFFLINE: "fra1, sjc1",
        AKASH_REF_FAULT_PROVIDERS_UNREADY: "nyc1",
        AKASH_REF_FAULT_MANIFEST_NOT_DELIVERED: "sto1",
        AKASH_REF_REFUSAL_BACKOFF_THRESHOLD: "5",
        AKASH_REF_REFUSAL_BACKOFF_PERIOD: "2m",
        AKASH_API_KEY: "",
      },
    );
    children.push(served.child);
    // The configuration's log line may come after the banner that `serve` waits for.
    const faults = (await waitForOutput(served, /"faults":(\{[^}]*\})/))[1] ?? "";
    assert.deepEqual(JSON.parse(faults), {
      errorRate: 0,
      latencyMs: 0,
      bidDrought: false,
      providersOffline: ["fra1", "sjc1"],
      providersUnready: ["nyc1"],
      restartEveryMs: 90_000,
      balanceTopUpPendingSeconds: 30,
      providersUnreachable: ["sgp1"],
      manifestNotDelivered: ["sto1"],
    });
    const refusals = (await waitForOutput(served, /"refusals":(\{[^}]*\})/))[1] ?? "";
    assert.deepEqual(JSON.parse(refusals), {
      backoff: true,
      threshold: 5,
      windowMs: 600_000,
      backoffMs: 120_000,
      codes: false,
    });
    served.child.kill("SIGTERM");
    await served.exited;

    const all = await serve(["--in-memory", "--fault-providers-offline", "--fault-restart-every", "250"]);
    children.push(all.child);
    const allFaults = JSON.parse((await waitForOutput(all, /"faults":(\{[^}]*\})/))[1] ?? "");
    assert.equal(allFaults.providersOffline, true);
    assert.equal(allFaults.restartEveryMs, 250);
    all.child.kill("SIGTERM");
    await all.exited;
  });

  test("start errors are one sentence without a stack trace: a data dir in use, a port in use", async () => {
    const dir = mkdtempSync(join(tmpdir(), "akash-ref-cli-busy-"));
    const first = await serve(["--data-dir", dir]);
    try {
      const locked = await failure(run(process.execPath, [CLI, "serve", "--data-dir", dir, "--port", "0"]));
      assert.equal(locked.code, 1);
      assert.match(
        locked.stderr,
        /^akash-ref-api: Another akash-ref-api server is already serving the data dir /,
      );
      const port = new URL(first.url).port;
      const busy = await failure(run(process.execPath, [CLI, "serve", "--in-memory", "--port", port]));
      assert.equal(busy.code, 1);
      assert.match(
        busy.stderr,
        new RegExp(`^akash-ref-api: 127\\.0\\.0\\.1:${port} is already in use: .*--port`),
      );
      for (const said of [locked.stderr, busy.stderr]) {
        assert.doesNotMatch(said, /^\s+at /m, "no stack trace");
        assert.equal(said.trim().split("\n").length, 1, "one line");
      }
    } finally {
      first.child.kill();
      await first.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("--funding auto serves the live API's funding; sealing-key rotate changes the kid a running server hands out; another secrets key is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "akash-ref-cli-secrets-"));
    try {
      const served = await serve(["--data-dir", dir, "--funding", "auto", "--dev"]);
      try {
        const key = (await waitForOutput(served, /API key: (\S+)/))[1];
        const api = client(served.url, key);
        assert.equal((await api("GET", "/v1/deployment-funding-config")).status, 200);
        const before = (await api("GET", "/v1/sdl-secrets-context")).body.data.kid;
        const rotated = await run(process.execPath, [CLI, "sealing-key", "rotate", "--data-dir", dir]);
        const kid = /clients now seal to kid (\S+)/.exec(rotated.stdout)?.[1];
        assert.ok(kid && kid !== before, rotated.stdout);
        assert.equal(
          (await api("GET", "/v1/sdl-secrets-context")).body.data.kid,
          kid,
          "the running server follows",
        );
      } finally {
        served.child.kill("SIGTERM");
        await served.exited;
      }
      assert.ok(existsSync(join(dir, "secrets.key")), "the generated key is kept in the data dir");
      const mismatch = await failure(
        run(process.execPath, [CLI, "sealing-key", "rotate", "--data-dir", dir], {
          env: { AKASH_REF_SECRETS_KEY: "not-the-generated-one" },
        }),
      );
      assert.match(
        mismatch.stderr,
        /^akash-ref-api: the secrets key .* is not the one this store's secrets were encrypted with/,
      );
      const bogus = await failure(
        run(process.execPath, [CLI, "serve", "--in-memory", "--funding", "sometimes"]),
      );
      assert.match(bogus.stderr, /--funding.*sometimes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("akash-ref-api on PostgreSQL keeps the secrets key out of the database", () => {
  let cluster: PostgresTestCluster;
  const children: ChildProcess[] = [];
  before(async () => {
    cluster = await startPostgresTestCluster();
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await cluster.stop();
  });

  /** The names of the server secrets a database holds (the key itself, if it is there). */
  async function serverSecretNames(databaseUrl: string): Promise<string[]> {
    const pg = new Client({ connectionString: databaseUrl });
    await pg.connect();
    try {
      const exists = await pg.query("select to_regclass('server_secrets') as t");
      if (!exists.rows[0]?.t) return [];
      return (await pg.query<{ name: string }>("select name from server_secrets order by name")).rows.map(
        (row) => row.name,
      );
    } finally {
      await pg.end();
    }
  }

  test("serve without a secrets key refuses to start, saying how to make one and pass it; --help says so too", async () => {
    const databaseUrl = await cluster.createDatabase();
    // A server that does start (the bug) is stopped after a while, failing the exit code check.
    const refused = await failure(
      execFileAsync(process.execPath, [CLI, "serve", "--port", "0", "--database-url", databaseUrl], {
        env: { ...process.env, HOME },
        timeout: 15_000,
      }),
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^akash-ref-api: PostgreSQL needs a secrets key kept outside the database/);
    assert.match(refused.stderr, /`openssl rand -base64 32`/);
    assert.match(refused.stderr, /AKASH_REF_SECRETS_KEY/);
    assert.match(refused.stderr, /--secrets-key-in-database/);
    assert.equal(refused.stderr.trim().split("\n").length, 1, "one sentence, no stack trace");
    assert.deepEqual(await serverSecretNames(databaseUrl), [], "no key was generated into the database");

    const help = (await run(process.execPath, [CLI, "serve", "--help"])).stdout.replace(/\s+/g, " ");
    assert.match(help, /--secrets-key <secret> .*required with --database-url outside --dev/);
    assert.match(help, /openssl rand -base64 32/);
    assert.match(help, /--secrets-key-in-database .*a dump carries both/);
  });

  test("with AKASH_REF_SECRETS_KEY the server serves and the database holds only a check value, never the key", async () => {
    const databaseUrl = await cluster.createDatabase();
    const env = { AKASH_REF_SECRETS_KEY: "an operator's key, kept in a secret store" };
    const served = await serve(["--database-url", databaseUrl, "--dev"], env);
    children.push(served.child);
    const key = (await waitForOutput(served, /API key: (\S+)/))[1];
    assert.equal((await client(served.url, key)("GET", "/v1/sdl-secrets-context")).status, 200);
    assert.doesNotMatch(served.output(), /KEPT IN THE DATABASE/);
    assert.deepEqual(await serverSecretNames(databaseUrl), ["secrets_key_check"]);
    served.child.kill("SIGTERM");
    await served.exited;
  });

  test("--dev, and --secrets-key-in-database for a database keyed so before, keep today's key in the database, said loudly at start", async () => {
    const databaseUrl = await cluster.createDatabase();
    const dev = await serve(["--database-url", databaseUrl, "--dev"]);
    children.push(dev.child);
    assert.match(dev.output(), /secrets key: KEPT IN THE DATABASE \(--dev\), beside the secrets it encrypts/);
    await waitForOutput(dev, /"level":40,[^\n]*the secrets key is kept in the database/);
    dev.child.kill("SIGTERM");
    await dev.exited;
    assert.deepEqual(await serverSecretNames(databaseUrl), ["secrets_key", "secrets_key_check"]);

    const kept = await serve(["--database-url", databaseUrl], { AKASH_REF_SECRETS_KEY_IN_DATABASE: "1" });
    children.push(kept.child);
    assert.match(kept.output(), /KEPT IN THE DATABASE \(--secrets-key-in-database\)/);
    kept.child.kill("SIGTERM");
    await kept.exited;
  });
});
