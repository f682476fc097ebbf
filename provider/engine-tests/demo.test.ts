// `make demo` and `make demo-destroy` as a newcomer runs them (tools/demo.sh), in a private demo home
// and port: demo-destroy works when the demo's server is down, and the by-hand destroy line the demo
// prints works from a shell that has neither the project's node nor pulumi (issue 12 item 7).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { engineSandbox, repoRoot } from "./harness";

const exec = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test("demo-destroy with the demo's server down starts it, destroys the stack and stops it; the by-hand line works", async () => {
  const home = mkdtempSync(path.join(tmpdir(), "akash-demo-"));
  const sandbox = engineSandbox("demo");
  const port = await freePort();
  const env = { ...process.env, ...sandbox.env, AKASH_DEMO_HOME: home, AKASH_DEMO_PORT: String(port) };
  const run = (args: string[], extra: NodeJS.ProcessEnv = env) =>
    exec("bash", args, { env: extra, maxBuffer: 16 << 20, timeout: 600_000 });
  const demo = (...args: string[]) => run([path.join(repoRoot, "tools/demo.sh"), ...args]);
  try {
    await demo();
    await demo("stop");
    const destroyed = await demo("destroy");
    assert.match(destroyed.stdout, /starting the reference API/, "demo-destroy started the server it needs");
    assert.match(destroyed.stdout, /- 4 deleted/, destroyed.stdout);
    assert.match(destroyed.stdout, /stopping the reference API/);

    const up = await demo();
    const byHand = /\n\s+(cd .* pulumi destroy --stack demo)\n/.exec(up.stdout)?.[1];
    assert.ok(byHand, `the demo prints a by-hand destroy line:\n${up.stdout}`);
    // A fresh terminal: the system PATH only, no passphrase set; the sandbox's Pulumi home.
    const bare = {
      PATH: "/usr/local/bin:/usr/bin:/bin",
      HOME: process.env.HOME,
      PULUMI_HOME: sandbox.env.PULUMI_HOME,
    };
    const manual = await run(["-c", `${byHand} --yes --skip-preview --non-interactive`], bare);
    assert.match(manual.stdout, /- 4 deleted/, manual.stdout);
  } finally {
    await demo("stop").catch(() => undefined);
    sandbox.cleanup();
    rmSync(home, { recursive: true, force: true });
  }
});
