// akash:index:Certificate as a Node dynamic resource. Fields and types come from its description.
import * as pulumi from "@pulumi/pulumi";
import { certificateDescription } from "../resources/certificate";
import { outputPlaceholders, withSecrets } from "./placeholders";
import provider from "./entry/certificate";
import type { OutputProperties } from "./typing";

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- the output properties, declared without run-time fields (the engine sets them)
export interface Certificate extends OutputProperties<typeof certificateDescription> {}

/**
 * An mTLS client certificate (AEP-63). Optional; pass it to a Lease for APIs that use one. The live
 * Console API removed certificates: creating one there fails with a clear message.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class Certificate extends pulumi.dynamic.Resource {
  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      outputPlaceholders(certificateDescription),
      withSecrets(certificateDescription, opts),
      "akash",
      certificateDescription.name,
    );
  }
}
