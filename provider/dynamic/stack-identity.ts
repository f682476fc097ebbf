// akash:index:StackIdentity as a Node dynamic resource, made once per program run (= per stack) by
// the first Deployment that needs it.
import * as pulumi from "@pulumi/pulumi";
import { stackIdentityDescription } from "../resources/stack-identity";
import { withSecrets } from "./placeholders";
import provider from "./entry/stack-identity";

/** The stack's random identity (its id); see provider/resources/stack-identity.ts. */
export class StackIdentity extends pulumi.dynamic.Resource {
  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {},
      withSecrets(stackIdentityDescription, opts),
      "akash",
      stackIdentityDescription.name,
    );
  }
}

// Program memory (the program's process, not the provider's): one identity per program run, which
// is one stack's run, so that every Deployment of it derives its creation key from the same one.
let current: StackIdentity | undefined;

export function stackIdentity(): StackIdentity {
  current ??= new StackIdentity("akash-stack-identity");
  return current;
}
