import type { LeaseService, OrderRef } from "../../services/leases";
import { callerId } from "../authentication";
import { badRequest } from "../errors";
import { dseqParam } from "../params";
import type { HandlerGroup } from "../route-handler";

/** Accepting bids: the leases of one deployment. */
export function leaseRoutes(leases: LeaseService): HandlerGroup<"createLease"> {
  return {
    createLease: async ({ c, body }) => {
      const { dseq, orders } = oneDeployment(body.leases);
      return { data: await leases.create(callerId(c), dseqParam(dseq), body.manifest, orders) };
    },
  };
}

/**
 * The deployment every entry of the body names, and its orders. The live API leases one deployment
 * per request; entries that disagree are refused before the dseq is looked at.
 */
function oneDeployment(entries: readonly (OrderRef & { dseq: string })[]): {
  dseq: string;
  orders: OrderRef[];
} {
  const first = entries[0];
  if (!first) throw badRequest("leases must contain at least one bid to accept");
  if (entries.some((entry) => entry.dseq !== first.dseq)) {
    throw badRequest(
      "Failed to create lease: every entry of leases must have the same dseq (one deployment per request)",
    );
  }
  return { dseq: first.dseq, orders: entries.map(({ dseq: _dseq, ...order }) => order) };
}
