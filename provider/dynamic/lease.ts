// akash:index:Lease as a Node dynamic resource. Fields and types come from its description.
import * as pulumi from "@pulumi/pulumi";
import { leaseDescription } from "../resources/lease";
import { noteLease } from "./coverage";
import provider from "./entry/lease";
import { outputPlaceholders, withSecretInputs, withSecrets } from "./placeholders";
import type { ArgsOf, OutputProperties } from "./typing";

export type LeaseArgs = ArgsOf<typeof leaseDescription>;

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- the output properties, declared without run-time fields (the engine sets them)
export interface Lease extends OutputProperties<typeof leaseDescription> {}

/** A lease on one order of a deployment: a provider runs the group's services. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class Lease extends pulumi.dynamic.Resource {
  constructor(name: string, args: LeaseArgs, opts?: pulumi.CustomResourceOptions) {
    noteLease(name, args);
    super(
      provider,
      name,
      { ...outputPlaceholders(leaseDescription), ...withSecretInputs(leaseDescription, args) },
      withSecrets(leaseDescription, opts),
      "akash",
      leaseDescription.name,
    );
  }
}
