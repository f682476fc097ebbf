// akash:index:Lease as a Node dynamic resource.
import * as pulumi from "@pulumi/pulumi";
import type { BidSelection } from "../resources/lease";
import { leaseFields } from "../resources/lease";
import type { ForwardedPortOutput, IpOutput, ServiceOutput } from "../resources/lease-status";
import { exactKeys } from "../resources/keys";
import { noteLease } from "./coverage";
import { outputPlaceholders, withSecrets } from "./placeholders";
import { serializedProvider } from "./serialized";

export interface LeaseArgs {
  /** The deployment to lease (deployment.dseq). */
  dseq: pulumi.Input<string>;
  /** The deployment's manifest (deployment.manifest); a change is re-sent to the provider. */
  manifest: pulumi.Input<string>;
  /** Accept this provider's bid; otherwise `selection` decides (beside it, only `selection.bidTimeoutSeconds`). */
  provider?: pulumi.Input<string>;
  /** Group and order sequence (default 1 and 1); every group of the deployment needs its Lease in this program. */
  gseq?: pulumi.Input<number>;
  oseq?: pulumi.Input<number>;
  /** Bid selection policy when no provider is given (default: cheapest). */
  selection?: pulumi.Input<BidSelection>;
  /** Wait until the services are ready (default true). */
  waitForServices?: pulumi.Input<boolean>;
  /** How long to wait for the services (default 300). */
  serviceTimeoutSeconds?: pulumi.Input<number>;
  /** mTLS certificate for APIs that use one (see Certificate). */
  certificate?: pulumi.Input<{ certPem: pulumi.Input<string>; keyPem: pulumi.Input<string> }>;
}

/** A lease on one order of a deployment: a provider runs the group's services. */
export class Lease extends pulumi.dynamic.Resource {
  declare readonly dseq: pulumi.Output<string>;
  declare readonly manifest: pulumi.Output<string>;
  declare readonly provider: pulumi.Output<string>;
  declare readonly gseq: pulumi.Output<number>;
  declare readonly oseq: pulumi.Output<number>;
  declare readonly bseq: pulumi.Output<number>;
  declare readonly selection: pulumi.Output<BidSelection | undefined>;
  declare readonly waitForServices: pulumi.Output<boolean | undefined>;
  declare readonly serviceTimeoutSeconds: pulumi.Output<number | undefined>;
  declare readonly certificate: pulumi.Output<{ certPem: string; keyPem: string } | undefined>;
  declare readonly owner: pulumi.Output<string>;
  declare readonly state: pulumi.Output<string>;
  /** Price per block in micro-denom (see `denom`). */
  declare readonly price: pulumi.Output<string>;
  declare readonly denom: pulumi.Output<string>;
  /** Services sorted by name, URIs sorted. */
  declare readonly services: pulumi.Output<ServiceOutput[]>;
  declare readonly forwardedPorts: pulumi.Output<ForwardedPortOutput[]>;
  declare readonly ips: pulumi.Output<IpOutput[]>;

  constructor(name: string, args: LeaseArgs, opts?: pulumi.CustomResourceOptions) {
    noteLease(name, args);
    super(
      serializedProvider("lease"),
      name,
      { ...outputPlaceholders(leaseFields), ...args },
      withSecrets(leaseFields, opts),
      "akash",
      "Lease",
    );
  }
}

// Build-time agreement between the args, the class properties and the field lists (and so schema.json).
exactKeys<LeaseArgs>()(leaseFields.inputs);
export const leaseProperties: readonly (keyof Lease)[] = [...leaseFields.inputs, ...leaseFields.outputs];
