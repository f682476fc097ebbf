// Where the client's base URL and API key come from: explicit options first, then the environment.
export const DEFAULT_BASE_URL = "https://console-api.akash.network";

export interface CredentialOptions {
  /** API key; default: AKASH_API_KEY, then CONSOLE_API_KEY (the seed guide's name). */
  apiKey?: string;
  /** Base URL; default: AKASH_API_URL, then https://console-api.akash.network. */
  baseUrl?: string;
}

export interface ResolvedEndpoint {
  /** `scheme://host:port`, the key of the connection pool. */
  origin: string;
  /** Path prefix from the base URL without trailing slash ("" for a bare origin). */
  basePath: string;
  apiKey: string;
}

export function resolveEndpoint(
  options: CredentialOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedEndpoint {
  const apiKey = nonEmpty(options.apiKey) ?? nonEmpty(env.AKASH_API_KEY) ?? nonEmpty(env.CONSOLE_API_KEY);
  if (!apiKey) {
    throw new Error(
      "No Akash Console API key: pass { apiKey } or set AKASH_API_KEY (or CONSOLE_API_KEY). Create one in Akash Console: Settings → API Keys.",
    );
  }
  const raw = nonEmpty(options.baseUrl) ?? nonEmpty(env.AKASH_API_URL) ?? DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(
      `Invalid API base URL "${raw}": expected an absolute http(s) URL such as ${DEFAULT_BASE_URL}.`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`Invalid API base URL "${raw}": the scheme must be http or https.`);
  }
  // Credentials in the URL would end up in messages and logs; the key belongs in x-api-key.
  if (url.username || url.password) {
    throw new Error("Invalid API base URL: remove the user:password part; the API key is sent as x-api-key.");
  }
  if (url.search || url.hash) {
    throw new Error(`Invalid API base URL "${raw}": remove the query string or fragment.`);
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, ""), apiKey };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
