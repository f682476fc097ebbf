import type { ServerConfig } from "../../config";
import { inheritedNotFound, type DeploymentService } from "../../services/deployments";
import type { SecretServices } from "../../services/market-context";
import { notFound } from "../errors";
import { callerId } from "../authentication";
import { dataBody } from "../json-body";
import { dseqListParam, dseqParam } from "../params";
import { answerHeader } from "../request-id";
import type { HandlerGroup } from "../route-handler";

type DeploymentOperations =
  | "createDeployment"
  | "listDeployments"
  | "getDeployment"
  | "patchDeployment"
  | "updateDeployment"
  | "closeDeployment"
  | "depositDeployment"
  | "depositDeploymentByDseq"
  | "getDeploymentNames"
  | "getDeploymentFundingConfig"
  | "getSdlSecretsContext";

/** Deployments, their deposits (both paths), names, funding configuration and the sealing context. */
export function deploymentRoutes(
  deployments: DeploymentService,
  secrets: SecretServices,
  config: ServerConfig,
): HandlerGroup<DeploymentOperations> {
  return {
    createDeployment: async ({ c, body }) => {
      const { inheritSecretsFrom, ...input } = body.data;
      const source =
        inheritSecretsFrom === undefined
          ? undefined
          : dseqParam(inheritSecretsFrom, inheritedNotFound(inheritSecretsFrom));
      return { data: await deployments.create(callerId(c), { ...input, inheritSecretsFrom: source }) };
    },
    // Pages and views are shared by every read until they change: serialized once, like them.
    listDeployments: ({ c, query }) =>
      deployments.list(callerId(c), query, c.get("contentVersion")).then(dataBody),
    getDeployment: ({ c, params }) =>
      deployments.get(callerId(c), dseqParam(params.dseq), c.get("contentVersion")).then(dataBody),
    patchDeployment: async ({ c, params, body }) => ({
      data: await deployments.patch(callerId(c), dseqParam(params.dseq), body.data),
    }),
    updateDeployment: async ({ c, params, body }) => {
      answerHeader(c, "Deprecation", "true");
      return {
        data: await deployments.update(callerId(c), dseqParam(params.dseq), body.data.sdl, body.data.name),
      };
    },
    closeDeployment: async ({ c, params }) => {
      await deployments.close(callerId(c), dseqParam(params.dseq));
      return { data: { success: true } };
    },
    depositDeployment: async ({ c, body }) => {
      answerHeader(c, "Deprecation", "true");
      return { data: await deployments.deposit(callerId(c), dseqParam(body.data.dseq), body.data.deposit) };
    },
    depositDeploymentByDseq: async ({ c, params, body }) => ({
      data: await deployments.deposit(callerId(c), dseqParam(params.dseq), body.data.deposit),
    }),
    getDeploymentNames: async ({ c, query }) => {
      const names = await deployments.names(callerId(c), dseqListParam(query.dseq));
      // Every dseq asked is a key, in the order asked; one that cannot be ours has no name.
      return { data: Object.fromEntries(query.dseq.map((dseq) => [dseq, names[dseq] ?? null])) };
    },
    getDeploymentFundingConfig: async ({ c }) => {
      // The API before automatic funding had no such route: a client tells the generations apart by it.
      if (config.funding !== "auto")
        throw notFound(
          "Automatic funding is off on this server (--funding deposit): deposits fund deployments",
        );
      answerHeader(c, "Cache-Control", "public, max-age=300");
      const { targetRunwayHours, balanceHeadroomUsd, defaultDepositUsd } = config.autoFunding;
      return { data: { targetRunwayHours, balanceHeadroomUsd, defaultDepositUsd } };
    },
    // Answered bare (one upstream version) and in `data` (another, and akt): both readers work.
    getSdlSecretsContext: async ({ c }) => {
      const context = await secrets.opener.context(callerId(c));
      return { ...context, data: context };
    },
  };
}
