// The API's shapes, taken from the SDK contract (type-only imports: nothing from zod is bundled).
import type { Deployment, Lease, LeaseStatus } from "../../../sdk/contract/deployments";

export type { ApiKey, CreatedApiKey } from "../../../sdk/contract/api-keys";
export type { Balances } from "../../../sdk/contract/balances";
export type { Coin } from "../../../sdk/contract/common";
export type { Deployment, DeploymentPage } from "../../../sdk/contract/deployments";
export type { DeploymentEvent } from "../../../sdk/contract/events";
export type { LogEntry } from "../../../sdk/contract/logs";

/** A lease from a list (no provider status) or from a deployment's detail (status, maybe null). */
export type ShownLease = Lease & { status?: LeaseStatus | null };

/** A deployment as the console shows it: a list item or the full detail. */
export type ShownDeployment = Omit<Deployment, "leases"> & { leases: ShownLease[] };
