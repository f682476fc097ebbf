import { test } from "node:test";
import assert from "node:assert/strict";
import { DEC_SCALE, decFromMicro, decToMicroFloor, formatDec, mulDec, parseDec } from "./dec";

test("parses integers, decimals, exponents and numbers exactly", () => {
  assert.equal(parseDec("1000"), 1000n * DEC_SCALE);
  assert.equal(parseDec("0.123456"), 123_456_000_000_000_000n);
  assert.equal(parseDec("1.5e-3"), 1_500_000_000_000_000n);
  assert.equal(parseDec("2E2"), 200n * DEC_SCALE);
  assert.equal(parseDec(10.5), 10n * DEC_SCALE + DEC_SCALE / 2n);
  assert.equal(parseDec(".5"), DEC_SCALE / 2n);
  assert.equal(parseDec("-1"), -DEC_SCALE);
  assert.equal(parseDec("0.000000000000000001"), 1n);
  assert.equal(parseDec(3n), 3n * DEC_SCALE);
});

test("refuses what is not an exact 18-decimal amount, saying why", () => {
  assert.throws(() => parseDec("abc"), /"abc" is not a decimal number/);
  assert.throws(() => parseDec(""), /is not a decimal number/);
  assert.throws(() => parseDec("."), /is not a decimal number/);
  assert.throws(() => parseDec("0.0000000000000000001"), /more than 18 decimal places/);
  assert.throws(() => parseDec("1e999999"), /out of range/);
  assert.throws(() => parseDec(Number.NaN), /not a finite number/);
});

test("formats like the chain: always 18 decimals", () => {
  assert.equal(formatDec(parseDec("1.525")), "1.525000000000000000");
  assert.equal(formatDec(0n), "0.000000000000000000");
  assert.equal(formatDec(1n), "0.000000000000000001");
  assert.equal(formatDec(-parseDec("2.5")), "-2.500000000000000000");
});

test("converts whole micro-units both ways, flooring the fraction", () => {
  assert.equal(decFromMicro(5_000_000), 5_000_000n * DEC_SCALE);
  assert.equal(decFromMicro("7"), 7n * DEC_SCALE);
  assert.equal(decToMicroFloor(parseDec("4.999999")), 4n);
  assert.equal(mulDec(parseDec("1.525"), parseDec("1.5")), parseDec("2.2875"));
});
