// Every property (inputs the user may omit, and output-only ones) is registered as undefined so the
// engine fills it in as an output; the classes declare them by declaration merging (no class
// fields), so class-field semantics do not reset them. Secrets follow the description's `.secret()`
// marks, for outputs and inputs alike.
import * as pulumi from "@pulumi/pulumi";
import { propertiesOf, secretOutputsOf, type ResourceDescription } from "../schema/describe";

export function outputPlaceholders(description: ResourceDescription): Record<string, undefined> {
  return Object.fromEntries(Object.keys(propertiesOf(description)).map((name) => [name, undefined]));
}

/** Resource options with the kind's secret outputs added (they stay encrypted in state). */
export function withSecrets<T extends { additionalSecretOutputs?: string[] }>(
  description: ResourceDescription,
  opts: T | undefined,
): T {
  const extra = secretOutputsOf(description);
  if (!extra.length) return (opts ?? {}) as T;
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...extra] } as T;
}

/**
 * The args with every given input the description marks secret wrapped in `pulumi.secret`: the
 * engine encrypts an input in state only when it is a secret, and a program may pass a plain value.
 */
export function withSecretInputs<A extends object>(description: ResourceDescription, args: A): A {
  return Object.fromEntries(
    Object.entries(args).map(([name, value]) => [
      name,
      value !== undefined && description.inputs[name]?.spec.secret ? pulumi.secret(value) : value,
    ]),
  ) as A;
}
