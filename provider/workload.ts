// Workload: the common case in one component. One SDL in; a Deployment and a Lease for every
// placement group out, with the dseq, every service URI, forwarded port and leased IP as outputs.
import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "./dynamic/deployment";
import { Lease } from "./dynamic/lease";
import type { ArgsOf, ComponentOutputProperties } from "./dynamic/typing";
import { deploymentDescription } from "./resources/deployment";
import { bidSelectionType } from "./resources/bid-selection";
import { leaseDescription } from "./resources/lease";
import { forwardedPortType, ipType, type ForwardedPortOutput, type IpOutput } from "./resources/lease-status";
import { requireSdl } from "./resources/sdl";
import { objectType, resource, t, tokenOf, type ShapeOf } from "./schema/describe";
import { unknownProperties } from "./schema/unknown-properties";

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

export type WorkloadArgs = ArgsOf<typeof workloadDescription>;
export type WorkloadService = ShapeOf<typeof workloadServiceType>;

export class Workload extends pulumi.ComponentResource {
  readonly deployment: Deployment;
  /** One lease per placement group, in gseq order. */
  readonly leases: Lease[];
  readonly dseq: pulumi.Output<string>;
  /** Every service of every group, sorted by group then name. */
  readonly services: pulumi.Output<WorkloadService[]>;
  /** Every service URI, sorted. */
  readonly uris: pulumi.Output<string[]>;
  /** Every group's forwarded ports, sorted by service, port. */
  readonly forwardedPorts: pulumi.Output<ForwardedPortOutput[]>;
  /** Every group's leased IPs, sorted by service, IP, port. */
  readonly ips: pulumi.Output<IpOutput[]>;

  constructor(name: string, args: WorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super(tokenOf(workloadDescription), name, {}, opts);
    if (typeof args.sdl !== "string") {
      throw new Error(
        `Workload ${name}: sdl must be a plain string (its placement groups decide how many leases to make); ` +
          "for an SDL computed from other resources, use Deployment and Lease directly",
      );
    }
    // The component hands on only the arguments it knows: a misspelled one would be dropped.
    const unknown = unknownProperties(workloadDescription, args as Record<string, unknown>);
    if (unknown.length) throw new Error(`Workload ${name}: ${unknown.join("\n")}`);
    const groups = requireSdl(args.sdl).groups;
    this.deployment = new Deployment(
      name,
      {
        sdl: args.sdl,
        ...(args.deposit === undefined ? {} : { deposit: args.deposit }),
        ...(args.name === undefined ? {} : { name: args.name }),
        ...(args.runtimeLimitHours === undefined ? {} : { runtimeLimitHours: args.runtimeLimitHours }),
        ...(args.minRuntimeLeftHours === undefined ? {} : { minRuntimeLeftHours: args.minRuntimeLeftHours }),
        ...(args.secrets === undefined ? {} : { secrets: args.secrets }),
        ...(args.minEscrowUsd === undefined ? {} : { minEscrowUsd: args.minEscrowUsd }),
        ...(args.selection === undefined ? {} : { selection: args.selection }),
      },
      { parent: this },
    );
    this.leases = groups.map(
      (group) =>
        new Lease(
          `${name}-${group.name}`,
          {
            dseq: this.deployment.dseq,
            manifest: this.deployment.manifest,
            gseq: group.gseq,
            ...(args.selection === undefined ? {} : { selection: args.selection }),
            ...(args.waitForServices === undefined ? {} : { waitForServices: args.waitForServices }),
            ...(args.serviceTimeoutSeconds === undefined
              ? {}
              : { serviceTimeoutSeconds: args.serviceTimeoutSeconds }),
          },
          { parent: this },
        ),
    );
    this.dseq = this.deployment.dseq;
    this.services = pulumi
      .all(this.leases.map((l) => pulumi.all([l.gseq, l.provider, l.services])))
      .apply((rows) =>
        rows.flatMap(([gseq, provider, services]) =>
          services.map((s) => ({
            group: groups.find((g) => g.gseq === gseq)?.name ?? String(gseq),
            name: s.name,
            provider,
            uris: s.uris,
          })),
        ),
      );
    this.uris = this.services.apply((list) => list.flatMap((s) => s.uris).sort());
    // Service names are unique in an SDL, so the leases' lists merge without a group field.
    this.forwardedPorts = pulumi
      .all(this.leases.map((l) => l.forwardedPorts))
      .apply((lists) =>
        lists
          .flat()
          .sort(
            (a, b) =>
              a.service.localeCompare(b.service) || a.port - b.port || a.externalPort - b.externalPort,
          ),
      );
    this.ips = pulumi
      .all(this.leases.map((l) => l.ips))
      .apply((lists) =>
        lists
          .flat()
          .sort((a, b) => a.service.localeCompare(b.service) || a.ip.localeCompare(b.ip) || a.port - b.port),
      );
    this.registerOutputs({
      dseq: this.dseq,
      services: this.services,
      uris: this.uris,
      forwardedPorts: this.forwardedPorts,
      ips: this.ips,
    });
  }
}

// Compile-time check that Workload has every output its description declares, with its type.
const _hasItsOutputs = (w: Workload): ComponentOutputProperties<typeof workloadDescription> => w;
