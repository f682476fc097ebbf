// The custom resources the plugin serves, by schema token (`akash:index:Deployment`), and what the
// plugin does in place of the Node resource classes: the dynamic classes set a resource's internal
// inputs in the program; a program in another language cannot, so the plugin sets them in Check.
import { createHash } from "node:crypto";
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

/** `urn:pulumi:<stack>::<project>::<type>::<name>` → its stack, project and name. */
function urnParts(urn: string): { stack: string; project: string; name: string } {
  const [head = "", project = "", , name = ""] = urn.split("::");
  return { stack: head.replace(/^urn:pulumi:/, ""), project, name };
}

/**
 * Internal inputs a plugin-served resource needs. `creationKey` (a Deployment's Idempotency-Key
 * scope): `<stack scope>/<resource name>`, kept once set, so a retried or interrupted create
 * replays its deployment. The Node classes scope it with a random per-stack StackIdentity; here the
 * scope is derived from the project and stack names, since the plugin has no program to make one.
 */
export function internalInputs(served: ServedKind, urn: string, olds: Record<string, unknown>) {
  const extra: Record<string, unknown> = {};
  if ("creationKey" in served.description.internalInputs) {
    const { stack, project, name } = urnParts(urn);
    const scope = `plugin-${createHash("sha256").update(`${project}\n${stack}`).digest("hex").slice(0, 24)}`;
    extra.creationKey = olds.creationKey ?? `${scope}/${name}`;
  }
  return extra;
}

/** The names of a resource's inputs, internal ones included (what state records as inputs). */
export function inputNames(served: ServedKind): string[] {
  return [...Object.keys(served.description.inputs), ...Object.keys(served.description.internalInputs)];
}
