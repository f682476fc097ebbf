import type { ActivityService } from "../../services/activity";
import { toDseqNumber } from "../../services/leases";
import { callerId } from "../authentication";
import type { HandlerGroup } from "../route-handler";

/** Logs and events of a deployment (AEP-63 draft). */
export function activityHandlers(activity: ActivityService): HandlerGroup<"getLogs" | "getEvents"> {
  return {
    getLogs: async ({ c, params, query }) => ({
      data: await activity.logs(callerId(c), toDseqNumber(params.dseq), {
        ...(query.service !== undefined ? { service: query.service } : {}),
        ...(query.tail !== undefined ? { tail: query.tail } : {}),
        ...(query.since !== undefined ? { since: query.since } : {}),
      }),
    }),
    getEvents: async ({ c, params, query }) => ({
      data: await activity.events(callerId(c), toDseqNumber(params.dseq), {
        ...(query.since !== undefined ? { since: query.since } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
      }),
    }),
  };
}
