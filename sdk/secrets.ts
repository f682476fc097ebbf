// Sealing `ac-secret://` values for a deployment, as the live Console's web client does: a compact
// JWE (RSA-OAEP-256 key wrap, A256GCM content) of a flat name -> value JSON object, to the key of
// GET /v1/sdl-secrets-context, with `kid`, `sub`, `exp` and (on create) `sdlHash` in the protected
// header. Only the server holding the private key can open it; nothing else ever sees the values.
import { createHash } from "node:crypto";
import { CompactEncrypt, importJWK } from "jose";
import type { SdlSecretsContext } from "./contract/secrets";

export const SEAL_ALGORITHM = "RSA-OAEP-256";
export const SEAL_ENCRYPTION = "A256GCM";
/** How long a seal stays valid by default (the web client's 5 minutes; servers accept at most 15). */
export const DEFAULT_SEAL_LIFETIME_SECONDS = 5 * 60;

/** A reference to a secret in an SDL env value or registry credential: the whole value. */
export const SECRET_REFERENCE = /^ac-secret:\/\/([A-Za-z_][A-Za-z0-9_]{0,63})$/;

export interface SealOptions {
  /**
   * The exact SDL string the seal goes with (create): its SHA-256 is bound into the header
   * (`sdlHash`), so the seal is refused beside any other document. Omit it for a PATCH.
   */
  sdl?: string;
  /** Seconds until the seal expires (default 300). */
  expiresInSeconds?: number;
  /** Clock (ms), for tests. */
  now?: () => number;
}

/** base64url(sha256(sdl)): the `sdlHash` claim, over the SDL exactly as sent. */
export function sdlHash(sdl: string): string {
  return createHash("sha256").update(sdl, "utf8").digest("base64url");
}

/**
 * Seals `secrets` (name -> value) for the caller and key of `context`. The result goes in
 * `sealedSecrets` of POST /v1/deployments (with `sdl`) or PATCH /v1/deployments/{dseq} (without).
 */
export async function sealSdlSecrets(
  context: SdlSecretsContext,
  secrets: Readonly<Record<string, string>>,
  options: SealOptions = {},
): Promise<string> {
  for (const [name, value] of Object.entries(secrets)) {
    if (typeof value !== "string") throw new TypeError(`secret ${name} must be a string`);
  }
  const key = await importJWK({ ...context.jwk, alg: SEAL_ALGORITHM }, SEAL_ALGORITHM);
  const now = options.now ?? Date.now;
  const lifetime = options.expiresInSeconds ?? DEFAULT_SEAL_LIFETIME_SECONDS;
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(secrets)))
    .setProtectedHeader({
      alg: SEAL_ALGORITHM,
      enc: SEAL_ENCRYPTION,
      kid: context.kid,
      sub: context.sub,
      exp: Math.floor(now() / 1000) + lifetime,
      ...(options.sdl === undefined ? {} : { sdlHash: sdlHash(options.sdl) }),
    })
    .encrypt(key);
}

/** The secret names an SDL text references (`ac-secret://NAME`), sorted, each once. */
export function secretReferencesIn(sdl: string): string[] {
  const names = new Set<string>();
  for (const match of sdl.matchAll(/ac-secret:\/\/([A-Za-z_][A-Za-z0-9_]{0,63})/g))
    names.add(match[1] as string);
  return [...names].sort();
}

interface ServiceWithSecrets {
  env: readonly string[];
  credentials?: { username: string; password: string } | null;
}

/**
 * Manifest groups with every reference that has a value replaced by it (a copy): what providers
 * receive, and what the deployment's on-chain manifest version is computed over.
 */
export function resolveSecretReferences<S extends ServiceWithSecrets, G extends { services: readonly S[] }>(
  groups: readonly G[],
  secrets: Readonly<Record<string, string>>,
): G[] {
  if (Object.keys(secrets).length === 0) return [...groups];
  const resolve = (value: string) => {
    const name = SECRET_REFERENCE.exec(value)?.[1];
    return name !== undefined && Object.hasOwn(secrets, name) ? (secrets[name] as string) : value;
  };
  return groups.map((group) => ({
    ...group,
    services: group.services.map((service) => ({
      ...service,
      env: service.env.map((entry) => {
        const equals = entry.indexOf("=");
        return equals < 0 ? entry : `${entry.slice(0, equals + 1)}${resolve(entry.slice(equals + 1))}`;
      }),
      credentials: service.credentials && {
        ...service.credentials,
        username: resolve(service.credentials.username),
        password: resolve(service.credentials.password),
      },
    })),
  }));
}
