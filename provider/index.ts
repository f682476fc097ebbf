// pulumi-akash: Akash Network workloads as Pulumi resources, through the Console managed-wallet API.
// Config: `akash:apiKey` (secret) or AKASH_API_KEY / CONSOLE_API_KEY; `akash:baseUrl` or AKASH_API_URL.
import "../sdk/node-guard";
export { ApiKey, type ApiKeyArgs } from "./dynamic/api-key";
export { Certificate } from "./dynamic/certificate";
export { Deployment, type DeploymentArgs } from "./dynamic/deployment";
export { Lease, type LeaseArgs } from "./dynamic/lease";
export { Workload, type WorkloadArgs, type WorkloadService } from "./workload";
export type { BidPolicy, BidSelection } from "./resources/bid-selection";
export type { EscrowOutputs } from "./resources/escrow";
export type { LeaseSummary } from "./resources/deployment";
export type { ForwardedPortOutput, IpOutput, ServiceOutput } from "./resources/lease-status";
