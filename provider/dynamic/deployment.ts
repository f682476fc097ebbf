// akash:index:Deployment as a Node dynamic resource.
import * as pulumi from "@pulumi/pulumi";
import type { EscrowOutputs } from "../resources/escrow";
import type { BidSelection } from "../resources/lease";
import { deploymentFields, type DeploymentOutputs, type LeaseSummary } from "../resources/deployment";
import { exactKeys } from "../resources/keys";
import { coveredSdl } from "./coverage";
import { outputPlaceholders, withSecrets } from "./placeholders";
import { serializedProvider } from "./serialized";
import { stackIdentity } from "./stack-identity";

export interface DeploymentArgs {
  /** The SDL (YAML) as a string. Validated at preview. */
  sdl: pulumi.Input<string>;
  /**
   * Escrow deposit in US dollars. Raising it tops up exactly the difference; lowering it is refused
   * (escrow is refunded only on close). The live API may ignore it (automatic top-ups).
   */
  deposit?: pulumi.Input<number>;
  /** Funding policy: with less escrow than this (USD), refresh and preview report drift. */
  minEscrowUsd?: pulumi.Input<number>;
  /**
   * The bid policy of its leases (give the Leases the same). A change that rules out a current
   * lease replaces the deployment, since the API cannot move a lease; its Leases then bid again.
   */
  selection?: pulumi.Input<BidSelection>;
}

/** An Akash deployment created from an SDL through the managed-wallet API. Id = dseq. */
export class Deployment extends pulumi.dynamic.Resource {
  declare readonly sdl: pulumi.Output<string>;
  declare readonly deposit: pulumi.Output<number | undefined>;
  declare readonly minEscrowUsd: pulumi.Output<number | undefined>;
  declare readonly selection: pulumi.Output<BidSelection | undefined>;
  declare readonly dseq: pulumi.Output<string>;
  declare readonly owner: pulumi.Output<string>;
  declare readonly state: pulumi.Output<string>;
  /** Manifest JSON: pass it to Lease. */
  declare readonly manifest: pulumi.Output<string>;
  declare readonly manifestHash: pulumi.Output<string>;
  declare readonly resourcesFingerprint: pulumi.Output<string>;
  declare readonly groups: pulumi.Output<DeploymentOutputs["groups"]>;
  declare readonly escrow: pulumi.Output<EscrowOutputs>;
  declare readonly fundingStatus: pulumi.Output<"funded" | "underfunded">;
  declare readonly leases: pulumi.Output<LeaseSummary[]>;

  constructor(name: string, args: DeploymentArgs, opts?: pulumi.CustomResourceOptions) {
    // Unique to this stack (its StackIdentity) and stable across runs of it: a retried or interrupted
    // create replays its deployment instead of making a second one, and no other stack can replay it.
    const creationKey = stackIdentity().id.apply((identity) => `${identity}/${name}`);
    // Registered once the program's Leases of this deployment are known: a group without one fails
    // here, before anything is created.
    const coverage = coveredSdl(name, args.sdl);
    super(
      serializedProvider("deployment"),
      name,
      { ...outputPlaceholders(deploymentFields), ...args, sdl: coverage.sdl, creationKey },
      withSecrets(deploymentFields, opts),
      "akash",
      "Deployment",
    );
    coverage.attach(this);
  }
}

// Build-time agreement between the args, the class properties and the field lists (and so schema.json).
exactKeys<DeploymentArgs>()(deploymentFields.inputs);
export const deploymentProperties: readonly (keyof Deployment)[] = [
  ...deploymentFields.inputs,
  ...deploymentFields.outputs,
];
