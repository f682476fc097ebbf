// The Python, Go and Java SDKs in pulumi-sdks/ are what `pulumi package gen-sdk` writes from
// schema.json today (tools/gen-sdks.sh, through our Go and Python language hosts and upstream's Java
// host), as schema.json is what the descriptions generate (provider/schema.test.ts).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { repoRoot, requirePulumi } from "./harness";

const exec = promisify(execFile);

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

test("pulumi-sdks/ is what gen-sdk writes from schema.json today", async () => {
  await requirePulumi();
  const out = mkdtempSync(path.join(repoRoot, ".tmp/sdks-"));
  try {
    await exec(path.join(repoRoot, "tools/gen-sdks.sh"), [path.join(out, "sdks")], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const fresh = path.join(out, "sdks");
    const committed = path.join(repoRoot, "pulumi-sdks");
    const hint = "Run `tools/gen-sdks.sh` (after `npm run build`) and commit pulumi-sdks/.";
    assert.deepEqual(
      files(committed),
      files(fresh),
      `pulumi-sdks/ has other files than gen-sdk writes. ${hint}`,
    );
    for (const f of files(fresh)) {
      assert.ok(
        readFileSync(path.join(committed, f)).equals(readFileSync(path.join(fresh, f))),
        `pulumi-sdks/${f} is stale: it differs from what gen-sdk writes from schema.json. ${hint}`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
