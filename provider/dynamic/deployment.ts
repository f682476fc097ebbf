// akash:index:Deployment as a Node dynamic resource. Fields and types come from its description.
import * as pulumi from "@pulumi/pulumi";
import { deploymentDescription } from "../resources/deployment";
import { coveredSdl } from "./coverage";
import provider from "./entry/deployment";
import { outputPlaceholders, withSecretInputs, withSecrets } from "./placeholders";
import { stackIdentity } from "./stack-identity";
import type { ArgsOf, OutputProperties } from "./typing";

export type DeploymentArgs = ArgsOf<typeof deploymentDescription>;

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- the output properties, declared without run-time fields (the engine sets them)
export interface Deployment extends OutputProperties<typeof deploymentDescription> {}

/** An Akash deployment created from an SDL through the managed-wallet API. Id = dseq. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class Deployment extends pulumi.dynamic.Resource {
  constructor(name: string, args: DeploymentArgs, opts?: pulumi.CustomResourceOptions) {
    // Unique to this stack (its StackIdentity) and stable across runs of it: a retried or interrupted
    // create replays its deployment instead of making a second one, and no other stack can replay it.
    const creationKey = stackIdentity().id.apply((identity) => `${identity}/${name}`);
    // Registered once the program's Leases of this deployment are known: a group without one fails
    // here, before anything is created, and their terms let its create start leasing at once.
    const coverage = coveredSdl(name, args.sdl);
    super(
      provider,
      name,
      {
        ...outputPlaceholders(deploymentDescription),
        ...withSecretInputs(deploymentDescription, args),
        sdl: coverage.sdl,
        creationKey,
        leaseTerms: coverage.leaseTerms,
      },
      withSecrets(deploymentDescription, opts),
      "akash",
      deploymentDescription.name,
    );
    coverage.attach(this);
  }
}
