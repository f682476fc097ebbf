// The stack's resources of this package, read from `pulumi stack export` (the engine's own record,
// untouched by the check). Secret values stay encrypted: nothing here needs them.
import type { ResourceKind } from "./report";

export interface StateResource {
  urn: string;
  kind: Exclude<ResourceKind, "StackConfig">;
  /** The resource name of the program (the URN's last part). */
  name: string;
  id: string;
  outputs: Record<string, unknown>;
}

interface ExportedResource {
  urn?: string;
  type?: string;
  id?: string;
  outputs?: Record<string, unknown>;
  /** A resource waiting for deletion after a replacement: the engine deletes it, drift does not matter. */
  delete?: boolean;
}

/** The Pulumi type token of a Node dynamic resource of this package: pulumi-nodejs:dynamic/akash:<Kind>. */
const KIND = /(?:^|\/)akash:(Deployment|Lease|ApiKey)$/;

export function stateResources(exported: unknown): StateResource[] {
  const resources = (exported as { deployment?: { resources?: ExportedResource[] } })?.deployment?.resources;
  if (!Array.isArray(resources)) return [];
  return resources.flatMap((r) => {
    const kind = KIND.exec(r.type ?? "")?.[1] as StateResource["kind"] | undefined;
    if (!kind || !r.urn || !r.id || r.delete) return [];
    return [{ urn: r.urn, kind, name: r.urn.split("::").pop() ?? r.urn, id: r.id, outputs: r.outputs ?? {} }];
  });
}

// A secret value is exported as an object (the engine's marker and ciphertext), so these plain
// readers never mistake one for a value.
export function str(outputs: Record<string, unknown>, key: string): string | undefined {
  const v = outputs[key];
  return typeof v === "string" ? v : undefined;
}

export function num(outputs: Record<string, unknown>, key: string): number | undefined {
  const v = outputs[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
