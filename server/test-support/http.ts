/**
 * A minimal JSON client for tests: every answer is returned (never thrown) with status and body.
 * Bodies are loosely typed on purpose: the tests assert their shape field by field.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export type Caller = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Answer>;

export function client(baseUrl: string, apiKey?: string): Caller {
  return async (method, path, body, headers = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(apiKey ? { "x-api-key": apiKey } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: the raw text is the body.
    }
    return { status: response.status, body: parsed, headers: response.headers, text };
  };
}

/** The seed guide's hello-world SDL, shared with the market tests. */
export { nginxSdl as helloSdl } from "../market/testing/sdl-fixtures";
