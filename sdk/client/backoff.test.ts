import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { backoffDelay, parseRetryAfter, pollDelay, sleep } from "./backoff";

describe("backoff", () => {
  const policy = { baseDelayMs: 100, maxDelayMs: 1000 };

  test("full jitter: uniform in [0, min(max, base * 2^retry)]", () => {
    assert.equal(
      backoffDelay(0, policy, () => 0),
      0,
    );
    assert.equal(
      backoffDelay(0, policy, () => 0.999),
      99,
    );
    assert.equal(
      backoffDelay(1, policy, () => 0.5),
      100,
    );
    assert.equal(
      backoffDelay(3, policy, () => 0.5),
      400,
    );
    assert.equal(
      backoffDelay(10, policy, () => 0.5),
      500,
      "capped at maxDelayMs",
    );
  });

  test("Retry-After in seconds or as an HTTP date", () => {
    assert.equal(parseRetryAfter("2"), 2000);
    assert.equal(parseRetryAfter("0.5"), 500);
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:03 GMT", now), 3000);
    assert.equal(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now), 0, "dates in the past mean now");
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter("soon"), undefined);
    assert.equal(parseRetryAfter(["1", "9"]), 1000);
  });

  test("polling starts at 100 ms and grows to 3 s", () => {
    const delays = Array.from({ length: 12 }, (_, poll) => pollDelay(poll));
    assert.deepEqual(delays.slice(0, 4), [100, 150, 225, 338]);
    assert.equal(delays.at(-1), 3000);
    for (let i = 1; i < delays.length; i++) assert.ok((delays[i] ?? 0) >= (delays[i - 1] ?? 0));
  });

  test("sleep rejects as soon as its signal aborts", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = sleep(10_000, controller.signal);
    controller.abort(new Error("stop"));
    await assert.rejects(pending, /stop/);
    assert.ok(Date.now() - started < 1000);
  });
});
