// akash:index:ApiKey as a Node dynamic resource.
import * as pulumi from "@pulumi/pulumi";
import { apiKeyFields } from "../resources/api-key";
import { exactKeys } from "../resources/keys";
import { outputPlaceholders, withSecrets } from "./placeholders";
import { serializedProvider } from "./serialized";

export interface ApiKeyArgs {
  /** A label for the key; renaming updates it in place. */
  name: pulumi.Input<string>;
  /** Optional expiry (ISO 8601, in the future). Changing it replaces the key. */
  expiresAt?: pulumi.Input<string>;
}

/** A Console API key. `key` is returned once by the API and kept in state as a secret. */
export class ApiKey extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly expiresAt: pulumi.Output<string | undefined>;
  /** The full API key (secret). */
  declare readonly key: pulumi.Output<string>;
  /** Obfuscated form, e.g. ac.sk.production.abcdef***uvwxyz. */
  declare readonly keyFormat: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly lastUsedAt: pulumi.Output<string | null>;

  constructor(name: string, args: ApiKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      serializedProvider("apiKey"),
      name,
      { ...outputPlaceholders(apiKeyFields), ...args },
      withSecrets(apiKeyFields, opts),
      "akash",
      "ApiKey",
    );
  }
}

// Build-time agreement between the args, the class properties and the field lists (and so schema.json).
exactKeys<ApiKeyArgs>()(apiKeyFields.inputs);
export const apiKeyProperties: readonly (keyof ApiKey)[] = [...apiKeyFields.inputs, ...apiKeyFields.outputs];
