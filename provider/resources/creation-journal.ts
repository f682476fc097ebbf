// Which deployments a create has handed to the engine, kept on local disk across runs. A targeted
// replacement (`pulumi up --replace`) calls create without diffing or reading the resource it
// replaces, so the API replaying the creation key's deployment cannot tell "the one being replaced"
// from "one an interrupted run made and never recorded": this journal can (the first was handed
// over, the second never was). It also keeps the sealed secrets a create sent under each key:
// sealing is random (JWE), so a re-run after a kill sends the very same body again, which the API
// replays by its Idempotency-Key, instead of a new seal the API refuses as the key's reuse. They are
// ciphertext only the API can open. Entries older than the API's Idempotency-Key lifetime are dropped.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface CreationJournal {
  /** True when a create returned this deployment to the engine earlier. */
  handedOver(dseq: string): boolean;
  record(dseq: string): void;
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
    get: (name: string): T | undefined => load()[name],
    put(name: string, entry: T) {
      const entries = Object.entries({ ...load(), [name]: entry }).filter(
        ([, e]) => now() - at(e) < LIFETIME_MS,
      );
      mkdirSync(path.dirname(file), { recursive: true });
      // Write then rename: parallel creates of one run never read a half-written file.
      const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      writeFileSync(temp, JSON.stringify(Object.fromEntries(entries)));
      renameSync(temp, file);
    },
  };
}

export function fileJournal(file: string, now: () => number = Date.now): CreationJournal {
  const handed = datedMap<number>(file, (at) => at, now);
  const sealed = datedMap<SealedEntry>(file.replace(/(\.json)?$/, ".sealed.json"), (e) => e.at, now);
  return {
    handedOver: (dseq) => handed.get(dseq) !== undefined,
    record: (dseq) => handed.put(dseq, now()),
    sealedSent(key, version) {
      const entry = sealed.get(key);
      return entry?.version === version ? entry.sealed : undefined;
    },
    recordSealed: (key, version, body) => sealed.put(key, { version, sealed: body, at: now() }),
  };
}
