// Workload: the common case in one component. One SDL in; a Deployment and a Lease for every
// placement group out, with the dseq and every service URI as outputs.
import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "./dynamic/deployment";
import { Lease } from "./dynamic/lease";
import type { BidSelection } from "./resources/lease";
import { exactKeys } from "./resources/keys";
import { requireSdl } from "./resources/sdl";

export interface WorkloadArgs {
  /** The SDL (YAML) as a plain string: its groups decide how many leases the component makes. */
  sdl: string;
  deposit?: pulumi.Input<number>;
  minEscrowUsd?: pulumi.Input<number>;
  /** Bid selection for every group's lease (default cheapest). */
  selection?: pulumi.Input<BidSelection>;
  waitForServices?: pulumi.Input<boolean>;
  serviceTimeoutSeconds?: pulumi.Input<number>;
}

export interface WorkloadService {
  group: string;
  name: string;
  provider: string;
  uris: string[];
}

export const workloadFields = {
  token: "akash:index:Workload",
  inputs: exactKeys<WorkloadArgs>()([
    "sdl",
    "deposit",
    "minEscrowUsd",
    "selection",
    "waitForServices",
    "serviceTimeoutSeconds",
  ]),
  outputs: ["dseq", "services", "uris"],
  secretOutputs: [],
} as const;

export const workloadServiceKeys = exactKeys<WorkloadService>()(["group", "name", "provider", "uris"]);

export class Workload extends pulumi.ComponentResource {
  readonly deployment: Deployment;
  /** One lease per placement group, in gseq order. */
  readonly leases: Lease[];
  readonly dseq: pulumi.Output<string>;
  /** Every service of every group, sorted by group then name. */
  readonly services: pulumi.Output<WorkloadService[]>;
  /** Every service URI, sorted. */
  readonly uris: pulumi.Output<string[]>;

  constructor(name: string, args: WorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super("akash:index:Workload", name, {}, opts);
    if (typeof args.sdl !== "string") {
      throw new Error(
        `Workload ${name}: sdl must be a plain string (its placement groups decide how many leases to make); ` +
          "for an SDL computed from other resources, use Deployment and Lease directly",
      );
    }
    const groups = requireSdl(args.sdl).groups;
    this.deployment = new Deployment(
      name,
      {
        sdl: args.sdl,
        ...(args.deposit === undefined ? {} : { deposit: args.deposit }),
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
    this.registerOutputs({ dseq: this.dseq, services: this.services, uris: this.uris });
  }
}

// Build-time agreement between the component's outputs and its field list (and so schema.json).
export const workloadProperties: readonly (keyof Workload)[] = workloadFields.outputs;
