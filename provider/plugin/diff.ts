// The engine's detailed diff from a handler's verdict: the handler decides whether anything changes
// and which inputs force a replacement (its reason); each described input whose value differs is
// reported by name, so `pulumi preview --diff` shows what changes and why a resource is replaced.
// `olds` are the recorded inputs (not outputs, which hold values the API filled in).
import { isDeepStrictEqual } from "node:util";
import type { DiffResult } from "../resources/handler";
import type { ResourceDescription } from "../schema/describe";

export type PropertyChange = "add" | "delete" | "update";

export interface DetailedDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Changed inputs; `replace` when their change is a replace reason. */
  properties: { name: string; change: PropertyChange; replace: boolean }[];
}

export function detailedDiff(
  description: ResourceDescription,
  verdict: DiffResult,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): DetailedDiff {
  if (!verdict.changes) return { changes: false, replaces: [], deleteBeforeReplace: false, properties: [] };
  const properties: DetailedDiff["properties"] = [];
  for (const name of Object.keys(description.inputs)) {
    const replace = verdict.replaces.includes(name);
    const [before, after] = [olds[name], news[name]];
    if (isDeepStrictEqual(before, after) && !replace) continue;
    const change: PropertyChange = before === undefined ? "add" : after === undefined ? "delete" : "update";
    properties.push({ name, change, replace });
  }
  return {
    changes: true,
    replaces: verdict.replaces,
    deleteBeforeReplace: verdict.deleteBeforeReplace ?? false,
    properties,
  };
}
