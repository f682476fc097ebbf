import assert from "node:assert/strict";
import type { ManualClock } from "../market";
import { nginxSdl } from "../market/testing/sdl-fixtures";

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

/** Creates a deployment (the hello-world SDL, $5 by default); answers its dseq and manifest. */
export async function createDeployment(
  api: Caller,
  sdl = nginxSdl(),
  deposit = 5,
): Promise<{ dseq: string; manifest: string }> {
  const answer = await api("POST", "/v1/deployments", { data: { sdl, deposit } });
  assert.equal(answer.status, 201, answer.text);
  return answer.body.data;
}

/** Moves `clock` past a bid delay of 1 s, then leases the first bid of each group. */
export async function leaseFirstBids(
  api: Caller,
  clock: ManualClock,
  dseq: string,
  manifest: string,
  gseqs = [1],
): Promise<void> {
  clock.advanceMs(1000);
  const bids = (await api("GET", `/v1/bids?dseq=${dseq}`)).body.data as {
    bid: { id: { gseq: number; provider: string } };
  }[];
  const leases = gseqs.map((gseq) => {
    const bid = bids.find((b) => b.bid.id.gseq === gseq);
    assert.ok(bid, `a bid on group ${gseq}`);
    return { dseq, gseq, oseq: 1, provider: bid.bid.id.provider };
  });
  const answer = await api("POST", "/v1/leases", { manifest, leases });
  assert.equal(answer.status, 200, answer.text);
}
