// The client against the reference server's live refusals (its options and faults), on loopback:
// what it sends again, what it never sends again, and what its errors say.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
// Tests may import anything (team rule); the sdk's own code must not depend on server/.
import { startServer, type ServerOptions } from "../../server";
import { ManualClock, loadFleet } from "../../server/market";
import { helloSdl } from "../../server/test-support/http";
import { AkashClient } from "./client";
import { AkashApiError } from "./errors";
import type { RetryWait } from "./request";
import { closeAllPools } from "./transport";

type RunningServer = Awaited<ReturnType<typeof startServer>>;
const servers: RunningServer[] = [];
after(async () => {
  await closeAllPools();
  await Promise.all(servers.map((s) => s.close()));
});

/**
 * A server on a manual clock and a client whose waits move that clock (so a Retry-After of minutes
 * costs nothing), with every wait recorded.
 */
async function setup(options: ServerOptions, credit = 100, deadlineMs = 120_000) {
  const clock = new ManualClock({ startMs: Date.UTC(2026, 11, 1) });
  const server = await startServer({
    logLevel: "silent",
    clock,
    bidDelayMs: 1000,
    startDelayMs: 0,
    ...options,
  });
  servers.push(server);
  const { apiKey } = await server.createUser(`u${servers.length}@example.test`, credit);
  const waits: RetryWait[] = [];
  const client = new AkashClient({
    apiKey,
    baseUrl: server.url,
    env: {},
    deadlineMs,
    sleep: async (ms) => clock.advanceMs(ms),
    now: () => clock.now(),
    onRetryWait: (wait) => waits.push(wait),
  });
  return { clock, server, client, waits };
}

async function failure(promise: Promise<unknown>): Promise<AkashApiError> {
  const error = await promise.then(
    () => assert.fail("expected the call to fail"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AkashApiError, String(error));
  return error;
}

const address = (name: string) => {
  const provider = loadFleet().providers.find((p) => p.name === name);
  assert.ok(provider);
  return provider.address;
};

describe("client and the live refusals", () => {
  test("an identical refused write is not sent again within the client's life (the backoff would answer 429)", async () => {
    const { client } = await setup({ refusals: { backoff: true, threshold: 1 } });
    const tooLow = { sdl: helloSdl(), deposit: 1 };
    const first = await failure(client.createDeployment(tooLow));
    assert.equal(first.status, 400);
    // Sent again, the server would answer 429 repeated_refusal: the answer is the first one, from memory.
    const again = await failure(client.createDeployment(tooLow));
    assert.equal(again.status, 400);
    assert.equal(again.code, first.code);
    assert.match(
      again.message,
      /^POST \/v1\/deployments: not sent again \(the API refused this identical request earlier in this run/,
    );
    assert.ok(again.message.endsWith(first.message.slice("POST /v1/deployments: ".length)));
    // Another request to the same path is sent, and meets the server's backoff: its Retry-After
    // (300 s) is more than the call's deadline allows, and the error says so.
    const backedOff = await failure(client.createDeployment({ sdl: helloSdl(), deposit: 5 }));
    assert.equal(backedOff.status, 429);
    assert.equal(backedOff.code, "repeated_refusal");
    assert.match(
      backedOff.message,
      /the API asked to wait 300 s \(Retry-After\) before retrying, more than the 120 s left of this call's deadline, so it was not retried$/,
    );
  });

  test("Retry-After within the deadline is honoured: 402 balance_top_up_pending waits 20 s, then the create runs once", async () => {
    const { client, waits } = await setup({ faults: { balanceTopUpPendingSeconds: 20 } });
    const created = await client.createDeployment({ sdl: helloSdl(), deposit: 5 });
    assert.ok(created.dseq);
    assert.deepEqual(
      waits.map((w) => [w.delayMs, w.retryAfter, w.failure.code]),
      [[20_000, true, "balance_top_up_pending"]],
    );
    assert.equal((await client.listDeployments()).deployments.length, 1);
  });

  test("402 insufficient_balance says how much is missing, and nothing is made", async () => {
    const { client } = await setup({ refusals: { codes: true } }, 7.25);
    const refused = await failure(client.createDeployment({ sdl: helloSdl(), deposit: 10 }));
    assert.equal(refused.status, 402);
    assert.equal(refused.code, "insufficient_balance");
    assert.deepEqual(refused.data, { requiredAmountUsd: 10, availableAmountUsd: 7.25 });
    assert.match(refused.message, /\(\$2\.75 missing: \$10 required, \$7\.25 available\)$/);
    assert.equal((await client.listDeployments()).deployments.length, 0);
  });

  test("502 manifest_not_delivered: the identical lease request is sent once more and leases nothing twice", async () => {
    const { client, clock, waits } = await setup({ faults: { manifestNotDelivered: ["nyc1"] } });
    const { dseq, manifest } = await client.createDeployment({ sdl: helloSdl(), deposit: 5 });
    clock.advanceMs(5000);
    const provider = address("nyc1");
    assert.ok((await client.listBids(dseq)).some((b) => b.bid.id.provider === provider));
    const deployment = await client.createLease({ manifest, leases: [{ dseq, gseq: 1, oseq: 1, provider }] });
    assert.equal(deployment.leases.length, 1);
    assert.deepEqual(
      waits.map((w) => w.failure.code),
      ["manifest_not_delivered"],
    );
  });

  test("502 provider_unreachable is not retried: one attempt, the provider named in data", async () => {
    const { client, clock } = await setup({ faults: { providersUnreachable: ["fra1"] } });
    const { dseq, manifest } = await client.createDeployment({ sdl: helloSdl(), deposit: 5 });
    clock.advanceMs(5000);
    const provider = address("fra1");
    const refused = await failure(
      client.createLease({ manifest, leases: [{ dseq, gseq: 1, oseq: 1, provider }] }),
    );
    assert.equal(refused.status, 502);
    assert.equal(refused.code, "provider_unreachable");
    assert.equal(refused.attempts, 1);
    assert.deepEqual(refused.data, { dseq, provider });
  });
});
