import type { LeaseService } from "../../services/leases";
import { callerId } from "../authentication";
import type { HandlerGroup } from "../route-handler";

/** Accepting bids: leases (the body's dseqs are checked by the service, which compares them first). */
export function leaseRoutes(leases: LeaseService): HandlerGroup<"createLease"> {
  return {
    createLease: async ({ c, body }) => ({
      data: await leases.create(callerId(c), body.manifest, body.leases),
    }),
  };
}
