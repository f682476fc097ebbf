// Provider settings, read at run time inside the provider process (never captured into state):
// stack config `akash:apiKey` (secret) / `akash:baseUrl`, else the environment.
export interface ConfigSource {
  get(key: string): string | undefined;
}

export interface ProviderSettings {
  apiKey?: string;
  baseUrl?: string;
  /** Retry creates and deposits with their Idempotency-Key (safe on servers that honour it). */
  trustIdempotencyKey: boolean;
}

/** The stack config keys the provider reads (namespace `akash`), as schema.json lists them. */
export const CONFIG_KEYS = ["apiKey", "baseUrl", "trustIdempotencyKey"] as const;

export const LIVE_API_URL = "https://console-api.akash.network";

const nonEmpty = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);

export function resolveSettings(
  config: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ProviderSettings {
  const apiKey =
    nonEmpty(config?.get("akash:apiKey")) ?? nonEmpty(env.AKASH_API_KEY) ?? nonEmpty(env.CONSOLE_API_KEY);
  const baseUrl = nonEmpty(config?.get("akash:baseUrl")) ?? nonEmpty(env.AKASH_API_URL);
  const trust =
    nonEmpty(config?.get("akash:trustIdempotencyKey")) ?? nonEmpty(env.AKASH_TRUST_IDEMPOTENCY_KEY);
  // The live Console API ignores Idempotency-Key; other servers (the bundled reference API) honour it.
  const isLive = (baseUrl ?? LIVE_API_URL).replace(/\/+$/, "") === LIVE_API_URL;
  return {
    ...(apiKey ? { apiKey } : {}),
    ...(baseUrl ? { baseUrl } : {}),
    trustIdempotencyKey: trust === undefined ? !isLive : trust === "true",
  };
}

export const MISSING_KEY_MESSAGE =
  "No Akash Console API key: run `pulumi config set --secret akash:apiKey <key>` or set AKASH_API_KEY " +
  "(create one in Akash Console: Settings → API Keys).";
