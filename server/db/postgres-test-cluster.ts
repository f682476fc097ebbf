import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
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
  try {
    run("initdb", ["-D", dataDir, "--auth=trust", "--username=postgres", "--encoding=UTF8", "--no-sync"]);
    run("pg_ctl", [
      "-D",
      dataDir,
      "-l",
      join(dir, "server.log"),
      "-w",
      "-o",
      `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=200`,
      "start",
    ]);
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
