// The resource classes' TypeScript types, derived from the resources' descriptions
// (provider/schema/describe.ts): the args a program passes (every field a pulumi.Input, nested
// objects input field by field, except fields described as plain) and the output properties a
// resource exposes (pulumi.Output of each). Classes declare them by declaration merging:
//   export interface Lease extends OutputProperties<typeof leaseDescription> {}
// which adds no run-time field (the engine fills them in; see pulumi-notes.md §2).
import type * as pulumi from "@pulumi/pulumi";
import type {
  Field,
  FieldMap,
  Flatten,
  OptionalKeys,
  OutputsOf,
  RequiredKeys,
  ResourceDescription,
  Shape,
  TypeOf,
} from "../schema/describe";

/** A value as a program may give it: itself, or built from Inputs at every level. */
export type DeepInput<T> = T extends string | number | boolean | null | undefined
  ? T
  : T extends readonly (infer E)[]
    ? pulumi.Input<DeepInput<E>>[]
    : { [K in keyof T]: pulumi.Input<DeepInput<T[K]>> };

type ArgOf<F> = F extends Field<infer T, boolean, true> ? T : pulumi.Input<DeepInput<TypeOf<F>>>;

type ArgsOfFields<I extends FieldMap> = Flatten<
  { [K in RequiredKeys<I>]: ArgOf<I[K]> } & { [K in OptionalKeys<I>]?: ArgOf<I[K]> }
>;

/** What a program passes to the resource's constructor: its inputs (not the internal ones). */
export type ArgsOf<D> = D extends ResourceDescription<infer I, FieldMap, FieldMap> ? ArgsOfFields<I> : never;

/** The resource's properties as a program sees them (internal inputs left out). */
export type OutputProperties<D> =
  D extends ResourceDescription<FieldMap, FieldMap, infer H>
    ? { readonly [K in Exclude<keyof OutputsOf<D>, keyof H>]-?: pulumi.Output<OutputsOf<D>[K]> }
    : never;

/** A component's output properties: its outputs only. */
export type ComponentOutputProperties<D> =
  D extends ResourceDescription<FieldMap, infer O, FieldMap>
    ? { readonly [K in keyof Shape<O>]-?: pulumi.Output<Shape<O>[K]> }
    : never;
