// What one provider process remembers between handler calls. The engine starts a provider process
// per Pulumi command (preview, up, refresh, destroy) and calls the handlers of every resource in it,
// concurrently; nothing else links those calls. Each entry below is essential to a guarantee and is
// the only module state the handlers keep: use sites name it (`processMemory.x`) so the link shows.
import type { LeaseRequestBatch } from "./lease-batch";
import type { HeadStart } from "./lease-head-start";

export const processMemory = {
  /**
   * Deployments seen in state in this command (diffed, read or updated). A replacement is created
   * after the engine diffed the resource it replaces, so its create can tell "the API replayed the
   * deployment I am replacing" (make a new one) from "the API replayed one an interrupted run made"
   * (adopt it): the engine gives create no other view of the state.
   */
  deploymentsInState: new Set<string>(),
  /**
   * Deployments this command's creates returned. A journal that does not know the deployment being
   * replaced (a fresh CI runner) lets a targeted replacement adopt it; the engine then deletes the
   * old resource, which must not close the deployment the new one now holds. In one command a
   * deployment is never created and then deleted otherwise.
   */
  deploymentsCreated: new Set<string>(),
  /**
   * Lease requests being gathered, per API and deployment: the API leases every group of a
   * deployment in one request, and the Lease resources of its groups (created concurrently) meet
   * here (lease-batch.ts).
   */
  leaseRequests: new Map<string, LeaseRequestBatch>(),
  /**
   * Leases being acquired since their deployment was created, per order, until their Lease's
   * create takes them (lease-head-start.ts): the engine runs few creates at once.
   */
  leaseHeadStarts: new Map<string, HeadStart>(),
};
