import assert from "node:assert/strict";
import { test } from "node:test";
import { errorMessage, parseThreshold, progress } from "./drift";

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

test("progress of a large stack: a line every tenth of the reads (not a terminal); none for a small one", (t) => {
  const lines: string[] = [];
  t.mock.method(process.stderr, "write", (chunk: string) => lines.push(chunk) > 0);
  const small = progress(10);
  for (let i = 1; i <= 10; i++) small(i);
  const large = progress(200);
  for (let i = 1; i <= 200; i++) large(i);
  t.mock.restoreAll();
  assert.equal(lines.length, 10);
  assert.deepEqual(lines.slice(0, 2), ["drift: read 20/200 resources\n", "drift: read 40/200 resources\n"]);
  assert.equal(lines.at(-1), "drift: read 200/200 resources\n");
});
