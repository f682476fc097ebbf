import type { DeploymentSettingService } from "../../services/deployment-settings";
import { toDseqNumber } from "../../services/leases";
import { callerId } from "../authentication";
import type { HandlerGroup } from "../route-handler";

type SettingOperations =
  | "getDeploymentSettingV1"
  | "createDeploymentSettingV1"
  | "updateDeploymentSettingV1"
  | "getDeploymentSetting"
  | "createDeploymentSetting"
  | "updateDeploymentSetting";

/** Deployment settings, v1 ({userId}/{dseq}) and v2 ({dseq}, userId defaulting to the caller). */
export function deploymentSettingHandlers(
  settings: DeploymentSettingService,
): HandlerGroup<SettingOperations> {
  return {
    getDeploymentSettingV1: async ({ c, params }) => ({
      data: await settings.get(callerId(c), params.userId, toDseqNumber(params.dseq)),
    }),
    createDeploymentSettingV1: async ({ c, body }) => ({
      data: await settings.put(
        callerId(c),
        body.data.userId,
        toDseqNumber(body.data.dseq),
        body.data.autoTopUpEnabled,
      ),
    }),
    updateDeploymentSettingV1: async ({ c, params, body }) => ({
      data: await settings.put(
        callerId(c),
        params.userId,
        toDseqNumber(params.dseq),
        body.data.autoTopUpEnabled,
      ),
    }),
    getDeploymentSetting: async ({ c, params, query }) => {
      const caller = callerId(c);
      return { data: await settings.get(caller, query.userId ?? caller, toDseqNumber(params.dseq)) };
    },
    createDeploymentSetting: async ({ c, body }) => {
      const caller = callerId(c);
      return {
        data: await settings.put(
          caller,
          body.data.userId ?? caller,
          toDseqNumber(body.data.dseq),
          body.data.autoTopUpEnabled,
        ),
      };
    },
    updateDeploymentSetting: async ({ c, params, query, body }) => {
      const caller = callerId(c);
      return {
        data: await settings.put(
          caller,
          query.userId ?? caller,
          toDseqNumber(params.dseq),
          body.data.autoTopUpEnabled,
        ),
      };
    },
  };
}
