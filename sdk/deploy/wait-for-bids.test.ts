// waitForBids polls fast first and backs off, and stops on enough bids, timeout or abort.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { AkashApiError, AkashClient, closeAllPools } from "../client";
import { startFixture, type FixtureHandler } from "../client/testing/fixture-server";
import { PROVIDER_A, PROVIDER_B, bid } from "../client/testing/samples";
import { waitForBids } from "./wait-for-bids";

/** A client on a fake clock that advances only when the client sleeps. */
async function withMarket(
  handler: FixtureHandler,
  run: (client: AkashClient, sleeps: number[], polls: () => number) => Promise<void>,
) {
  const fixture = await startFixture(handler);
  const sleeps: number[] = [];
  let clock = 0;
  try {
    const client = new AkashClient({
      apiKey: "k",
      baseUrl: fixture.url,
      env: {},
      now: () => clock,
      sleep: async (ms, signal) => {
        if (signal?.aborted) throw signal.reason;
        sleeps.push(ms);
        clock += ms;
      },
    });
    await run(client, sleeps, () => fixture.requests.length);
  } finally {
    await fixture.close();
  }
}

after(() => closeAllPools());

describe("waitForBids", () => {
  test("polls at 100 ms, then 150, 225... and returns the open bids once one arrives", async () => {
    await withMarket(
      (_, index) => ({
        body: { data: index < 4 ? [] : [bid("3", PROVIDER_A, "2"), bid("3", PROVIDER_B, "1", "closed")] },
      }),
      async (client, sleeps, polls) => {
        const bids = await waitForBids(client, 3);
        assert.equal(polls(), 5);
        assert.deepEqual(sleeps, [100, 150, 225, 338]);
        assert.deepEqual(
          bids.map((b) => b.bid.id.provider),
          [PROVIDER_A],
          "closed bids are not offered",
        );
      },
    );
  });

  test("the interval grows to 3 s and stays there", async () => {
    await withMarket(
      (_, index) => ({ body: { data: index < 15 ? [] : [bid("3", PROVIDER_A, "2")] } }),
      async (client, sleeps) => {
        await waitForBids(client, 3);
        assert.equal(Math.max(...sleeps), 3000);
        assert.deepEqual(sleeps.slice(-3), [3000, 3000, 3000]);
      },
    );
  });

  test("minBids and groups wait until every group has enough bids", async () => {
    const timeline = [
      [bid("3", PROVIDER_A, "2", "open", 1)],
      [bid("3", PROVIDER_A, "2", "open", 1), bid("3", PROVIDER_B, "2", "open", 1)],
      [
        bid("3", PROVIDER_A, "2", "open", 1),
        bid("3", PROVIDER_B, "2", "open", 1),
        bid("3", PROVIDER_A, "3", "open", 2),
      ],
      [
        bid("3", PROVIDER_A, "2", "open", 1),
        bid("3", PROVIDER_B, "2", "open", 1),
        bid("3", PROVIDER_A, "3", "open", 2),
        bid("3", PROVIDER_B, "3", "open", 2),
      ],
    ];
    await withMarket(
      (_, index) => ({ body: { data: timeline[Math.min(index, timeline.length - 1)] } }),
      async (client, _, polls) => {
        const bids = await waitForBids(client, 3, { minBids: 2, groups: 2 });
        assert.equal(bids.length, 4);
        assert.equal(polls(), 4);
      },
    );
  });

  test("times out with a clear message and code no_bids", async () => {
    await withMarket(
      () => ({ body: { data: [] } }),
      async (client, sleeps) => {
        const error = await waitForBids(client, 3, { timeoutMs: 10_000 }).catch((e: unknown) => e);
        assert.ok(error instanceof AkashApiError);
        assert.deepEqual([error.kind, error.code], ["timeout", "no_bids"]);
        assert.match(error.message, /No bids for deployment 3 after \d+ s .*Raise the SDL's pricing/);
        assert.ok(sleeps.reduce((a, b) => a + b, 0) <= 10_000);
      },
    );
  });

  test("a poll that still fails 503 after the client's retries does not end the wait; a 400 does", async () => {
    const flaky: FixtureHandler = (_, index) =>
      index === 1
        ? { status: 503, body: { error: "ServiceUnavailable" } }
        : { body: { data: index < 3 ? [] : [bid("3", PROVIDER_A, "2")] } };
    await withMarket(flaky, async (client, _, polls) => {
      const bids = await waitForBids(client, 3, { request: { retries: 0 } });
      assert.deepEqual(
        bids.map((b) => b.bid.id.provider),
        [PROVIDER_A],
      );
      assert.equal(polls(), 4);
    });
    await withMarket(
      () => ({ status: 400, body: { error: "BadRequestError", message: "bad dseq" } }),
      async (client, _, polls) => {
        const error = await waitForBids(client, 3, { request: { retries: 0 } }).catch((e: unknown) => e);
        assert.ok(error instanceof AkashApiError);
        assert.equal(error.status, 400);
        assert.equal(polls(), 1);
      },
    );
  });

  test("an AbortSignal stops the wait", async () => {
    const controller = new AbortController();
    await withMarket(
      (_, index) => {
        if (index === 2) controller.abort();
        return { body: { data: [] } };
      },
      async (client, _, polls) => {
        const error = await waitForBids(client, 3, { signal: controller.signal }).catch((e: unknown) => e);
        assert.ok(error instanceof AkashApiError);
        assert.equal(error.kind, "aborted");
        assert.equal(polls(), 3);
      },
    );
  });
});
