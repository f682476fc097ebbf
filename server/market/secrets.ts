/**
 * Secret references in SDLs (`ac-secret://NAME`, the whole of an env value or registry credential)
 * and the rules their values follow, as on the live Console API: every reference needs a value,
 * every sealed value a reference, and counts and sizes are capped. Pure: values pass through, never
 * kept.
 */
import { isMap, isScalar, isSeq, parseDocument } from "yaml";

/** A reference: the whole value, NAME of 1 to 64 characters. */
export const SECRET_REFERENCE = /^ac-secret:\/\/([A-Za-z_][A-Za-z0-9_]{0,63})$/;
export const SECRET_REFERENCE_PREFIX = "ac-secret://";

/** At most this many secrets per deployment. */
export const MAX_SECRETS = 100;
/** The longest secret value, in bytes (UTF-8). */
export const MAX_SECRET_VALUE_BYTES = 16 * 1024;

/** The name a value references, or undefined when it is not a reference. */
export function secretReferenceName(value: string): string | undefined {
  return SECRET_REFERENCE.exec(value)?.[1];
}

/** A problem with a deployment's secret values, in words that name what is wrong (never a value). */
export class SecretRulesError extends Error {
  override readonly name = "SecretRulesError";
}

/**
 * Checks the values a deployment will store against the references of its SDL: each reference has
 * a value, each sealed (explicitly supplied) value has a reference, and the caps hold.
 */
export function checkSecretValues(
  references: readonly string[],
  values: Readonly<Record<string, string>>,
  sealedNames: readonly string[],
): void {
  const missing = references.filter((name) => !Object.hasOwn(values, name));
  if (missing.length > 0) {
    throw new SecretRulesError(
      `No value for the secret reference${missing.length > 1 ? "s" : ""} ${missing.map((n) => SECRET_REFERENCE_PREFIX + n).join(", ")}: seal ${missing.length > 1 ? "their values" : "its value"} in sealedSecrets (or inherit ${missing.length > 1 ? "them" : "it"} with inheritSecretsFrom)`,
    );
  }
  const referenced = new Set(references);
  const unreferenced = sealedNames.filter((name) => !referenced.has(name));
  if (unreferenced.length > 0) {
    throw new SecretRulesError(
      `sealedSecrets has ${unreferenced.length > 1 ? "values" : "a value"} for ${unreferenced.join(", ")}, which the SDL does not reference: reference ${unreferenced.length > 1 ? "each" : "it"} as ${SECRET_REFERENCE_PREFIX}NAME in an env value or registry credential, or leave ${unreferenced.length > 1 ? "them" : "it"} out`,
    );
  }
  const names = Object.keys(values);
  if (names.length > MAX_SECRETS) {
    throw new SecretRulesError(
      `A deployment has at most ${MAX_SECRETS} secrets; this one would have ${names.length}`,
    );
  }
  for (const name of names) {
    if (!SECRET_REFERENCE.test(SECRET_REFERENCE_PREFIX + name)) {
      throw new SecretRulesError(
        `Secret name ${JSON.stringify(name.slice(0, 80))} is not valid: names match [A-Za-z_][A-Za-z0-9_]{0,63}`,
      );
    }
    const bytes = Buffer.byteLength(values[name] as string, "utf8");
    if (bytes > MAX_SECRET_VALUE_BYTES) {
      throw new SecretRulesError(
        `The value of secret ${name} is ${bytes} bytes; values are at most ${MAX_SECRET_VALUE_BYTES} bytes`,
      );
    }
  }
}

/** Only the values the SDL references (stored values a new definition dropped are forgotten). */
export function referencedValues(
  references: readonly string[],
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of references) if (Object.hasOwn(values, name)) kept[name] = values[name] as string;
  return kept;
}

/** A secret name for env variable `name` (env names may hold `-` and `.`, secret names may not). */
function secretNameFor(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, "_").slice(0, 64);
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`.slice(0, 64);
}

/**
 * What the live API does when a client seals nothing: every plain env value becomes a secret
 * reference (`NAME=ac-secret://NAME`; `SERVICE_NAME` where two services disagree on a value) and
 * its value a stored secret, so no value rests in plain text. The SDL keeps its layout and
 * comments. undefined when there is no plain env value.
 */
export function sealPlainEnvValues(sdl: string): { sdl: string; values: Record<string, string> } | undefined {
  const doc = parseDocument(sdl);
  const services = doc.get("services");
  if (doc.errors.length > 0 || !isMap(services)) return undefined;
  const values: Record<string, string> = {};
  for (const service of services.items) {
    const env = isMap(service.value) ? service.value.get("env") : undefined;
    if (!isSeq(env)) continue;
    for (const entry of env.items) {
      if (!isScalar(entry) || typeof entry.value !== "string") continue;
      const equals = entry.value.indexOf("=");
      const value = entry.value.slice(equals + 1);
      if (equals <= 0 || value.startsWith(SECRET_REFERENCE_PREFIX)) continue;
      const variable = entry.value.slice(0, equals);
      let name = secretNameFor(variable);
      if (Object.hasOwn(values, name) && values[name] !== value) {
        name = secretNameFor(`${String(isScalar(service.key) ? service.key.value : "service")}_${variable}`);
        for (let n = 2; Object.hasOwn(values, name) && values[name] !== value; n++)
          name = secretNameFor(`${variable}_${n}`);
      }
      values[name] = value;
      entry.value = `${variable}=${SECRET_REFERENCE_PREFIX}${name}`;
    }
  }
  return Object.keys(values).length > 0 ? { sdl: doc.toString(), values } : undefined;
}
