// An SDL change as the live API takes it since 2026-09: PATCH /v1/deployments/{dseq} names, per
// service, what changes (image, command, args, env, credentials, the expose entries' ports, domains
// and HTTP options, storage mounts). A change PATCH cannot express (a service or expose entry added
// or removed, profiles, placement, endpoints) gives undefined: the caller replaces the SDL (PUT).
import { isDeepStrictEqual } from "node:util";
import { parse as parseYaml } from "yaml";
import type { PatchService } from "../../sdk";

type Json = Record<string, unknown>;
type ExposePatch = NonNullable<PatchService["expose"]>[string];

const asObject = (value: unknown): Json =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** `NAME=value` entries as a map (the SDL's env list). */
function envMap(env: unknown): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of asArray(env)) {
    if (typeof entry !== "string") continue;
    const equals = entry.indexOf("=");
    if (equals > 0) map[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return map;
}

const HTTP_OPTIONS: Record<string, keyof NonNullable<ExposePatch["httpOptions"]>> = {
  max_body_size: "maxBodySize",
  read_timeout: "readTimeout",
  send_timeout: "sendTimeout",
  next_tries: "nextTries",
  next_timeout: "nextTimeout",
  next_cases: "nextCases",
};

/** One expose entry's change, or undefined when it changes what PATCH cannot (`to`, `proto`). */
function exposePatch(before: Json, after: Json): ExposePatch | undefined {
  const fixed = (entry: Json) => {
    const { port: _port, as: _as, accept: _accept, http_options: _http, ...rest } = entry;
    return rest;
  };
  if (!isDeepStrictEqual(fixed(before), fixed(after))) return undefined;
  const patch: ExposePatch = {};
  if (after.port !== before.port) patch.port = after.port as number;
  const as = (entry: Json) => entry.as ?? entry.port;
  if (as(after) !== as(before)) patch.as = as(after) as number;
  if (!isDeepStrictEqual(after.accept ?? [], before.accept ?? []))
    patch.accept = asArray(after.accept) as string[];
  const http = asObject(after.http_options);
  if (!isDeepStrictEqual(http, asObject(before.http_options))) {
    patch.httpOptions = {};
    for (const [key, value] of Object.entries(http)) {
      const name = HTTP_OPTIONS[key];
      if (!name) return undefined;
      (patch.httpOptions as Json)[name] = value;
    }
  }
  return patch;
}

/** One service's change, or undefined when part of it is beyond PATCH. */
function servicePatch(before: Json, after: Json): PatchService | undefined {
  const patch: PatchService = {};
  const known = new Set(["image", "command", "args", "env", "credentials", "expose", "params"]);
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!known.has(key) && !isDeepStrictEqual(before[key], after[key])) return undefined;
  }
  if (after.image !== before.image) patch.image = after.image as string;
  for (const key of ["command", "args"] as const) {
    if (!isDeepStrictEqual(before[key], after[key]))
      patch[key] = (after[key] as string[] | undefined) ?? null;
  }
  if (!isDeepStrictEqual(before.credentials, after.credentials)) {
    patch.credentials = (after.credentials as PatchService["credentials"]) ?? null;
  }
  const [envBefore, envAfter] = [envMap(before.env), envMap(after.env)];
  const env: Record<string, string | null> = {};
  for (const name of Object.keys(envBefore)) if (!(name in envAfter)) env[name] = null;
  for (const [name, value] of Object.entries(envAfter)) if (envBefore[name] !== value) env[name] = value;
  if (Object.keys(env).length) patch.env = env;

  const [exposeBefore, exposeAfter] = [
    asArray(before.expose).map(asObject),
    asArray(after.expose).map(asObject),
  ];
  if (exposeBefore.length !== exposeAfter.length) return undefined;
  const expose: NonNullable<PatchService["expose"]> = {};
  for (const [index, entry] of exposeBefore.entries()) {
    const change = exposePatch(entry, exposeAfter[index]!);
    if (!change) return undefined;
    if (Object.keys(change).length) expose[String(entry.port)] = change;
  }
  if (Object.keys(expose).length) patch.expose = expose;

  const [paramsBefore, paramsAfter] = [asObject(before.params), asObject(after.params)];
  const { storage: storageBefore, ...otherBefore } = paramsBefore;
  const { storage: storageAfter, ...otherAfter } = paramsAfter;
  if (!isDeepStrictEqual(otherBefore, otherAfter)) return undefined;
  const [volumesBefore, volumesAfter] = [asObject(storageBefore), asObject(storageAfter)];
  if (!isDeepStrictEqual(Object.keys(volumesBefore).sort(), Object.keys(volumesAfter).sort()))
    return undefined;
  const storage: NonNullable<PatchService["storage"]> = {};
  for (const [volume, mount] of Object.entries(volumesAfter)) {
    const [was, now] = [asObject(volumesBefore[volume]), asObject(mount)];
    if (isDeepStrictEqual(was, now)) continue;
    const { mount: _m, readOnly: _r, ...rest } = now;
    const { mount: _wm, readOnly: _wr, ...restBefore } = was;
    if (!isDeepStrictEqual(rest, restBefore)) return undefined;
    storage[volume] = {
      ...(now.mount !== was.mount ? { mount: now.mount as string } : {}),
      ...(now.readOnly !== was.readOnly ? { readOnly: now.readOnly === true } : {}),
    };
  }
  if (Object.keys(storage).length) patch.storage = storage;
  return patch;
}

/**
 * The per-service PATCH that turns `stored` into `next`: `{}` when they differ only in layout or
 * comments, undefined when a change is beyond PATCH (or either SDL does not parse).
 */
export function servicesPatch(stored: string, next: string): Record<string, PatchService> | undefined {
  let before: Json;
  let after: Json;
  try {
    [before, after] = [asObject(parseYaml(stored)), asObject(parseYaml(next))];
  } catch {
    return undefined;
  }
  const { services: servicesBefore, ...restBefore } = before;
  const { services: servicesAfter, ...restAfter } = after;
  if (!isDeepStrictEqual(restBefore, restAfter)) return undefined;
  const [was, now] = [asObject(servicesBefore), asObject(servicesAfter)];
  if (!isDeepStrictEqual(Object.keys(was).sort(), Object.keys(now).sort())) return undefined;
  const services: Record<string, PatchService> = {};
  for (const name of Object.keys(now)) {
    const patch = servicePatch(asObject(was[name]), asObject(now[name]));
    if (!patch) return undefined;
    if (Object.keys(patch).length) services[name] = patch;
  }
  return services;
}
