// The one description of every resource, nested type and config setting: fields, their types,
// descriptions, secret and replace-on-change flags, defaults and environment fallbacks. Everything
// else is derived from it: the handlers' Inputs/Outputs types (InputsOf, OutputsOf), the resource
// classes' args and output properties (provider/dynamic/typing.ts), schema.json and the input/output
// tables of docs/*.md (provider/schema/generate.ts, run by `npm run build`). Nothing here imports
// Pulumi: a description is plain data whose TypeScript types are inferred from how it is written.

/** Primitive value kinds, as Pulumi schema names them. */
export type Primitive = "string" | "number" | "integer" | "boolean";

type PrimitiveType<P extends Primitive> = P extends "string"
  ? string
  : P extends "boolean"
    ? boolean
    : number;

/** Element of an array or a map: a primitive kind or a described object type. */
export type Element = Primitive | ObjectType<FieldMap>;

type ElementType<E> = E extends Primitive
  ? PrimitiveType<E>
  : E extends ObjectType<infer P>
    ? Shape<P>
    : never;

export interface FieldSpec {
  kind: Primitive | "array" | "map" | "object";
  description: string;
  /** Allowed values of a string (rendered in the docs; the schema keeps type string). */
  values?: readonly string[];
  /** Element of an array or map; the type of an object. */
  element?: Element;
  /** May be omitted: an input that is not required, an output that may be absent. */
  optional: boolean;
  /** May be null (an output that the API reports as null): not required in the schema. */
  nullable: boolean;
  /** Kept encrypted in state (additionalSecretOutputs) and marked secret in the schema. */
  secret: boolean;
  /** A change replaces the resource (schema `replaceOnChanges`; the handler's diff decides). */
  replaceOnChanges: boolean;
  /** Must be a plain value, not an Output (component inputs that shape the program). */
  plain: boolean;
  default?: string | number | boolean;
  /** A default that is not one value (it depends on other settings), in words. */
  defaultText?: string;
  /** Environment variables read, in order, when the setting is not in stack config. */
  environment?: readonly string[];
}

/**
 * One described field. `T` is its TypeScript type, `Optional` whether it may be omitted, `Plain`
 * whether it must be a plain value; none of them exists at run time (only `spec` does).
 */
export class Field<T, Optional extends boolean = false, Plain extends boolean = false> {
  declare readonly __type: T;
  declare readonly __optional: Optional;
  declare readonly __plain: Plain;

  constructor(readonly spec: FieldSpec) {}

  private with<R>(patch: Partial<FieldSpec>): R {
    return new Field({ ...this.spec, ...patch }) as R;
  }

  optional(): Field<T, true, Plain> {
    return this.with({ optional: true });
  }
  nullable(): Field<T | null, Optional, Plain> {
    return this.with({ nullable: true });
  }
  secret(): Field<T, Optional, Plain> {
    return this.with({ secret: true });
  }
  replaceOnChanges(): Field<T, Optional, Plain> {
    return this.with({ replaceOnChanges: true });
  }
  plain(): Field<T, Optional, true> {
    return this.with({ plain: true });
  }
  /** A default makes the input optional; the handler applies the same constant. */
  default(value: T & (string | number | boolean)): Field<T, true, Plain> {
    return this.with({ default: value, optional: true });
  }
  /** A default that depends on other settings, in words (docs; appended to the schema description). */
  defaultText(text: string): Field<T, true, Plain> {
    return this.with({ defaultText: text, optional: true });
  }
  env(...names: string[]): Field<T, Optional, Plain> {
    return this.with({ environment: names });
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any field, whatever its type
export type AnyField = Field<any, boolean, boolean>;
export type FieldMap = Record<string, AnyField>;

export type TypeOf<F> = F extends Field<infer T, boolean, boolean> ? T : never;

export type OptionalKeys<P extends FieldMap> = {
  [K in keyof P]: P[K] extends Field<unknown, true, boolean> ? K : never;
}[keyof P];
export type RequiredKeys<P extends FieldMap> = Exclude<keyof P, OptionalKeys<P>>;

/** Spells out an intersection as one object type (readable in hovers and errors). */
export type Flatten<T> = { [K in keyof T]: T[K] } & {};

/** The TypeScript shape of a field map: optional fields are optional properties. */
export type Shape<P extends FieldMap> = Flatten<
  { [K in RequiredKeys<P>]: TypeOf<P[K]> } & { [K in OptionalKeys<P>]?: TypeOf<P[K]> }
>;

/** A named object type (schema `types`, `akash:index:<name>`). */
export interface ObjectType<P extends FieldMap> {
  readonly name: string;
  readonly description: string;
  readonly fields: P;
}

export function objectType<P extends FieldMap>(name: string, description: string, fields: P): ObjectType<P> {
  return { name, description, fields };
}

export type ShapeOf<O> = O extends ObjectType<infer P> ? Shape<P> : never;

const field = <T>(kind: FieldSpec["kind"], description: string, extra: Partial<FieldSpec> = {}) =>
  new Field<T>({
    kind,
    description,
    optional: false,
    nullable: false,
    secret: false,
    replaceOnChanges: false,
    plain: false,
    ...extra,
  });

/** Field builders; each takes the field's description (Markdown, no links: it goes to schema.json too). */
export const t = {
  string: (description: string) => field<string>("string", description),
  number: (description: string) => field<number>("number", description),
  integer: (description: string) => field<number>("integer", description),
  boolean: (description: string) => field<boolean>("boolean", description),
  /** A string with a fixed set of values. */
  oneOf: <const V extends readonly string[]>(values: V, description: string) =>
    field<V[number]>("string", description, { values }),
  array: <E extends Element>(element: E, description: string) =>
    field<ElementType<E>[]>("array", description, { element }),
  /** An object with arbitrary keys (schema `additionalProperties`). */
  map: <E extends Element>(element: E, description: string) =>
    field<Record<string, ElementType<E>>>("map", description, { element }),
  object: <P extends FieldMap>(type: ObjectType<P>, description: string) =>
    field<Shape<P>>("object", description, { element: type }),
};

export interface ResourceDescription<
  I extends FieldMap = FieldMap,
  O extends FieldMap = FieldMap,
  H extends FieldMap = FieldMap,
> {
  /** The type name: `akash:index:<name>` in the schema, `<name>` for the dynamic resource. */
  readonly name: string;
  readonly description: string;
  /** A component resource (children, no provider calls of its own); its outputs are not its inputs. */
  readonly component: boolean;
  readonly inputs: I;
  /**
   * Output-only fields. A custom resource's outputs are its inputs echoed, then these; one that has
   * the name of an input replaces it in the outputs (e.g. an optional input resolved to a value).
   */
  readonly outputs: O;
  /** Inputs that the resource class sets itself: in state, not in the args, schema or docs. */
  readonly internalInputs: H;
}

export function resource<
  I extends FieldMap,
  O extends FieldMap,
  H extends FieldMap = Record<never, never>,
>(spec: {
  name: string;
  description: string;
  component?: boolean;
  inputs: I;
  outputs: O;
  internalInputs?: H;
}): ResourceDescription<I, O, H> {
  return {
    name: spec.name,
    description: spec.description,
    component: spec.component ?? false,
    inputs: spec.inputs,
    outputs: spec.outputs,
    internalInputs: spec.internalInputs ?? ({} as H),
  };
}

/** The package name, the namespace of the stack config (`akash:apiKey`) and of every token. */
export const PACKAGE = "akash";

/** The schema token of a resource or type: `akash:index:<name>`. */
export const tokenOf = (described: { name: string }) => `${PACKAGE}:index:${described.name}`;

/** The provider's settings: stack config `akash:<name>`, with environment fallbacks and defaults. */
export function config<C extends FieldMap>(fields: C): C {
  return fields;
}

/** What the handlers receive: the inputs, and the internal ones. */
export type InputsOf<D> =
  D extends ResourceDescription<infer I, FieldMap, infer H> ? Flatten<Shape<I> & Shape<H>> : never;

/** What the handlers return and the state holds: the inputs echoed, then the output fields. */
export type OutputsOf<D> =
  D extends ResourceDescription<FieldMap, infer O, FieldMap>
    ? Flatten<Omit<InputsOf<D>, keyof O> & Shape<O>>
    : never;

/** Every property a resource exposes (its outputs, inputs echoed), with its field. */
export function propertiesOf(d: ResourceDescription): FieldMap {
  return d.component ? { ...d.outputs } : { ...d.inputs, ...d.outputs };
}

/** The properties kept encrypted in state. */
export function secretOutputsOf(d: ResourceDescription): string[] {
  return Object.entries(propertiesOf(d))
    .filter(([, f]) => f.spec.secret)
    .map(([name]) => name);
}

/** The named object types a field refers to, itself and nested, in order of first use. */
export function typesOf(fields: Iterable<AnyField>, into = new Map<string, ObjectType<FieldMap>>()) {
  for (const f of fields) {
    const element = f.spec.element;
    if (!element || typeof element === "string") continue;
    const known = into.get(element.name);
    if (known && known !== element) throw new Error(`two different types are named ${element.name}`);
    if (known) continue;
    into.set(element.name, element);
    typesOf(Object.values(element.fields), into);
  }
  return into;
}
