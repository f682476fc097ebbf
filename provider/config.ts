// Provider settings, described once (stack config `akash:<name>`, environment fallbacks, defaults;
// schema.json and docs/provider-config.md are generated from it) and read at run time inside the
// provider process, never captured into state.
import { config, PACKAGE, t, type Shape } from "./schema/describe";

export interface ConfigSource {
  get(key: string): string | undefined;
}

export const LIVE_API_URL = "https://console-api.akash.network";

export const configDescription = config({
  apiKey: t
    .string(
      "Console API key (x-api-key), from Akash Console: Settings → API Keys. Set it with `pulumi config set --secret akash:apiKey <key>`; read inside the provider at run time, never stored in resource state. Required: without it the first API call fails saying how to set it.",
    )
    .optional()
    .secret()
    .env("AKASH_API_KEY", "CONSOLE_API_KEY"),
  baseUrl: t
    .string(
      "Base URL of the managed-wallet API. The default is the live Console API (real money); point it at the bundled reference API (akash-ref-api) to run without an account.",
    )
    .default(LIVE_API_URL)
    .env("AKASH_API_URL"),
  trustIdempotencyKey: t
    .boolean(
      "Retry deployment creates and deposits after transient errors, relying on the server to replay the answer for a repeated Idempotency-Key.",
    )
    .defaultText("`true` for any server but the live Console API (which ignores the key)")
    .env("AKASH_TRUST_IDEMPOTENCY_KEY"),
});

type Settings = Shape<typeof configDescription>;

export interface ProviderSettings {
  apiKey?: Settings["apiKey"];
  /** Unset: the client's default, the live API. */
  baseUrl?: Settings["baseUrl"];
  /** Retry creates and deposits with their Idempotency-Key (safe on servers that honour it). */
  trustIdempotencyKey: NonNullable<Settings["trustIdempotencyKey"]>;
}

/** The stack config keys the provider reads (namespace `akash`), as schema.json lists them. */
export const CONFIG_KEYS = Object.keys(configDescription) as (keyof typeof configDescription)[];

const nonEmpty = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);

/** A setting's value: stack config first, then its environment variables in order. */
function read(key: keyof typeof configDescription, config: ConfigSource | undefined, env: NodeJS.ProcessEnv) {
  const fromConfig = nonEmpty(config?.get(`${PACKAGE}:${key}`));
  const names = configDescription[key].spec.environment ?? [];
  return fromConfig ?? names.map((name) => nonEmpty(env[name])).find((v) => v !== undefined);
}

export function resolveSettings(
  config: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ProviderSettings {
  const apiKey = read("apiKey", config, env);
  const baseUrl = read("baseUrl", config, env);
  const trust = read("trustIdempotencyKey", config, env);
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
