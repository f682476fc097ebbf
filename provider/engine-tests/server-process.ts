// The reference API as a child process on a persistent store (a SQLite data dir or a PostgreSQL
// database), so that a test can kill -9 it mid-request and start it again on the same store and
// port, as a crashed and restarted server.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { after } from "node:test";
import { AkashClient } from "../../sdk";
import type { ServerOptions } from "../../server";

export interface ServerProcess {
  url: string;
  apiKey: string;
  /** The key of a second account on the same server, with no credit (another team's, say). */
  otherApiKey: string;
  client: AkashClient;
  /** kill -9, then waits for the process to be gone. */
  crash(): Promise<void>;
  /** Starts it again on the same store and port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const serverModule = path.resolve(__dirname, "../../server/index.js");
const live = new Set<ChildProcess>();
after(() => live.forEach((child) => child.kill("SIGKILL")));

// Starts the server from the compiled package, creates the user on first start, prints one JSON line.
const script = `
const { startServer } = require(process.argv[1]);
const { user, ...options } = JSON.parse(process.argv[2]);
startServer(options).then(async (server) => {
  const apiKey = user ? (await server.createUser(user.email, user.credit)).apiKey : undefined;
  const otherApiKey = user ? (await server.createUser("other-" + user.email, 0)).apiKey : undefined;
  process.stdout.write(JSON.stringify({ url: server.url, port: server.port, apiKey, otherApiKey }) + "\\n");
});`;

export async function serverProcess(options: ServerOptions, creditUsd = 1000): Promise<ServerProcess> {
  let child: ChildProcess | undefined;
  const start = async (
    opts: object,
  ): Promise<{ url: string; port: number; apiKey?: string; otherApiKey?: string }> => {
    const proc = spawn(process.execPath, ["-e", script, serverModule, JSON.stringify(opts)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    child = proc;
    live.add(proc);
    proc.once("exit", () => live.delete(proc));
    return new Promise((resolve, reject) => {
      let out = "";
      proc.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const line = out.split("\n")[0];
        if (out.includes("\n") && line) resolve(JSON.parse(line) as { url: string; port: number });
      });
      proc.once("exit", (code) => reject(new Error(`the reference API exited (${code}) before listening`)));
    });
  };
  const base = { logLevel: "silent", bidDelayMs: 150, startDelayMs: 150, ...options };
  const first = await start({
    ...base,
    user: { email: `crash-${randomBytes(4).toString("hex")}@example.test`, credit: creditUsd },
  });
  const stopped = () =>
    new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once("exit", () => resolve());
    });
  return {
    url: first.url,
    apiKey: first.apiKey!,
    otherApiKey: first.otherApiKey!,
    client: new AkashClient({ apiKey: first.apiKey!, baseUrl: first.url, retry: { baseDelayMs: 20 } }),
    async crash() {
      child?.kill("SIGKILL");
      await stopped();
    },
    async restart() {
      await start({ ...base, port: first.port });
    },
    async stop() {
      child?.kill("SIGTERM");
      await stopped();
    },
  };
}
