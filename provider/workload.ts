// Workload: the common case in one component. One SDL in; a Deployment and a Lease for every
// placement group out, with the dseq, every service URI, forwarded port and leased IP as outputs. The
// Node class; programs in
// other languages get the same children and outputs from the plugin's Construct (./plugin/construct.ts).
import * as pulumi from "@pulumi/pulumi";
import { Deployment, type DeploymentArgs } from "./dynamic/deployment";
import { Lease, type LeaseArgs } from "./dynamic/lease";
import type { ArgsOf, ComponentOutputProperties } from "./dynamic/typing";
import type { ForwardedPortOutput, IpOutput } from "./resources/lease-status";
import { requireSdl } from "./resources/sdl";
import {
  deploymentInputNames,
  leaseInputNames,
  leaseName,
  pick,
  workloadDescription,
  workloadForwardedPorts,
  workloadIps,
  workloadServices,
  workloadUris,
  type WorkloadService,
} from "./resources/workload";
import { tokenOf } from "./schema/describe";
import { unknownProperties } from "./schema/unknown-properties";

export { workloadDescription, workloadServiceType, type WorkloadService } from "./resources/workload";

export type WorkloadArgs = ArgsOf<typeof workloadDescription>;

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
    const given = args as Record<string, unknown>;
    this.deployment = new Deployment(name, pick(given, deploymentInputNames) as DeploymentArgs, {
      parent: this,
    });
    this.leases = groups.map(
      (group) =>
        new Lease(
          leaseName(name, group),
          {
            dseq: this.deployment.dseq,
            manifest: this.deployment.manifest,
            gseq: group.gseq,
            ...(pick(given, leaseInputNames) as Partial<LeaseArgs>),
          },
          { parent: this },
        ),
    );
    this.dseq = this.deployment.dseq;
    this.services = pulumi
      .all(this.leases.map((l) => pulumi.all([l.gseq, l.provider, l.services])))
      .apply((rows) =>
        workloadServices(
          groups,
          rows.map(([gseq, provider, services]) => ({ gseq, provider, services })),
        ),
      );
    this.uris = this.services.apply(workloadUris);
    this.forwardedPorts = pulumi.all(this.leases.map((l) => l.forwardedPorts)).apply(workloadForwardedPorts);
    this.ips = pulumi.all(this.leases.map((l) => l.ips)).apply(workloadIps);
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
