// akash:index:StackIdentity as a Node dynamic resource, made once per program run (= per stack) by
// the first Deployment that needs it.
import * as pulumi from "@pulumi/pulumi";
import { stackIdentityFields } from "../resources/stack-identity";
import { withSecrets } from "./placeholders";
import { serializedProvider } from "./serialized";

/** The stack's random identity (its id); see provider/resources/stack-identity.ts. */
export class StackIdentity extends pulumi.dynamic.Resource {
  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super(
      serializedProvider("stackIdentity"),
      name,
      {},
      withSecrets(stackIdentityFields, opts),
      "akash",
      "StackIdentity",
    );
  }
}

// One per program: a program run is one stack's run, and every Deployment of it derives its
// creation key from the same identity.
let current: StackIdentity | undefined;

export function stackIdentity(): StackIdentity {
  current ??= new StackIdentity("akash-stack-identity");
  return current;
}
