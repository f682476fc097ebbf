/**
 * PATCH /v1/deployments/{dseq} on a stored SDL: per named service, the image, command, args, env
 * (merged; null deletes; a patched variable is re-appended), registry credentials, exposed ports
 * (addressed by today's container port: port, as, accept, http options) and storage mounts. Sizes,
 * protocols, counts and placement are not patchable; whether the result still fits the leases is
 * decided by compiling it and comparing its resources (sdl.ts). The SDL is re-serialized (YAML),
 * as the live API stores it. Pure: text in, text out.
 */
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import type { PatchService } from "../../sdk/contract";

/** The patch names something the stored SDL does not declare, or moves a port onto another. */
export class SdlPatchError extends Error {
  override readonly name = "SdlPatchError";
}

type Yaml = Record<string, unknown>;

const HTTP_OPTION_KEYS: Record<string, string> = {
  maxBodySize: "max_body_size",
  readTimeout: "read_timeout",
  sendTimeout: "send_timeout",
  nextTries: "next_tries",
  nextTimeout: "next_timeout",
  nextCases: "next_cases",
};

export function patchSdl(sdl: string, services: Readonly<Record<string, PatchService>>): string {
  const document = parseYaml(sdl) as unknown;
  if (!isRecord(document) || !isRecord(document.services)) {
    throw new SdlPatchError("The stored SDL has no services to patch");
  }
  const declared = document.services;
  for (const [name, patch] of Object.entries(services)) {
    const service = declared[name];
    if (!isRecord(service)) {
      throw new SdlPatchError(
        `The stored SDL declares no service "${name}" (it declares ${Object.keys(declared).join(", ")})`,
      );
    }
    patchService(document, name, service, patch);
  }
  return stringifyYaml(document, { lineWidth: 0 });
}

function patchService(document: Yaml, name: string, service: Yaml, patch: PatchService): void {
  if (patch.image !== undefined) service.image = patch.image;
  for (const key of ["command", "args"] as const) {
    const value = patch[key];
    if (value === null) delete service[key];
    else if (value !== undefined) service[key] = [...value];
  }
  if (patch.env) patchEnv(service, patch.env);
  if (patch.credentials === null) delete service.credentials;
  else if (patch.credentials) service.credentials = { ...patch.credentials };
  if (patch.expose) patchExpose(name, service, patch.expose);
  if (patch.storage) patchStorage(document, name, service, patch.storage);
}

function patchEnv(service: Yaml, env: Readonly<Record<string, string | null>>): void {
  const entries = Array.isArray(service.env) ? service.env.map(String) : [];
  const kept = entries.filter((entry) => !Object.hasOwn(env, entry.split("=", 1)[0] ?? ""));
  for (const [key, value] of Object.entries(env)) if (value !== null) kept.push(`${key}=${value}`);
  if (kept.length > 0) service.env = kept;
  else delete service.env;
}

function patchExpose(name: string, service: Yaml, expose: NonNullable<PatchService["expose"]>): void {
  const entries = Array.isArray(service.expose) ? (service.expose as unknown[]).filter(isRecord) : [];
  for (const [key, change] of Object.entries(expose)) {
    const port = Number(key);
    const entry = entries.find((e) => Number(e.port) === port);
    if (!entry) {
      throw new SdlPatchError(
        `Service "${name}" exposes no container port ${key} (it exposes ${entries.map((e) => String(e.port)).join(", ") || "none"})`,
      );
    }
    if (change.port !== undefined && change.port !== port) {
      if (entries.some((e) => e !== entry && Number(e.port) === change.port)) {
        throw new SdlPatchError(`Service "${name}" already exposes container port ${change.port}`);
      }
      entry.port = change.port;
    }
    if (change.as !== undefined) {
      if (entries.some((e) => e !== entry && Number(e.as ?? e.port) === change.as)) {
        throw new SdlPatchError(`Another endpoint of service "${name}" is reached on port ${change.as}`);
      }
      entry.as = change.as;
    }
    if (change.accept !== undefined) {
      if (change.accept.length > 0) entry.accept = [...change.accept];
      else delete entry.accept;
    }
    if (change.httpOptions) {
      const options = isRecord(entry.http_options) ? entry.http_options : {};
      for (const [option, value] of Object.entries(change.httpOptions)) {
        const sdlKey = HTTP_OPTION_KEYS[option];
        if (sdlKey && value !== undefined) options[sdlKey] = Array.isArray(value) ? [...value] : value;
      }
      entry.http_options = options;
    }
  }
}

function patchStorage(
  document: Yaml,
  name: string,
  service: Yaml,
  storage: NonNullable<PatchService["storage"]>,
): void {
  const params = isRecord(service.params) ? service.params : {};
  const mounts = isRecord(params.storage) ? params.storage : {};
  const volumes = declaredVolumes(document, name);
  for (const [volume, change] of Object.entries(storage)) {
    if (!isRecord(mounts[volume]) && !volumes.has(volume)) {
      throw new SdlPatchError(
        `Service "${name}" has no storage volume "${volume}" (its profile declares ${[...volumes].join(", ") || "no named volume"})`,
      );
    }
    const mount = isRecord(mounts[volume]) ? mounts[volume] : {};
    if (change.mount !== undefined) mount.mount = change.mount;
    if (change.readOnly !== undefined) mount.readOnly = change.readOnly;
    mounts[volume] = mount;
  }
  params.storage = mounts;
  service.params = params;
}

/** Named storage volumes of the compute profiles a service is deployed with. */
function declaredVolumes(document: Yaml, service: string): Set<string> {
  const names = new Set<string>();
  const deployment = isRecord(document.deployment) ? document.deployment[service] : undefined;
  const profiles =
    isRecord(document.profiles) && isRecord(document.profiles.compute) ? document.profiles.compute : {};
  if (!isRecord(deployment)) return names;
  for (const placement of Object.values(deployment)) {
    if (!isRecord(placement) || typeof placement.profile !== "string") continue;
    const profile = profiles[placement.profile];
    const resources = isRecord(profile) && isRecord(profile.resources) ? profile.resources : {};
    const storage = resources.storage;
    for (const volume of Array.isArray(storage) ? storage : [storage]) {
      if (isRecord(volume)) names.add(typeof volume.name === "string" ? volume.name : "default");
    }
  }
  return names;
}

function isRecord(value: unknown): value is Yaml {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
