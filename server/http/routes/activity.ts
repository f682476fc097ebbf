import type { ActivityService } from "../../services/activity";
import { callerId } from "../authentication";
import { dseqParam } from "../params";
import type { HandlerGroup } from "../route-handler";

/** Logs and events of a deployment (AEP-63 draft). */
export function activityRoutes(activity: ActivityService): HandlerGroup<"getLogs" | "getEvents"> {
  return {
    getLogs: async ({ c, params, query }) => ({
      data: await activity.logs(callerId(c), dseqParam(params.dseq), {
        ...(query.service !== undefined ? { service: query.service } : {}),
        ...(query.tail !== undefined ? { tail: query.tail } : {}),
        ...(query.since !== undefined ? { since: query.since } : {}),
      }),
    }),
    getEvents: async ({ c, params, query }) => ({
      data: await activity.events(callerId(c), dseqParam(params.dseq), {
        ...(query.since !== undefined ? { since: query.since } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
      }),
    }),
  };
}
