import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/**
 * A throwaway PostgreSQL cluster for tests: initdb into a temp dir, listen on 127.0.0.1 on a free
 * port (socket in the same dir), stopped and deleted by `stop()`. PostgreSQL refuses to run as root,
 * so as root the cluster runs as the `postgres` OS user that the Debian packages create.
 */
export interface PostgresTestCluster {
  /** URL of a fresh, empty database on the cluster. */
  createDatabase(): Promise<string>;
  /** `pg_ctl restart -m fast`: every connection is terminated (57P01), then the cluster is back. */
  restart(): void;
  /** kill -9 of the postmaster, as a crashed host or a failover leaves the database: start() brings it back. */
  crash(): Promise<void>;
  /** Starts the cluster again after crash(), on the same port and data. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const INSTALL_HINT = "install postgresql (apt-get install postgresql)";

export async function startPostgresTestCluster(): Promise<PostgresTestCluster> {
  const binDir = findBinDir();
  const dir = mkdtempSync(join(tmpdir(), "akash-ref-pg-"));
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? postgresUid() : undefined;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const run = (bin: string, args: string[]) =>
    execFileSync(
      asRoot ? "runuser" : join(binDir, bin),
      asRoot ? ["-u", "postgres", "--", join(binDir, bin), ...args] : args,
      {
        stdio: "pipe",
      },
    );

  const dataDir = join(dir, "data");
  const port = await freePort();
  const pgCtl = (...args: string[]) =>
    run("pg_ctl", [
      "-D",
      dataDir,
      "-l",
      join(dir, "server.log"),
      "-w",
      "-o",
      `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=200`,
      ...args,
    ]);
  try {
    run("initdb", ["-D", dataDir, "--auth=trust", "--username=postgres", "--encoding=UTF8", "--no-sync"]);
    pgCtl("start");
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(`could not start a test PostgreSQL cluster: ${stderr || String(error)}`, {
      cause: error,
    });
  }

  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  return {
    async createDatabase() {
      databases += 1;
      const name = `test_${process.pid}_${databases}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    restart() {
      pgCtl("-m", "fast", "restart");
    },
    async crash() {
      const pid = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
      process.kill(pid, "SIGKILL");
      while (isRunning(pid)) await sleep(10);
    },
    async start() {
      // The killed postmaster's backends notice its death and exit on their own, but until the
      // last one has, a new postmaster refuses the shared memory they hold: retry for a while.
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          pgCtl("start");
          return;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await sleep(100);
        }
      }
    },
    async stop() {
      try {
        run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function findBinDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const bin = join(root, version, "bin");
    if (existsSync(join(bin, "initdb")) && existsSync(join(bin, "pg_ctl"))) return bin;
  }
  throw new Error(`PostgreSQL server binaries (initdb, pg_ctl) not found under ${root}: ${INSTALL_HINT}`);
}

function postgresUid(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    return { uid, gid };
  } catch {
    throw new Error(`running as root needs the 'postgres' OS user to start PostgreSQL: ${INSTALL_HINT}`);
  }
}

/** Alive and not a zombie waiting to be reaped (Linux). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
