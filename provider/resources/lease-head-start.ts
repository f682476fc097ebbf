// A Lease's head start: its bid wait and lease request begin when its deployment is created, not
// when the engine creates the Lease. The engine runs at most `--parallel` steps at once (8 by
// default here), and while they all wait it registers nothing new (its step queue has no room), so
// 100 Leases each waiting out a bid window and their services' start went in waves of 8. With a
// head start every lease is accepted about one bid window after its deployment, and a Lease create
// that gets its slot later finds its lease made and its services started, or nearly.
//
// The Deployment learns its Leases' terms from the program (dynamic/coverage.ts, internal input
// `leaseTerms`): the head start picks exactly what the Lease would. It runs in an `up` only (a
// create), on a deployment that is in state from then on. If the up stops before the Lease's create
// (an error elsewhere, a kill), the lease is on that deployment: its escrow pays it, the next up's
// create adopts it as it adopts a lease an interrupted run made, and destroy closes it with its
// deployment. No money is leaked or spent twice.
import type { LeaseWithStatus } from "../../sdk";
import type { LeaseInputs } from "./lease";
import { processMemory } from "./process-memory";

/** What decides which lease a Lease gets, besides its deployment's dseq and manifest. */
export type LeaseTerms = Pick<LeaseInputs, "gseq" | "oseq" | "provider" | "selection">;

export interface HeadStart {
  /** The terms it was started on, canonical: a create on other terms does not take it. */
  terms: string;
  lease: Promise<LeaseWithStatus>;
}

// Per order, like deploymentsCreated per dseq: one provider process serves one configuration.
const orderKey = (inputs: LeaseInputs) => `${inputs.dseq}/${inputs.gseq ?? 1}/${inputs.oseq ?? 1}`;

/** JSON with sorted keys and defaults filled in: the engine does not promise one key order. */
function canonical(inputs: LeaseInputs): string {
  const { dseq, manifest, provider, selection, certificate } = inputs;
  const terms = {
    dseq,
    manifest,
    gseq: inputs.gseq ?? 1,
    oseq: inputs.oseq ?? 1,
    provider,
    selection,
    certificate,
  };
  return JSON.stringify(terms, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** Starts `acquire` in the background for the Lease of a deployment this process just created. */
export function startHeadStart(inputs: LeaseInputs, acquire: () => Promise<LeaseWithStatus>): void {
  const key = orderKey(inputs);
  if (!processMemory.deploymentsCreated.has(inputs.dseq) || processMemory.leaseHeadStarts.has(key)) return;
  const lease = acquire();
  // Its create reports a failure; one whose create never comes (the up stopped) must not crash the process.
  lease.catch(() => undefined);
  processMemory.leaseHeadStarts.set(key, { terms: canonical(inputs), lease });
}

/**
 * The create's side: the head start's lease when one was started on these terms; otherwise
 * `acquire` runs now, after any head start of the same order settled, so two picks of one order
 * never race (the create then adopts, or refuses, what the head start leased).
 */
export async function leaseFromHeadStart(
  inputs: LeaseInputs,
  acquire: () => Promise<LeaseWithStatus>,
): Promise<LeaseWithStatus> {
  const key = orderKey(inputs);
  const started = processMemory.leaseHeadStarts.get(key);
  processMemory.leaseHeadStarts.delete(key);
  if (started?.terms === canonical(inputs)) return started.lease;
  await started?.lease.catch(() => undefined);
  return acquire();
}
