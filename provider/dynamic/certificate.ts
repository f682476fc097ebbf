// akash:index:Certificate as a Node dynamic resource.
import * as pulumi from "@pulumi/pulumi";
import { certificateFields } from "../resources/certificate";
import { outputPlaceholders, withSecrets } from "./placeholders";
import { serializedProvider } from "./serialized";

/**
 * An mTLS client certificate (AEP-63). Optional; pass it to a Lease for APIs that use one. The live
 * Console API removed certificates: creating one there fails with a clear message.
 */
export class Certificate extends pulumi.dynamic.Resource {
  declare readonly serial: pulumi.Output<string>;
  declare readonly certPem: pulumi.Output<string>;
  declare readonly pubkeyPem: pulumi.Output<string>;
  /** The private key (secret). */
  declare readonly keyPem: pulumi.Output<string>;

  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super(
      serializedProvider("certificate"),
      name,
      outputPlaceholders(certificateFields),
      withSecrets(certificateFields, opts),
      "akash",
      "Certificate",
    );
  }
}

// Build-time agreement between the class properties and the field lists (and so schema.json).
export const certificateProperties: readonly (keyof Certificate)[] = [...certificateFields.outputs];
