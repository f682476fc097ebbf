import type { DeploymentListItem, DeploymentPage, Pagination } from "../../../sdk/contract";
import type { DeploymentListing, DeploymentService } from "../../services/deployments";
import { callerId } from "../authentication";
import { dataBody, JsonStream } from "../json-body";
import { dseqParam } from "../params";
import type { HandlerGroup } from "../route-handler";

type DeploymentOperations =
  | "createDeployment"
  | "listDeployments"
  | "getDeployment"
  | "updateDeployment"
  | "closeDeployment"
  | "depositDeployment"
  | "depositDeploymentByDseq";

/** Deployments and their deposits (both paths). */
export function deploymentRoutes(deployments: DeploymentService): HandlerGroup<DeploymentOperations> {
  return {
    createDeployment: async ({ c, body }) => ({
      data: await deployments.create(callerId(c), body.data.sdl, body.data.deposit),
    }),
    listDeployments: async ({ c, query }) =>
      pageBody(await deployments.list(callerId(c), query.skip, query.limit)),
    // The view is shared by every read until the deployment changes: serialized once, like it.
    getDeployment: ({ c, params }) => deployments.get(callerId(c), dseqParam(params.dseq)).then(dataBody),
    updateDeployment: async ({ c, params, body }) => ({
      data: await deployments.update(callerId(c), dseqParam(params.dseq), body.data.sdl),
    }),
    closeDeployment: async ({ c, params }) => {
      await deployments.close(callerId(c), dseqParam(params.dseq));
      return { data: { success: true } };
    },
    depositDeployment: async ({ c, body }) => ({
      data: await deployments.deposit(callerId(c), dseqParam(body.data.dseq), body.data.deposit),
    }),
    depositDeploymentByDseq: async ({ c, params, body }) => ({
      data: await deployments.deposit(callerId(c), dseqParam(params.dseq), body.data.deposit),
    }),
  };
}

/**
 * A page that fits in one batch is answered as a whole; a larger one (an unpaginated list) is sent
 * while it is read, batch by batch, so its size does not decide the server's memory. Both give the
 * live API's body: `{"data":{"deployments":[...],"pagination":{...}}}`.
 */
async function pageBody({
  pagination,
  batches,
}: DeploymentListing): Promise<{ data: DeploymentPage } | JsonStream<{ data: DeploymentPage }>> {
  const rest = batches[Symbol.asyncIterator]();
  const first = await rest.next();
  if (first.done) return { data: { deployments: [], pagination } };
  const second = await rest.next();
  if (second.done) return { data: { deployments: first.value, pagination } };
  return new JsonStream(pageText([first.value, second.value], rest, pagination));
}

async function* pageText(
  read: DeploymentListItem[][],
  rest: AsyncIterator<DeploymentListItem[]>,
  pagination: Pagination,
): AsyncGenerator<string> {
  yield `{"data":{"deployments":[${read.map(listText).join(",")}`;
  for await (const batch of { [Symbol.asyncIterator]: () => rest }) yield `,${listText(batch)}`;
  yield `],"pagination":${JSON.stringify(pagination)}}}`;
}

/** A non-empty batch as JSON array items, without the brackets. */
function listText(batch: DeploymentListItem[]): string {
  return JSON.stringify(batch).slice(1, -1);
}
