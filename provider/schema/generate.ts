// Writes what is derived from the descriptions: schema.json (the Pulumi package schema) and the
// tables between markers in the docs pages (`<!-- inputs:begin ... -->` ... `<!-- inputs:end -->`,
// likewise `outputs`, `types` and `config`). `npm run build` runs it after tsc; the schema test
// fails when the committed files differ from what it generates. Output is deterministic.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  propertiesOf,
  tokenOf,
  typesOf,
  type AnyField,
  type Element,
  type FieldMap,
  type FieldSpec,
  type ObjectType,
  type ResourceDescription,
} from "./describe";
import { config, packageMetadata, resources } from "./package";

type Json = Record<string, unknown>;
type Role = "input" | "output" | "type" | "config";

const ref = (type: ObjectType<FieldMap>) => ({ $ref: `#/types/${tokenOf(type)}` });

function elementSchema(element: Element): Json {
  return typeof element === "string" ? { type: element } : ref(element);
}

function typeSchema(spec: FieldSpec): Json {
  if (spec.kind === "array") return { type: "array", items: elementSchema(spec.element!) };
  if (spec.kind === "map") return { type: "object", additionalProperties: elementSchema(spec.element!) };
  if (spec.kind === "object") return elementSchema(spec.element!);
  return { type: spec.kind };
}

function propertySchema(field: AnyField, role: Role): Json {
  const spec = field.spec;
  return {
    ...typeSchema(spec),
    ...(spec.secret ? { secret: true } : {}),
    description: spec.defaultText ? `${spec.description} Default: ${spec.defaultText}.` : spec.description,
    ...(role !== "output" && spec.default !== undefined ? { default: spec.default } : {}),
    ...(role !== "output" && spec.environment ? { defaultInfo: { environment: spec.environment } } : {}),
    ...(role === "input" && spec.replaceOnChanges ? { replaceOnChanges: true } : {}),
    ...(role === "input" && spec.plain ? { plain: true } : {}),
  };
}

const properties = (fields: FieldMap, role: Role) =>
  Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, propertySchema(f, role)]));

/** Names that must be given (inputs) or are always present (outputs, type fields). */
function requiredOf(fields: FieldMap, role: Role): string[] {
  return Object.entries(fields)
    .filter(([, f]) => !f.spec.optional && !(role !== "input" && f.spec.nullable))
    .map(([name]) => name);
}

const withRequired = (key: string, names: string[]) => (names.length ? { [key]: names } : {});

function resourceSchema(d: ResourceDescription): Json {
  const outputs = propertiesOf(d);
  return {
    ...(d.component ? { isComponent: true } : {}),
    description: d.description,
    inputProperties: properties(d.inputs, "input"),
    ...withRequired("requiredInputs", requiredOf(d.inputs, "input")),
    properties: properties(outputs, "output"),
    ...withRequired("required", requiredOf(outputs, "output")),
  };
}

const byName = <T>(entries: [string, T][]) => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Every named type the resources use, by name. */
function allTypes(): Map<string, ObjectType<FieldMap>> {
  const types = new Map<string, ObjectType<FieldMap>>();
  for (const { description: d } of resources) {
    typesOf([...Object.values(d.inputs), ...Object.values(propertiesOf(d))], types);
  }
  return types;
}

/** The Pulumi package schema of every resource, type and config setting. */
export function packageSchema(version: string): Json {
  const { providerDescription, ...metadata } = packageMetadata;
  const configProperties = properties(config.description, "config");
  return {
    name: metadata.name,
    displayName: metadata.displayName,
    version,
    description: metadata.description,
    keywords: metadata.keywords,
    license: metadata.license,
    publisher: metadata.publisher,
    language: metadata.language,
    config: { variables: configProperties },
    provider: { description: providerDescription, inputProperties: configProperties },
    types: Object.fromEntries(
      byName([...allTypes().values()].map((type) => [tokenOf(type), type])).map(([token, type]) => [
        token,
        {
          type: "object",
          description: type.description,
          properties: properties(type.fields, "type"),
          ...withRequired("required", requiredOf(type.fields, "type")),
        },
      ]),
    ),
    resources: Object.fromEntries(
      byName(resources.map(({ description: d }) => [tokenOf(d), d])).map(([token, d]) => [
        token,
        resourceSchema(d),
      ]),
    ),
  };
}

// ---- docs tables ----

const cell = (text: string) => text.replace(/\|/g, "\\|");
const anchor = (name: string) => `#${name.toLowerCase()}`;
const code = (value: unknown) => `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;

function elementText(element: Element): string {
  return typeof element === "string" ? element : `[${element.name}](${anchor(element.name)})`;
}

function typeText(spec: FieldSpec): string {
  if (spec.values) return spec.values.map(code).join(" | ");
  if (spec.kind === "array") return `${elementText(spec.element!)}[]`;
  if (spec.kind === "map") return `map of ${elementText(spec.element!)}`;
  if (spec.kind === "object") return elementText(spec.element!);
  return spec.kind;
}

function typeCell(spec: FieldSpec, role: Role): string {
  const notes = [
    role === "input" && !spec.optional ? "required" : undefined,
    role === "type" && spec.optional && spec.default === undefined && !spec.defaultText
      ? "optional"
      : undefined,
    spec.nullable ? "or null" : undefined,
    role !== "output" && spec.default !== undefined ? `default ${code(spec.default)}` : undefined,
    role !== "output" && spec.defaultText ? `default ${spec.defaultText}` : undefined,
    spec.secret ? "secret" : undefined,
    role === "input" && spec.replaceOnChanges ? "**replaces** on change" : undefined,
    role === "input" && spec.plain ? "plain value, not an Output" : undefined,
  ].filter((note) => note !== undefined);
  return [typeText(spec), ...notes].join(", ");
}

function table(fields: FieldMap, role: Role, first = "Name"): string[] {
  return [
    `| ${first} | Type | Description |`,
    "|---|---|---|",
    ...Object.entries(fields).map(
      ([name, f]) => `| \`${name}\` | ${cell(typeCell(f.spec, role))} | ${cell(f.spec.description)} |`,
    ),
  ];
}

function inputsBlock(d: ResourceDescription): string[] {
  if (!Object.keys(d.inputs).length) return ["None."];
  return table(d.inputs, "input");
}

function outputsBlock(d: ResourceDescription): string[] {
  const echoed = Object.keys(d.inputs).filter((name) => !(name in d.outputs));
  const preface =
    d.component || !echoed.length
      ? []
      : [`Every input is an output too, as given (${echoed.map((n) => `\`${n}\``).join(", ")}), and:`, ""];
  if (!Object.keys(d.outputs).length) return [...preface, "None."];
  return [...preface, ...table(d.outputs, "output")];
}

function typesBlock(d: ResourceDescription): string[] {
  const types = typesOf([...Object.values(d.inputs), ...Object.values(propertiesOf(d))]);
  return [...types.values()].flatMap((type, i) => [
    ...(i ? [""] : []),
    `### ${type.name}`,
    "",
    type.description,
    "",
    ...table(type.fields, "type", "Field"),
  ]);
}

function configBlock(): string[] {
  return [
    "| Setting | Type | Environment | Default | Description |",
    "|---|---|---|---|---|",
    ...Object.entries(config.description).map(([name, f]) => {
      const { spec } = f;
      const env = (spec.environment ?? []).map(code).join(", then ") || "none";
      const fallback = spec.default !== undefined ? code(spec.default) : (spec.defaultText ?? "none");
      const type = [spec.kind, ...(spec.secret ? ["secret"] : [])].join(", ");
      return `| \`${packageMetadata.name}:${name}\` | ${type} | ${env} | ${fallback} | ${cell(spec.description)} |`;
    }),
  ];
}

const MARKER = /<!-- (\w+):begin[^>]*-->\n[\s\S]*?<!-- \1:end -->/g;

const beginLine = (block: string) =>
  `<!-- ${block}:begin: generated by \`npm run build\` from the description (provider/README.md); edit that, not this -->`;

/** A docs page with every marked block regenerated; throws on a marker it does not know. */
export function renderPage(text: string, blocks: Record<string, () => string[]>, page: string): string {
  return text.replace(MARKER, (_match, block: string) => {
    const render = blocks[block];
    if (!render) throw new Error(`${page}: unknown generated block "${block}"`);
    return [beginLine(block), ...render(), `<!-- ${block}:end -->`].join("\n");
  });
}

/** The blocks a page must have markers for. */
export function blocksOf(d: ResourceDescription): Record<string, () => string[]> {
  return {
    inputs: () => inputsBlock(d),
    outputs: () => outputsBlock(d),
    ...(typesBlock(d).length ? { types: () => typesBlock(d) } : {}),
  };
}

export const configBlocks = { config: configBlock };

/** Every generated file (path relative to `root`) with the content it must have. */
export function generatedFiles(root: string): Map<string, string> {
  const version = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string })
    .version;
  const files = new Map<string, string>();
  files.set("schema.json", `${JSON.stringify(packageSchema(version), null, 2)}\n`);
  const pages: [string, Record<string, () => string[]>][] = [
    [config.page, configBlocks],
    ...resources.flatMap(({ description, page }) =>
      page ? [[page, blocksOf(description)] as [string, Record<string, () => string[]>]] : [],
    ),
  ];
  for (const [page, blocks] of pages) {
    const text = readFileSync(path.join(root, page), "utf8");
    const missing = Object.keys(blocks).filter((block) => !text.includes(`<!-- ${block}:begin`));
    if (missing.length) throw new Error(`${page} has no markers for: ${missing.join(", ")}`);
    files.set(page, renderPage(text, blocks, page));
  }
  return files;
}

if (require.main === module) {
  const root = path.resolve(__dirname, "../../..");
  for (const [file, content] of generatedFiles(root)) {
    const target = path.join(root, file);
    let current: string | undefined;
    try {
      current = readFileSync(target, "utf8");
    } catch {
      current = undefined;
    }
    if (current !== content) {
      writeFileSync(target, content);
      console.log(`generated ${file}`);
    }
  }
}
