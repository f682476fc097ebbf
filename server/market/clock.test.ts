import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_BLOCK_TIME_MS, DEFAULT_GENESIS_TIME_MS, ManualClock, SystemClock } from "./clock";

describe("block clock", () => {
  test("height advances one block per block time from the genesis", () => {
    const clock = new ManualClock({ genesisTimeMs: 1_000_000, genesisHeight: 100, blockTimeMs: 6000 });
    assert.equal(clock.height(), 100);
    clock.advanceMs(5999);
    assert.equal(clock.height(), 100);
    clock.advanceMs(1);
    assert.equal(clock.height(), 101);
    clock.advanceBlocks(10);
    assert.equal(clock.height(), 111);
    assert.equal(clock.now(), 1_000_000 + 11 * 6000);
  });

  test("heightAt and timeOfHeight are inverse at block boundaries", () => {
    const clock = new ManualClock({ blockTimeMs: 500 });
    const t = clock.timeOfHeight(12_345);
    assert.equal(clock.heightAt(t), 12_345);
    assert.equal(clock.heightAt(t - 1), 12_344);
    assert.equal(clock.heightAt(t + 499), 12_345);
  });

  test("a manual clock starts where told and stays put until advanced", () => {
    const start = DEFAULT_GENESIS_TIME_MS + 60_000;
    const clock = new ManualClock({ startMs: start });
    assert.equal(clock.blockTimeMs, DEFAULT_BLOCK_TIME_MS);
    assert.equal(clock.now(), start);
    assert.equal(clock.now(), start);
    assert.equal(clock.height(), 1 + 10);
  });

  test("the system clock follows wall time and mainnet-like heights, and can be pushed forward", () => {
    const clock = new SystemClock();
    const before = Date.now();
    const now = clock.now();
    assert.ok(now >= before && now <= Date.now());
    assert.ok(clock.height() > 10_000_000, `height ${clock.height()} should be in the tens of millions`);
    const height = clock.height();
    clock.advanceBlocks(100);
    assert.ok(clock.height() >= height + 100);
    assert.ok(clock.now() >= before + 100 * DEFAULT_BLOCK_TIME_MS);
  });

  test("bad settings and backward moves are refused with the reason", () => {
    assert.throws(() => new ManualClock({ blockTimeMs: 0 }), /blockTimeMs must be a positive integer/);
    assert.throws(() => new ManualClock({ blockTimeMs: 1.5 }), /blockTimeMs must be a positive integer/);
    assert.throws(() => new ManualClock({ genesisHeight: 0 }), /genesisHeight must be a positive integer/);
    const clock = new ManualClock();
    assert.throws(() => clock.advanceMs(-1), /cannot advance the clock by -1 ms/);
    assert.throws(() => clock.advanceBlocks(1.5), /whole number/);
  });
});
