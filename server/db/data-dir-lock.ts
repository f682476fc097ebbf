import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

export const LOCK_FILE_NAME = "server.lock";

export interface DataDirLock {
  release(): void;
}

/**
 * Claims a SQLite data dir for one server process. One server per embedded store lets the server
 * trust its own writes as the only changes to what it caches (the CLI beside it only adds users,
 * keys and credit). The claim is an exclusive SQLite lock on a small side file: the OS drops it
 * when the process ends, even by `kill -9`, so a crash never leaves a stale lock behind.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE_NAME);
  const lock = new DatabaseSync(path);
  try {
    lock.exec("PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;");
  } catch (error) {
    lock.close();
    if ((error as { errcode?: number }).errcode !== SQLITE_BUSY) throw error;
    throw new Error(
      `Another akash-ref-api server is already serving the data dir ${dataDir} (it holds ${path}). ` +
        "Stop it, or give this one another --data-dir; for several servers on one store, use PostgreSQL (--database-url).",
      { cause: error },
    );
  }
  return {
    release: () => {
      if (lock.isOpen) lock.close();
    },
  };
}

const SQLITE_BUSY = 5;
