import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { decFromMicro, formatDec, parseDec } from "./dec";
import { fundedUntil, settleEscrow, totalRate } from "./escrow";

const micro = (n: number) => decFromMicro(n);

describe("settleEscrow", () => {
  test("pays blocks x rate while funds last", () => {
    const s = settleEscrow({ balance: micro(5_000_000), settledHeight: 100 }, parseDec("1.525"), 110);
    assert.equal(s.transferred, parseDec("15.25"));
    assert.equal(formatDec(s.balance), "4999984.750000000000000000");
    assert.equal(s.settledHeight, 110);
    assert.equal(s.dryHeight, undefined);
  });

  test("settling in steps equals settling at once (no rounding drift with fractional prices)", () => {
    const rate = parseDec("0.333333333333333333");
    let state = { balance: micro(1000), settledHeight: 0 };
    for (let h = 7; h <= 700; h += 7) {
      const s = settleEscrow(state, rate, h);
      state = { balance: s.balance, settledHeight: s.settledHeight };
    }
    const once = settleEscrow({ balance: micro(1000), settledHeight: 0 }, rate, 700);
    assert.equal(state.balance, once.balance);
    assert.equal(once.balance, micro(1000) - rate * 700n);
  });

  test("runs dry at the first block it cannot pay in full, transferring what was left", () => {
    // 5 / 1.525 = 3.27...: blocks 11, 12, 13 are paid, block 14 is not.
    const s = settleEscrow({ balance: micro(5), settledHeight: 10 }, parseDec("1.525"), 1000);
    assert.equal(s.dryHeight, 14);
    assert.equal(s.settledHeight, 14);
    assert.equal(s.balance, 0n);
    assert.equal(s.transferred, micro(5));
  });

  test("the dry block itself is found when settling exactly to it, not one block earlier", () => {
    const state = { balance: micro(5), settledHeight: 10 };
    const rate = parseDec("1.525");
    assert.equal(settleEscrow(state, rate, 13).dryHeight, undefined);
    assert.equal(settleEscrow(state, rate, 13).balance, parseDec("0.425"));
    assert.equal(settleEscrow(state, rate, 14).dryHeight, 14);
  });

  test("an exactly divisible balance pays its last block, then runs dry on the next", () => {
    const state = { balance: micro(6), settledHeight: 0 };
    const atLastPaid = settleEscrow(state, micro(2), 3);
    assert.deepEqual(atLastPaid, { balance: 0n, transferred: micro(6), settledHeight: 3 });
    assert.deepEqual(settleEscrow(state, micro(2), 4), {
      balance: 0n,
      transferred: micro(6),
      settledHeight: 4,
      dryHeight: 4,
    });
  });

  test("an empty escrow with a positive rate is dry on the next block", () => {
    assert.equal(settleEscrow({ balance: 0n, settledHeight: 50 }, 1n, 60).dryHeight, 51);
  });

  test("a rate of zero never runs dry", () => {
    const s = settleEscrow({ balance: micro(1), settledHeight: 0 }, 0n, 1_000_000_000);
    assert.deepEqual(s, { balance: micro(1), transferred: 0n, settledHeight: 1_000_000_000 });
  });

  test("settling to the past or the same height changes nothing", () => {
    const state = { balance: micro(10), settledHeight: 500 };
    assert.deepEqual(settleEscrow(state, micro(1), 500), {
      balance: micro(10),
      transferred: 0n,
      settledHeight: 500,
    });
    assert.deepEqual(settleEscrow(state, micro(1), 400), {
      balance: micro(10),
      transferred: 0n,
      settledHeight: 500,
    });
  });

  test("the smallest fraction (1e-18) is kept exactly", () => {
    const s = settleEscrow({ balance: 1n, settledHeight: 0 }, 1n, 1);
    assert.deepEqual(s, { balance: 0n, transferred: 1n, settledHeight: 1 });
    assert.equal(settleEscrow({ balance: 1n, settledHeight: 0 }, 1n, 2).dryHeight, 2);
  });

  test("negative amounts and unsafe heights are refused", () => {
    assert.throws(
      () => settleEscrow({ balance: -1n, settledHeight: 0 }, 1n, 1),
      /balance must not be negative/,
    );
    assert.throws(
      () => settleEscrow({ balance: 1n, settledHeight: 0 }, -1n, 1),
      /ratePerBlock must not be negative/,
    );
    assert.throws(() => settleEscrow({ balance: 1n, settledHeight: 0 }, 1n, 2 ** 60), /safe integers/);
  });
});

describe("fundedUntil", () => {
  test("agrees with settleEscrow on the dry height", () => {
    for (const [balance, rate] of [
      [micro(5), parseDec("1.525")],
      [micro(6), micro(2)],
      [parseDec("0.5"), parseDec("0.3")],
      [0n, 7n],
    ] as const) {
      const estimate = fundedUntil(balance, rate, 1000, 6000);
      const settled = settleEscrow({ balance, settledHeight: 1000 }, rate, 10_000_000);
      assert.equal(estimate?.dryHeight, BigInt(settled.dryHeight ?? -1), `balance ${balance} rate ${rate}`);
    }
  });

  test("a $5 deposit at the seed's nginx price lasts about 38 days at 6 s blocks", () => {
    const f = fundedUntil(micro(5_000_000), parseDec("1.525"), 0, 6000);
    assert.equal(f?.fullBlocks, 3_278_688n);
    assert.equal(f?.durationMs, 3_278_688n * 6000n);
    assert.equal(Number(f?.durationMs) / 86_400_000 > 37, true);
  });

  test("is undefined at rate zero and handles lifetimes beyond Number", () => {
    assert.equal(fundedUntil(micro(1), 0n, 0, 6000), undefined);
    const long = fundedUntil(micro(1_000_000_000_000), 1n, 0, 6000);
    assert.equal(long?.fullBlocks, 10n ** 30n);
  });
});

test("totalRate sums lease prices exactly", () => {
  assert.equal(
    totalRate(["1.525000000000000000", "0.000000000000000001", parseDec("2")]),
    parseDec("3.525000000000000001"),
  );
  assert.equal(totalRate([]), 0n);
});
