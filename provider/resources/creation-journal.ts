// Which deployments a create has handed to the engine, kept on local disk across runs. A targeted
// replacement (`pulumi up --replace`) calls create without diffing or reading the resource it
// replaces, so the API replaying the creation key's deployment cannot tell "the one being replaced"
// from "one an interrupted run made and never recorded": this journal can (the first was handed
// over, the second never was). Entries older than the API's Idempotency-Key lifetime are dropped.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface CreationJournal {
  /** True when a create returned this deployment to the engine earlier. */
  handedOver(dseq: string): boolean;
  record(dseq: string): void;
}

const LIFETIME_MS = 24 * 60 * 60 * 1000;

export function fileJournal(file: string, now: () => number = Date.now): CreationJournal {
  const load = (): Record<string, number> => {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as Record<string, number>;
    } catch {
      return {};
    }
  };
  return {
    handedOver: (dseq) => load()[dseq] !== undefined,
    record(dseq) {
      const entries = Object.entries({ ...load(), [dseq]: now() }).filter(
        ([, at]) => now() - at < LIFETIME_MS,
      );
      mkdirSync(path.dirname(file), { recursive: true });
      // Write then rename: parallel creates of one run never read a half-written file.
      const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      writeFileSync(temp, JSON.stringify(Object.fromEntries(entries)));
      renameSync(temp, file);
    },
  };
}
