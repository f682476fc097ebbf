// Inputs a resource does not have: a misspelled one (`depost`, `minEscrowUSD`, `selection.stratgy`)
// would otherwise be dropped without a word and the run fail later for the property it was meant to
// be ("deposit is required"). Known names come from the resource's description, nested object types
// included; each unknown one is named with the nearest known name.
import { tokenOf, type FieldMap, type ResourceDescription } from "./describe";

/** Edit distance (insert, delete, substitute, swap two neighbours), case-insensitive. */
function distance(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  const d = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= x.length; i += 1) {
    for (let j = 1; j <= y.length; j += 1) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[x.length]![y.length]!;
}

/** The known name closest to `name`, when it is close enough to be what was meant. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const candidate of known) {
    const d = distance(name, candidate);
    if (!best || d < best.d) best = { name: candidate, d };
  }
  return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Unknown names in `values` against `fields`, and in every nested object the fields describe. */
interface Unknown {
  /** Where the object sits: "" at the top, "selection." inside one. */
  prefix: string;
  name: string;
  /** The names that object may have. */
  known: string[];
}

function unknownIn(fields: FieldMap, values: Record<string, unknown>, path: string): Unknown[] {
  const found: Unknown[] = [];
  const known = Object.keys(fields);
  for (const [name, value] of Object.entries(values)) {
    const field = fields[name];
    if (!field) {
      found.push({ prefix: path, name, known });
      continue;
    }
    const element = field.spec.element;
    // Unknown values (preview) and values of the wrong kind are other checks' business.
    if (!element || typeof element === "string") continue;
    if (field.spec.kind === "object" && isPlainObject(value)) {
      found.push(...unknownIn(element.fields, value, `${path}${name}.`));
    } else if (field.spec.kind === "array" && Array.isArray(value)) {
      value.forEach((item, i) => {
        if (isPlainObject(item)) found.push(...unknownIn(element.fields, item, `${path}${name}[${i}].`));
      });
    } else if (field.spec.kind === "map" && isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (isPlainObject(item)) found.push(...unknownIn(element.fields, item, `${path}${name}.${key}.`));
      }
    }
  }
  return found;
}

/**
 * One sentence per property of `values` that the resource does not take, e.g.
 * `unknown property "depost" of akash:index:Deployment; did you mean "deposit"?`. Its inputs and
 * internal inputs are known (the Node classes set the internal ones); an output is named as such.
 */
export function unknownProperties(
  description: ResourceDescription,
  values: Record<string, unknown>,
): string[] {
  const token = tokenOf(description);
  const fields = { ...description.inputs, ...description.internalInputs };
  return unknownIn(fields, values, "").map(({ prefix, name, known }) => {
    const what = `unknown property "${prefix}${name}" of ${token}`;
    if (!prefix && name in description.outputs && !description.component) {
      return `${what}: ${name} is an output, set by the provider; remove it from the arguments`;
    }
    const shown = prefix ? known : Object.keys(description.inputs);
    const nearest = nearestName(name, shown);
    return nearest
      ? `${what}; did you mean "${prefix}${nearest}"?`
      : `${what}; the known ones are ${shown.map((k) => `${prefix}${k}`).join(", ")}`;
  });
}
