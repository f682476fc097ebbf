// akash:index:ApiKey as a Node dynamic resource. Fields and types come from its description.
import * as pulumi from "@pulumi/pulumi";
import { apiKeyDescription } from "../resources/api-key";
import provider from "./entry/api-key";
import { outputPlaceholders, withSecretInputs, withSecrets } from "./placeholders";
import type { ArgsOf, OutputProperties } from "./typing";

export type ApiKeyArgs = ArgsOf<typeof apiKeyDescription>;

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- the output properties, declared without run-time fields (the engine sets them)
export interface ApiKey extends OutputProperties<typeof apiKeyDescription> {}

/** A Console API key. `key` is returned once by the API and kept in state as a secret. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class ApiKey extends pulumi.dynamic.Resource {
  constructor(name: string, args: ApiKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...outputPlaceholders(apiKeyDescription), ...withSecretInputs(apiKeyDescription, args) },
      withSecrets(apiKeyDescription, opts),
      "akash",
      apiKeyDescription.name,
    );
  }
}
