import type { DeploymentService } from "../../services/deployments";
import { toDseqNumber, type LeaseService } from "../../services/leases";
import { callerId } from "../authentication";
import { dataBody } from "../json-body";
import type { HandlerGroup } from "../route-handler";

type DeploymentOperations =
  | "createDeployment"
  | "listDeployments"
  | "getDeployment"
  | "updateDeployment"
  | "closeDeployment"
  | "depositDeployment"
  | "depositDeploymentByDseq"
  | "listBids"
  | "listBidsByDseq"
  | "createLease";

/** Deployments, deposits (both paths), bids (both paths) and leases. */
export function deploymentHandlers(
  deployments: DeploymentService,
  leases: LeaseService,
): HandlerGroup<DeploymentOperations> {
  return {
    createDeployment: async ({ c, body }) => ({
      data: await deployments.create(callerId(c), body.data.sdl, body.data.deposit),
    }),
    listDeployments: async ({ c, query }) => ({
      data: await deployments.list(callerId(c), query.skip, query.limit),
    }),
    // The view is shared by every read until the deployment changes: serialized once, like it.
    getDeployment: ({ c, params }) => deployments.get(callerId(c), toDseqNumber(params.dseq)).then(dataBody),
    updateDeployment: async ({ c, params, body }) => ({
      data: await deployments.update(callerId(c), toDseqNumber(params.dseq), body.data.sdl),
    }),
    closeDeployment: async ({ c, params }) => {
      await deployments.close(callerId(c), toDseqNumber(params.dseq));
      return { data: { success: true } };
    },
    depositDeployment: async ({ c, body }) => ({
      data: await deployments.deposit(callerId(c), toDseqNumber(body.data.dseq), body.data.deposit),
    }),
    depositDeploymentByDseq: async ({ c, params, body }) => ({
      data: await deployments.deposit(callerId(c), toDseqNumber(params.dseq), body.data.deposit),
    }),
    listBids: async ({ c, query }) => ({
      data: await leases.listBids(callerId(c), toDseqNumber(query.dseq)),
    }),
    listBidsByDseq: async ({ c, params }) => ({
      data: await leases.listBids(callerId(c), toDseqNumber(params.dseq)),
    }),
    createLease: async ({ c, body }) => ({
      data: await leases.create(callerId(c), body.manifest, body.leases),
    }),
  };
}
