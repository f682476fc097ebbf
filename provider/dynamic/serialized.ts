// The provider objects the engine serializes into every resource's state (closure serialization).
// Each is the whole export of a module of its own (./entry/<kind>.ts), published under
// `pulumi-akash/dynamic/<kind>`, so the serializer writes `require("pulumi-akash/dynamic/<kind>")`:
// about 300 bytes of state per copy instead of 2.3 KB of method wrappers, which the engine rewrites
// after every step (destroy of 100 workloads writes the whole state 200 times). Each method loads
// the real adapter by package name inside the provider process: state holds no client, no schema
// and no secret, and refresh/destroy always run the installed package's handlers. State written
// before the entries existed holds the wrappers themselves, which call `providerFor(kind)` too.
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
