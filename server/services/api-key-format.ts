import { hash, randomBytes } from "node:crypto";

/**
 * API keys look like the live Console's: `ac.sk.<env>.<64 lowercase hex>`. Only the SHA-256 of a key
 * is stored; lists show an obfuscated form that keeps the prefix and 6 characters at each end.
 */
export function generateApiKey(env: string): string {
  return ["ac", "sk", env, randomBytes(32).toString("hex")].join(".");
}

/** One-shot `hash` (no Hash object per call): every authenticated request hashes its key. */
export function hashApiKey(key: string): string {
  return hash("sha256", key, "hex");
}

export function obfuscateApiKey(key: string): string {
  const parts = key.split(".");
  const secret = parts.pop() ?? "";
  return [...parts, `${secret.slice(0, 6)}***${secret.slice(-6)}`].join(".");
}

const KEY_PATTERN = /^ac\.sk\.([a-z0-9-]+)\.[0-9a-f]{64}$/;

/** True when `key` has the API-key shape and was minted for this server's environment. */
export function isWellFormedApiKey(key: string, env: string): boolean {
  const match = KEY_PATTERN.exec(key);
  return match !== null && match[1] === env;
}

/** The `<env>` segment of a well-formed key of any environment, else undefined. */
export function apiKeyEnvironment(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

export const API_KEY_ENV_PATTERN = /^[a-z0-9-]+$/;
