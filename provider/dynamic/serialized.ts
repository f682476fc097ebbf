// The provider objects the engine serializes into every resource's state (closure serialization).
// They must capture nothing but the resource kind: each method loads the real adapter by package
// name inside the provider process, so state holds a few hundred bytes of code, no client, no schema
// and no secret, and refresh/destroy always run the installed package's handlers.
import type * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "./runtime";

export function serializedProvider(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  /* eslint-disable @typescript-eslint/no-require-imports -- resolved at run time in the provider process */
  const load = (): pulumi.dynamic.ResourceProvider => require("pulumi-akash/dynamic").providerFor(kind);
  /* eslint-enable @typescript-eslint/no-require-imports */
  return {
    configure: (req) => load().configure!(req),
    check: (olds, news) => load().check!(olds, news),
    diff: (id, olds, news) => load().diff!(id, olds, news),
    create: (inputs) => load().create(inputs),
    read: (id, props) => load().read!(id, props),
    update: (id, olds, news) => load().update!(id, olds, news),
    delete: (id, props) => load().delete!(id, props),
  };
}
