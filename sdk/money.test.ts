import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compareDecimal, isUsdAmount, microToUsd, sumMicro, usdToMicro, usdToWireNumber } from "./money";

describe("money", () => {
  test("dollars to micro-units are exact: $0.1 + $0.2 is exactly 300000", () => {
    assert.equal(usdToMicro("0.1"), "100000");
    assert.equal(sumMicro(usdToMicro("0.1"), usdToMicro("0.2")), "300000");
    assert.equal(sumMicro(usdToMicro(0.1), usdToMicro(0.2)), "300000");
    assert.notEqual(0.1 + 0.2, 0.3, "the float drift this avoids");
  });

  test("whole, fractional, 6-decimal and large amounts", () => {
    assert.equal(usdToMicro("5"), "5000000");
    assert.equal(usdToMicro("5.5"), "5500000");
    assert.equal(usdToMicro("0.000001"), "1");
    assert.equal(usdToMicro("0"), "0");
    assert.equal(usdToMicro(" 12.50 "), "12500000");
    assert.equal(usdToMicro("123456789012345678.999999"), "123456789012345678999999");
    assert.equal(usdToMicro(1e-6), "1");
    assert.equal(usdToMicro(19.99), "19990000");
  });

  test("more than 6 decimals is rejected with a clear message", () => {
    assert.throws(() => usdToMicro("0.0000001"), /7 decimal places; at most 6/);
    assert.throws(() => usdToMicro(1e-7), /at most 6/);
    assert.equal(isUsdAmount("1.1234567"), false);
  });

  test("negative, malformed and non-finite amounts are rejected", () => {
    assert.throws(() => usdToMicro("-1"), /negative/);
    assert.throws(() => usdToMicro(-0.5), /negative/);
    assert.throws(() => usdToMicro("1e3"), /not a dollar amount/);
    assert.throws(() => usdToMicro("$5"), /not a dollar amount/);
    assert.throws(() => usdToMicro(""), /not a dollar amount/);
    assert.throws(() => usdToMicro("1.2.3"), /not a dollar amount/);
    assert.throws(() => usdToMicro(Number.NaN), /not a finite number/);
    assert.throws(() => usdToMicro(Infinity), /not a finite number/);
  });

  test("micro-units back to minimal dollar strings", () => {
    assert.equal(microToUsd("100000"), "0.1");
    assert.equal(microToUsd("5500000"), "5.5");
    assert.equal(microToUsd("1"), "0.000001");
    assert.equal(microToUsd("0"), "0");
    assert.equal(microToUsd(300000n), "0.3");
    assert.equal(microToUsd("123456789012345678999999"), "123456789012345678.999999");
    assert.throws(() => microToUsd("1.5"), /whole number/);
    assert.throws(() => microToUsd("-1"), /whole number/);
    assert.throws(() => sumMicro(-1n), /negative/);
  });

  test("round trip for every 6-decimal fraction sample", () => {
    for (const usd of ["0.1", "0.2", "0.3", "1.000001", "999.999999", "42"]) {
      assert.equal(microToUsd(usdToMicro(usd)), usd);
    }
  });

  test("wire numbers are the checked dollar amount", () => {
    assert.equal(usdToWireNumber("5.50"), 5.5);
    assert.equal(usdToWireNumber(0.1), 0.1);
    assert.throws(() => usdToWireNumber("0.1234567"), /at most 6/);
  });

  test("decimal comparison is exact across different precisions", () => {
    assert.equal(compareDecimal("1.000000000000000001", "1"), 1);
    assert.equal(compareDecimal("0.5", "0.500000000000000000"), 0);
    assert.equal(compareDecimal("10", "9.99"), 1);
    assert.equal(compareDecimal("2", "10"), -1);
  });
});
