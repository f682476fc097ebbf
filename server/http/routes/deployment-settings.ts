import type { DeploymentSettingService } from "../../services/deployment-settings";
import { callerId } from "../authentication";
import { dseqParam } from "../params";
import type { HandlerGroup } from "../route-handler";

type SettingOperations =
  | "getDeploymentSettingV1"
  | "createDeploymentSettingV1"
  | "updateDeploymentSettingV1"
  | "getDeploymentSetting"
  | "createDeploymentSetting"
  | "updateDeploymentSetting";

/** Deployment settings, v1 ({userId}/{dseq}) and v2 ({dseq}, userId defaulting to the caller). */
export function deploymentSettingRoutes(settings: DeploymentSettingService): HandlerGroup<SettingOperations> {
  return {
    getDeploymentSettingV1: async ({ c, params }) => ({
      data: await settings.get(callerId(c), params.userId, dseqParam(params.dseq)),
    }),
    createDeploymentSettingV1: async ({ c, body }) => ({
      data: await settings.put(
        callerId(c),
        body.data.userId,
        dseqParam(body.data.dseq),
        body.data.autoTopUpEnabled,
      ),
    }),
    updateDeploymentSettingV1: async ({ c, params, body }) => ({
      data: await settings.put(
        callerId(c),
        params.userId,
        dseqParam(params.dseq),
        body.data.autoTopUpEnabled,
      ),
    }),
    getDeploymentSetting: async ({ c, params, query }) => {
      const caller = callerId(c);
      return { data: await settings.get(caller, query.userId ?? caller, dseqParam(params.dseq)) };
    },
    createDeploymentSetting: async ({ c, body }) => {
      const caller = callerId(c);
      return {
        data: await settings.put(
          caller,
          body.data.userId ?? caller,
          dseqParam(body.data.dseq),
          body.data.autoTopUpEnabled,
        ),
      };
    },
    updateDeploymentSetting: async ({ c, params, query, body }) => {
      const caller = callerId(c);
      const userId = query.userId ?? caller;
      const dseq = dseqParam(params.dseq);
      if (body.data.runtimeLimitHours !== undefined)
        await settings.extendRuntime(caller, userId, dseq, body.data.runtimeLimitHours);
      return { data: await settings.put(caller, userId, dseq, body.data.autoTopUpEnabled) };
    },
  };
}
