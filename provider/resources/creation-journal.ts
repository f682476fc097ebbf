// What creates on this machine handed to the engine, kept on local disk across runs, because the
// engine gives a create no view of the state:
// - A targeted replacement (`pulumi up --replace`) calls create without diffing or reading the
//   resource it replaces, so the API replaying the creation key's deployment cannot tell "the one
//   being replaced" from "one an interrupted run made and the engine never saved". Each deployment a
//   create returned is recorded here, and marked again once the engine shows it in state (a diff,
//   read, update or delete of it, or a Lease's inputs naming it: the engine only answers a resource's
//   registration after saving it). Handed over and since seen in state: an earlier life of the
//   resource. Handed over and never seen: the engine was killed before saving it, so it is the
//   resource's own, to adopt.
// - Sealed secrets a create sent under each key: sealing is random (JWE), so a re-run after a kill
//   sends the very same body again, which the API replays by its Idempotency-Key, instead of a new
//   seal the API refuses as the key's reuse. They are ciphertext only the API can open.
// - Creates in flight on this machine, by any stack (`machineCreates`): a create whose answer was lost
//   on an API without Idempotency-Key replay looks for the deployment it made among look-alikes, and
//   must never take one another stack on this machine made or is making.
// Entries older than the API's Idempotency-Key lifetime are dropped.
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";

export interface CreationJournal {
  /** A create returned this deployment to the engine earlier and the engine has since saved it. */
  earlierLife(dseq: string): boolean;
  /** Deployments created for the creation chain starting at `rootKey` that the engine never saved. */
  unsavedOf(rootKey: string): string[];
  /** A create returns `dseq`, made for the creation chain starting at `rootKey`. */
  record(dseq: string, rootKey: string): void;
  /** The sealed secrets sent with Idempotency-Key `key` for the manifest version `version`, if any. */
  sealedSent(key: string, version: string): string | undefined;
  recordSealed(key: string, version: string, sealed: string): void;
}

const LIFETIME_MS = 24 * 60 * 60 * 1000;

interface SealedEntry {
  version: string;
  sealed: string;
  at: number;
}

/** A handed-over deployment; a bare number is an entry written before roots and marks existed. */
type HandedEntry = number | { at: number; root: string };

const atOf = (entry: HandedEntry) => (typeof entry === "number" ? entry : entry.at);

/** Writes then renames: concurrent writers on one machine never read a half-written file. */
function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

/** A JSON map in a file whose entries expire with the key lifetime; written whole, atomically. */
function datedMap<T>(file: string, at: (entry: T) => number, now: () => number) {
  const load = (): Record<string, T> => {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as Record<string, T>;
    } catch {
      return {};
    }
  };
  return {
    load,
    get: (name: string): T | undefined => load()[name],
    put(name: string, entry: T) {
      const entries = Object.entries({ ...load(), [name]: entry }).filter(
        ([, e]) => now() - at(e) < LIFETIME_MS,
      );
      writeAtomically(file, JSON.stringify(Object.fromEntries(entries)));
    },
  };
}

/**
 * Marks of deployments the engine showed in state, shared by every stack on the machine (a Lease
 * does not know its stack's scope): one empty file per dseq, made once, so a refresh of a large
 * fleet writes each mark once instead of rewriting a growing file.
 */
export function stateMarks(dir: string, now: () => number = Date.now) {
  const file = (dseq: string) => path.join(dir, dseq.replace(/[^0-9]/g, ""));
  const seen = new Set<string>();
  return {
    has: (dseq: string) => seen.has(dseq) || existsSync(file(dseq)),
    mark(dseq: string) {
      if (!/^\d+$/.test(dseq) || seen.has(dseq)) return;
      seen.add(dseq);
      if (existsSync(file(dseq))) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(file(dseq), "");
    },
    /** Drops marks older than the key lifetime: no journal entry can need them. */
    prune() {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const name of names) {
        try {
          if (now() - statSync(path.join(dir, name)).mtimeMs > LIFETIME_MS) rmSync(path.join(dir, name));
        } catch {
          // Pruned by another process meanwhile.
        }
      }
    },
  };
}

export type StateMarks = ReturnType<typeof stateMarks>;

/** The marks beside a journal file (one directory holds every stack's journal on a machine). */
export const stateMarksBeside = (journalFile: string) =>
  stateMarks(path.join(path.dirname(journalFile), "in-state"));

export function fileJournal(file: string, now: () => number = Date.now): CreationJournal {
  const handed = datedMap<HandedEntry>(file, atOf, now);
  const sealed = datedMap<SealedEntry>(file.replace(/(\.json)?$/, ".sealed.json"), (e) => e.at, now);
  const marks = stateMarksBeside(file);
  return {
    earlierLife(dseq) {
      const entry = handed.get(dseq);
      if (entry === undefined) return false;
      // An entry from before marks existed keeps its old meaning: handed over, so an earlier life.
      return typeof entry === "number" || marks.has(dseq);
    },
    unsavedOf: (rootKey) =>
      Object.entries(handed.load())
        .filter(([dseq, e]) => typeof e !== "number" && e.root === rootKey && !marks.has(dseq))
        .map(([dseq]) => dseq),
    record(dseq, rootKey) {
      handed.put(dseq, { at: now(), root: rootKey });
      marks.prune();
    },
    sealedSent(key, version) {
      const entry = sealed.get(key);
      return entry?.version === version ? entry.sealed : undefined;
    },
    recordSealed: (key, version, body) => sealed.put(key, { version, sealed: body, at: now() }),
  };
}

/** One create in flight (or done) on this machine, as other stacks' recoveries see it. */
export interface MachineCreate {
  scope: string;
  /** The deployment's resolved manifest version. */
  hash: string;
  sentAt: number;
  /** Set once the create returned a deployment. */
  dseq?: string;
  pid: number;
}

/**
 * Creates in flight on this machine, one small file each (no two writers share a file), kept for the
 * key lifetime. `begin` before the request is sent, `made` once it returned a deployment, `abandon`
 * when it definitely made none.
 */
export function machineCreates(dir: string, now: () => number = Date.now) {
  const list = (): MachineCreate[] => {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith(".json"));
    } catch {
      return [];
    }
    const creates: MachineCreate[] = [];
    for (const name of names) {
      try {
        const entry = JSON.parse(readFileSync(path.join(dir, name), "utf8")) as MachineCreate;
        if (now() - entry.sentAt < LIFETIME_MS) creates.push(entry);
        else rmSync(path.join(dir, name), { force: true });
      } catch {
        // Being written or removed by another process.
      }
    }
    return creates;
  };
  return {
    list,
    begin(scope: string, hash: string) {
      const file = path.join(dir, `${Date.now()}-${randomBytes(6).toString("hex")}.json`);
      const entry: MachineCreate = { scope, hash, sentAt: now(), pid: process.pid };
      writeAtomically(file, JSON.stringify(entry));
      return {
        entry,
        made(dseq: string) {
          writeAtomically(file, JSON.stringify({ ...entry, dseq }));
        },
        abandon() {
          rmSync(file, { force: true });
        },
      };
    },
  };
}

export type MachineCreates = ReturnType<typeof machineCreates>;

/** The registry beside a journal file. */
export const machineCreatesBeside = (journalFile: string) =>
  machineCreates(path.join(path.dirname(journalFile), "in-flight"));

/** Whether the process that began a create still runs (a killed run's entry never resolves). */
export function stillRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
