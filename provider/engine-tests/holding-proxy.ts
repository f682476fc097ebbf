// A reference API behind a proxy that, while `holding` is set, holds the answers to deployment
// creates: a kill then lands after the server made the deployment and before the engine heard of it.
import assert from "node:assert/strict";
import { loopbackProxy } from "./loopback-proxy";
import { referenceApi } from "./reference-api";

const isCreate = (method: string, p: string) => method === "POST" && p.startsWith("/v1/deployments");
// Below the client's 30 s request timeout (a timed-out create is retried with its key, and each
// retry would be held again), and long enough to kill the run while its deployment's answer waits.
export const HOLD_MS = 20_000;

export async function apiHoldingCreates() {
  const ref = await referenceApi();
  const hold = { holding: false };
  const proxy = await loopbackProxy(ref.server.url, {
    holdMs: (method, p) => (hold.holding && isCreate(method, p) ? HOLD_MS : 0),
  });
  return {
    ref,
    hold,
    url: proxy.url,
    close: async () => {
      await proxy.close();
      await ref.close();
    },
  };
}

export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  ms = 60_000,
  meanwhile: () => string = () => "",
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}\n${meanwhile()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
