// Property values as the engine sends them over gRPC (google.protobuf.Struct) and as the handlers
// take them (plain objects). Secrets arrive wrapped in the engine's signature object: they are
// unwrapped for the handlers and the names of the top-level properties that held one are kept, so
// that those properties go back wrapped (state keeps them encrypted). Unknown values (preview) are
// the engine's placeholder string, which the handlers already recognize (../engine-values.ts).
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Plain = Record<string, unknown>;

function isSecret(value: unknown): value is { value?: unknown } {
  return typeof value === "object" && value !== null && (value as Plain)[SIG_KEY] === SECRET_SIG;
}

function unwrap(value: unknown, found: { secret: boolean }): unknown {
  if (isSecret(value)) {
    found.secret = true;
    return unwrap(value.value, found);
  }
  if (Array.isArray(value)) return value.map((v) => unwrap(v, found));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v, found)]));
  }
  return value;
}

export interface Properties {
  values: Plain;
  /** Top-level properties that were (or held) a secret. */
  secrets: Set<string>;
}

export function fromStruct(struct: Struct | undefined): Properties {
  const raw = (struct?.toJavaScript() ?? {}) as Plain;
  const secrets = new Set<string>();
  const values: Plain = {};
  for (const [name, value] of Object.entries(raw)) {
    const found = { secret: false };
    values[name] = unwrap(value, found);
    if (found.secret) secrets.add(name);
  }
  return { values, secrets };
}

/** The properties as a Struct, the named ones wrapped as secrets; undefined values are left out. */
export function toStruct(values: object, secrets: Iterable<string> = []): Struct {
  const plain = JSON.parse(JSON.stringify(values ?? {})) as Plain;
  for (const name of secrets) {
    if (name in plain) plain[name] = { [SIG_KEY]: SECRET_SIG, value: plain[name] };
  }
  return Struct.fromJavaScript(plain as Parameters<typeof Struct.fromJavaScript>[0]);
}
