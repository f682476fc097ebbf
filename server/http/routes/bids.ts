import type { LeaseService } from "../../services/leases";
import { callerId } from "../authentication";
import { dseqParam } from "../params";
import type { HandlerGroup } from "../route-handler";

/** The bids on a deployment (both paths). */
export function bidRoutes(leases: LeaseService): HandlerGroup<"listBids" | "listBidsByDseq"> {
  return {
    listBids: async ({ c, query }) => ({
      data: await leases.listBids(callerId(c), dseqParam(query.dseq)),
    }),
    listBidsByDseq: async ({ c, params }) => ({
      data: await leases.listBids(callerId(c), dseqParam(params.dseq)),
    }),
  };
}
