// Every property (inputs the user may omit, and output-only ones) is registered as undefined so the
// engine fills it in as an output; the class fields are `declare readonly` so class-field semantics
// do not reset them.
import type { ResourceFields } from "../resources/handler";

export function outputPlaceholders(fields: ResourceFields): Record<string, undefined> {
  return Object.fromEntries([...fields.inputs, ...fields.outputs].map((name) => [name, undefined]));
}

/** Resource options with the kind's secret outputs added (they stay encrypted in state). */
export function withSecrets<T extends { additionalSecretOutputs?: string[] }>(
  fields: ResourceFields,
  opts: T | undefined,
): T {
  const extra = fields.secretOutputs;
  if (!extra.length) return (opts ?? {}) as T;
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...extra] } as T;
}
