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
  /** Where each given setting came from: `akash:<name>` (the provider's configuration) or the variable's name. */
  sources?: { apiKey?: string; baseUrl?: string };
}

/** The stack config keys the provider reads (namespace `akash`), as schema.json lists them. */
export const CONFIG_KEYS = Object.keys(configDescription) as (keyof typeof configDescription)[];

const nonEmpty = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);

/** A setting's value and where it came from: stack config first, then its environment variables in order. */
function read(key: keyof typeof configDescription, config: ConfigSource | undefined, env: NodeJS.ProcessEnv) {
  const fromConfig = nonEmpty(config?.get(`${PACKAGE}:${key}`));
  if (fromConfig !== undefined) return { value: fromConfig, source: `${PACKAGE}:${key}` };
  for (const name of configDescription[key].spec.environment ?? []) {
    const value = nonEmpty(env[name]);
    if (value !== undefined) return { value, source: name };
  }
  return undefined;
}

const isLiveUrl = (baseUrl: string | undefined) =>
  (baseUrl ?? LIVE_API_URL).replace(/\/+$/, "") === LIVE_API_URL;

export function resolveSettings(
  config: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ProviderSettings {
  const apiKey = read("apiKey", config, env);
  const baseUrl = read("baseUrl", config, env);
  const trust = read("trustIdempotencyKey", config, env)?.value;
  // The live Console API ignores Idempotency-Key; other servers (the bundled reference API) honour it.
  return {
    ...(apiKey ? { apiKey: apiKey.value } : {}),
    ...(baseUrl ? { baseUrl: baseUrl.value } : {}),
    trustIdempotencyKey: trust === undefined ? !isLiveUrl(baseUrl?.value) : trust === "true",
    sources: {
      ...(apiKey ? { apiKey: apiKey.source } : {}),
      ...(baseUrl ? { baseUrl: baseUrl.source } : {}),
    },
  };
}

/**
 * What a run talks to, in one sentence said once per provider process: which API (the live one
 * means real money) and where its key comes from. A warning when that is the live API without a
 * key: a preview then passes without checking anything against it.
 */
export function runDescription(settings: ProviderSettings): { warning: boolean; message: string } {
  const { baseUrl, apiKey, sources = {} } = settings;
  const api = isLiveUrl(baseUrl)
    ? `the live Akash Console API at ${LIVE_API_URL} (real money; ${baseUrl ? `from ${sources.baseUrl}` : "no akash:baseUrl set"})`
    : `the API at ${baseUrl} (from ${sources.baseUrl})`;
  if (apiKey) {
    // Stack config at up and preview; refresh and destroy configure the provider with what the last up recorded.
    const key =
      sources.apiKey === `${PACKAGE}:apiKey`
        ? `${sources.apiKey} (stack config; refresh and destroy use the one recorded at the last up)`
        : sources.apiKey;
    return { warning: false, message: `akash: this run uses ${api}, with the API key from ${key}.` };
  }
  if (!isLiveUrl(baseUrl)) {
    return {
      warning: false,
      message: `akash: this run uses ${api}, with no API key: ${MISSING_KEY_MESSAGE}`,
    };
  }
  return {
    warning: true,
    message:
      `akash: this run uses ${api}, with no API key: a preview checks nothing against it, and up stops before ` +
      "creating anything. To run without an account or money, point the stack at the bundled reference API " +
      "(`akash-ref-api serve`, or `make server` in a checkout of pulumi-akash, prints its URL and a key): " +
      "`pulumi config set akash:baseUrl http://127.0.0.1:3080`. For the live API: `pulumi config set --secret akash:apiKey <key>`.",
  };
}

export const MISSING_KEY_MESSAGE =
  "No Akash Console API key: run `pulumi config set --secret akash:apiKey <key>` or set AKASH_API_KEY " +
  "(create one in Akash Console: Settings → API Keys).";

/**
 * The same inside the engine, where `pulumi refresh` and `pulumi destroy` configure the provider with
 * what the last `up` recorded in state: a key that came from the environment is not recorded.
 */
export const MISSING_KEY_IN_ENGINE_MESSAGE =
  `${MISSING_KEY_MESSAGE} If this is \`pulumi refresh\` or \`pulumi destroy\`: they use the provider ` +
  "configuration recorded at the last `pulumi up`, and a key that came from AKASH_API_KEY or CONSOLE_API_KEY " +
  "is not recorded, so run them with that variable set, or with `--run-program` to use the stack's config today.";
