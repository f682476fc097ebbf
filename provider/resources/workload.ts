// The Workload component's description and what both adapters compute the same way from it: which
// inputs go to the Deployment and which to every Lease, the children's names, and the outputs made
// from the Leases. The Node class (../workload.ts) and the plugin's Construct (../plugin/construct.ts)
// both use these, so a Workload has the same children and outputs in every language.
import { deploymentDescription } from "./deployment";
import { bidSelectionType } from "./bid-selection";
import { leaseDescription } from "./lease";
import { forwardedPortType, ipType, type ForwardedPortOutput, type IpOutput } from "./lease-status";
import type { SdlGroup } from "./sdl";
import { objectType, resource, t, type ShapeOf } from "../schema/describe";

export const workloadServiceType = objectType("WorkloadService", "A service of a Workload.", {
  group: t.string("Placement group name."),
  name: t.string("Service name."),
  provider: t.string("Provider running it."),
  uris: t.array("string", "Its URIs, sorted."),
});

export const workloadDescription = resource({
  name: "Workload",
  component: true,
  description:
    "The common case in one component: one SDL in, a Deployment and a Lease for every placement group out, with the dseq, every service URI, forwarded port and leased IP as outputs. Children are named <name> (Deployment) and <name>-<group> (Lease); everything the Deployment and Lease pages say applies to them.",
  inputs: {
    sdl: t
      .string(
        "The SDL (YAML) as a plain string, not an Output: its placement groups decide how many leases the component makes when the program runs. For an SDL computed from other resources, use Deployment and Lease directly.",
      )
      .plain(),
    deposit: deploymentDescription.inputs.deposit,
    name: deploymentDescription.inputs.name,
    runtimeLimitHours: deploymentDescription.inputs.runtimeLimitHours,
    minRuntimeLeftHours: deploymentDescription.inputs.minRuntimeLeftHours,
    secrets: deploymentDescription.inputs.secrets,
    minEscrowUsd: deploymentDescription.inputs.minEscrowUsd,
    selection: t
      .object(
        bidSelectionType,
        "Bid selection for the Deployment and every group's Lease (cheapest by default). A change that rules out a current lease (e.g. denying the provider that runs the workload) replaces the deployment, and the Leases bid again on the new one.",
      )
      .optional(),
    waitForServices: leaseDescription.inputs.waitForServices,
    serviceTimeoutSeconds: leaseDescription.inputs.serviceTimeoutSeconds,
  },
  outputs: {
    dseq: t.string("Deployment sequence number."),
    services: t.array(workloadServiceType, "Every service of every group, sorted by group then name."),
    uris: t.array("string", "Every service URI, sorted."),
    forwardedPorts: t.array(
      forwardedPortType,
      "Every group's forwarded ports (global ports other than 80), sorted by service, port, as each Lease reports them.",
    ),
    ips: t.array(
      ipType,
      "Every group's leased IPs, sorted by service, IP, port, as each Lease reports them.",
    ),
  },
});

export type WorkloadService = ShapeOf<typeof workloadServiceType>;

const workloadInputs = Object.keys(workloadDescription.inputs);
/** The Workload inputs its Deployment takes (all but the Lease-only ones). */
export const deploymentInputNames = workloadInputs.filter((k) => k in deploymentDescription.inputs);
/** The Workload inputs every Lease takes. */
export const leaseInputNames = workloadInputs.filter((k) => k in leaseDescription.inputs);

/** The given inputs among `names` (an input left out stays out: the child's default applies). */
export function pick(inputs: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((k) => inputs[k] !== undefined).map((k) => [k, inputs[k]]));
}

export const leaseName = (workload: string, group: SdlGroup) => `${workload}-${group.name}`;

/** What each Lease reports that the Workload's outputs are made of. */
export interface LeaseRow {
  gseq: number;
  provider: string;
  services: { name: string; uris: string[] }[];
}

/** The `services` output: every service of every group, in the Leases' (gseq) order. */
export function workloadServices(groups: SdlGroup[], rows: LeaseRow[]): WorkloadService[] {
  return rows.flatMap(({ gseq, provider, services }) =>
    services.map((s) => ({
      group: groups.find((g) => g.gseq === gseq)?.name ?? String(gseq),
      name: s.name,
      provider,
      uris: s.uris,
    })),
  );
}

/** The `uris` output: every service URI, sorted. */
export const workloadUris = (services: WorkloadService[]) => services.flatMap((s) => s.uris).sort();

// Service names are unique in an SDL, so the Leases' lists merge without a group field.
/** The `forwardedPorts` output: every Lease's, sorted by service, port. */
export const workloadForwardedPorts = (lists: ForwardedPortOutput[][]) =>
  lists
    .flat()
    .sort((a, b) => a.service.localeCompare(b.service) || a.port - b.port || a.externalPort - b.externalPort);

/** The `ips` output: every Lease's, sorted by service, IP, port. */
export const workloadIps = (lists: IpOutput[][]) =>
  lists
    .flat()
    .sort((a, b) => a.service.localeCompare(b.service) || a.ip.localeCompare(b.ip) || a.port - b.port);
