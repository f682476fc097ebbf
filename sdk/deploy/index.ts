// Orchestration built on the client's API calls: waiting for bids, and the whole deploy flow.
export { waitForBids, type WaitForBidsOptions } from "./wait-for-bids";
export {
  cheapestBid,
  deploy,
  serviceUris,
  type BidSelector,
  type DeployOptions,
  type DeployResult,
} from "./deploy";
