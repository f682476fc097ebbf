// Orchestration built on the client's API calls: waiting for bids and for services, the lease
// mechanics shared with the Pulumi provider, and the whole deploy flow.
export { waitForBids, type WaitForBidsOptions } from "./wait-for-bids";
export {
  cheapestBid,
  deploy,
  serviceUris,
  type BidSelector,
  type DeployOptions,
  type DeployResult,
} from "./deploy";
export {
  manifestGroups,
  servicesReady,
  serviceReadiness,
  waitForServices,
  type LeaseCertificate,
  type ManifestGroup,
  type OrderRef,
  type ServicesWait,
  type WaitForServicesOptions,
} from "./leases";
export { nextPollDelay, readWhileWaiting, type PollSchedule } from "./poll";
