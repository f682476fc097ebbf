// The custom resources the plugin serves, by schema token (`akash:index:Deployment`), and what the
// plugin does in place of the Node resource classes: the dynamic classes set a resource's internal
// inputs in the program; a program in another language cannot, so the plugin sets them in Check.
import { resourceKinds, servedKind, type ResourceKind, type ServedKind } from "../adapter/kinds";
import { tokenOf } from "../schema/describe";

const byToken = new Map<string, ServedKind>(
  (Object.keys(resourceKinds) as ResourceKind[]).map((kind) => {
    const served = servedKind(kind);
    return [tokenOf(served.description), served];
  }),
);

export function servedByToken(token: string): ServedKind | undefined {
  return byToken.get(token);
}

// A creation key earlier plugin versions derived from the project and stack names, which another
// stack with the same names derives too: replaced by the stack's own scope (it only matters to a
// later create, i.e. a replacement; the deployment in state stays as it is).
const NAME_DERIVED_KEY = /^plugin-[0-9a-f]{24}\//;

/**
 * Internal inputs a plugin-served resource needs. `creationKey` (a Deployment's Idempotency-Key
 * scope): `<stack scope>/<resource name>`, kept once set, so a retried or interrupted create
 * replays its deployment; the stack scope is the random one its provider keeps (./stack-scope.ts).
 */
export function internalInputs(
  served: ServedKind,
  stackScope: string | undefined,
  urn: string,
  olds: Record<string, unknown>,
) {
  const extra: Record<string, unknown> = {};
  if ("creationKey" in served.description.internalInputs) {
    const recorded = olds.creationKey;
    if (typeof recorded === "string" && !NAME_DERIVED_KEY.test(recorded)) {
      extra.creationKey = recorded;
    } else if (stackScope) {
      extra.creationKey = `${stackScope}/${urn.split("::")[3] ?? ""}`;
    }
    // No scope: a default provider made by `pulumi import`, which records only the stack config
    // (the importer drops what CheckConfig returns). An import creates nothing, and the next `up`
    // records the provider's scope (./stack-scope.ts) and sets the key then.
  }
  return extra;
}

/** The names of a resource's inputs, internal ones included (what state records as inputs). */
export function inputNames(served: ServedKind): string[] {
  return [...Object.keys(served.description.inputs), ...Object.keys(served.description.internalInputs)];
}
