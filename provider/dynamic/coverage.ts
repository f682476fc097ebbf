// Every placement group of a Deployment needs a Lease in the same program: the managed-wallet API
// leases all groups of a deployment in one request and skips later requests once any group has a
// lease, so a group left out is never leased, and adding its Lease later takes a new deployment.
// The handlers run in the provider process and cannot see the program; the resource classes run in
// it and meet here. A Deployment's registration waits (one turn of the event loop) until the
// Leases constructed with it are known, and fails before anything is created when a group has none.
import * as pulumi from "@pulumi/pulumi";
import { parseSdl } from "../resources/sdl";
import type { LeaseArgs } from "./lease";

interface LeaseNote {
  name: string;
  gseq: pulumi.Input<number> | undefined;
  /** What decides the Lease's pick, as given: plain values, or Outputs and promises. */
  terms: Record<string, unknown>;
}

/** True for a value the program wrote out in full (no Output or promise anywhere in it). */
function plain(value: unknown): boolean {
  if (value === null || typeof value !== "object") return true;
  if (pulumi.Output.isInstance(value) || value instanceof Promise) return false;
  return Object.values(value).every(plain);
}

class Coverage {
  readonly leases: LeaseNote[] = [];

  constructor(readonly name: string) {}

  /** Throws an error naming each group without a Lease, and each Lease of no group. */
  check(sdl: string): void {
    const leases = this.leases.map((l) => ({ name: l.name, gseq: l.gseq ?? 1 }));
    // No Lease yet (they may come from an apply on the deployment's outputs) or a gseq known only
    // later: nothing can be judged now.
    if (!leases.length || leases.some((l) => typeof l.gseq !== "number")) return;
    const parsed = parseSdl(sdl);
    if (!parsed.ok) return; // the Deployment's check names SDL errors
    const groups = parsed.value.groups;
    const missing = groups.filter((g) => !leases.some((l) => l.gseq === g.gseq));
    const stray = leases.filter((l) => !groups.some((g) => g.gseq === l.gseq));
    if (!missing.length && !stray.length) return;
    const problems = [
      ...missing.map(
        (g) =>
          `SDL group ${g.gseq} "${g.name}" (services: ${g.services.join(", ")}) has no Lease. ` +
          `Add new akash.Lease("${this.name}-${g.name}", { dseq: <deployment>.dseq, manifest: <deployment>.manifest, gseq: ${g.gseq} }).`,
      ),
      ...stray.map(
        (l) => `Lease "${l.name}" has gseq ${String(l.gseq)}, but the SDL has ${groups.length} group(s).`,
      ),
    ];
    const message =
      `Deployment "${this.name}": ${problems.join(" ")} The API leases every group of a deployment in one request, ` +
      "so each group needs its Lease in this program (akash.Workload makes one per group).";
    // The failed registration rejects the outputs of this deployment and its Leases; a program's
    // exports handle them later, which Node would print as PromiseRejectionHandledWarnings around
    // this error. A listener stands in for those warnings (the run fails with this error anyway).
    process.on("rejectionHandled", () => {});
    // A RunError is reported without a stack. The runtime prefixes the message of an input's error
    // with each property it passed through ("error serializing property ..."): this one keeps its own.
    throw Object.defineProperty(new pulumi.RunError(message), "message", {
      get: () => message,
      set: () => {},
    });
  }

  /**
   * The Leases' terms as JSON, for the Deployment's create to start leasing at once
   * (resources/lease-head-start.ts); undefined when a Lease's terms are not all written out in the
   * program (then each Lease starts when the engine creates it) or it carries a certificate (a
   * secret, which the Deployment's state would not keep secret).
   */
  leaseTerms(): string | undefined {
    const terms = this.leases.map((l) => l.terms);
    if (!terms.length || terms.some((t) => !plain(t) || t.certificate !== undefined)) return undefined;
    return JSON.stringify(terms.map(({ certificate: _c, ...t }) => t));
  }
}

/**
 * Program memory (the program's process, not the provider's): a Lease constructor finds the
 * coverage of its Deployment through the outputs it was given (deployment.dseq, .manifest), which is
 * all it knows of the Deployment. Module state because constructors share nothing else; a WeakMap
 * keyed by those outputs, so it holds nothing the program no longer does.
 */
const coverageOfDeploymentOutput = new WeakMap<object, Coverage>();

/**
 * For the Deployment constructor: its `sdl`, held until the Leases constructed in the same turn are
 * known and checked, and `attach`, to call with the constructed resource.
 */
export function coveredSdl(name: string, sdl: pulumi.Input<string>) {
  const coverage = new Coverage(name);
  const gated = pulumi.output(sdl).apply(async (text) => {
    await new Promise((resolve) => setImmediate(resolve));
    coverage.check(text);
    return text;
  });
  return {
    sdl: gated,
    leaseTerms: gated.apply(() => coverage.leaseTerms()),
    attach(resource: { dseq: pulumi.Output<string>; manifest: pulumi.Output<string> }) {
      coverageOfDeploymentOutput.set(resource.dseq, coverage);
      coverageOfDeploymentOutput.set(resource.manifest, coverage);
    },
  };
}

/** For the Lease constructor: records which group of which Deployment of this program it leases, on what terms. */
export function noteLease(name: string, args: LeaseArgs): void {
  const key = [args.dseq, args.manifest].find(
    (v) => typeof v === "object" && v !== null && coverageOfDeploymentOutput.has(v),
  );
  const { gseq, oseq, provider, selection, certificate } = args;
  const terms = { gseq, oseq, provider, selection, certificate };
  if (key) coverageOfDeploymentOutput.get(key as object)!.leases.push({ name, gseq, terms });
}
