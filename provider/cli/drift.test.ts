import assert from "node:assert/strict";
import { test } from "node:test";
import { errorMessage, parseThreshold } from "./drift";

test("thresholds: hours by default, m/h/d units, anything else refused", () => {
  assert.equal(parseThreshold("72"), 72 * 3_600_000);
  assert.equal(parseThreshold("3d"), 3 * 86_400_000);
  assert.equal(parseThreshold("90m"), 90 * 60_000);
  assert.throws(() => parseThreshold("soon"), /expected a duration such as 72h/);
});

test("a failed pulumi command is reported by its own error lines, not the Automation API's dump", () => {
  const dump =
    "code: 255\n stdout: \n stderr: warning: x\nerror: no stack named 'prod' found\n err?: Error: Command failed";
  assert.equal(errorMessage(new Error(dump)), "error: no stack named 'prod' found");
  assert.equal(errorMessage(new Error("plain")), "plain");
});
