// The API's shapes, taken from the SDK contract (type-only imports: nothing from zod is bundled).
import type {
  ConsoleSettings,
  Deployment,
  Lease,
  LeaseStatus,
  ListedDeploymentSettings,
} from "../../../sdk/contract/deployments";

export type { ApiKey, CreatedApiKey } from "../../../sdk/contract/api-keys";
export type { Balances } from "../../../sdk/contract/balances";
export type { Coin } from "../../../sdk/contract/common";
export type { Deployment, DeploymentDetail, DeploymentPage } from "../../../sdk/contract/deployments";
export type { DeploymentEvent } from "../../../sdk/contract/events";
export type { LogEntry } from "../../../sdk/contract/logs";

/** A lease from a list (no provider status) or from a deployment's detail (status, maybe null). */
export type ShownLease = Lease & { status?: LeaseStatus | null };

/**
 * A deployment as the console shows it: a list item or the full detail. Name, settings and the
 * stored definition are optional: servers before the 2026-11 API leave them out.
 */
export type ShownDeployment = Omit<Deployment, "leases"> & {
  leases: ShownLease[];
  name?: string | null | undefined;
  settings?: ListedDeploymentSettings | null | undefined;
  consoleSettings?: ConsoleSettings | null | undefined;
};

export type DeploymentState = "active" | "closed";
