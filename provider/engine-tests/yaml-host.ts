// The Pulumi YAML language host, which YAML programs and their `pulumi import` codegen need on PATH.
// A missing host fails the test saying how to get it: engine tests never skip.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

export async function requireYamlHost(): Promise<void> {
  await exec("sh", ["-c", "command -v pulumi-language-yaml"]).catch(() => {
    throw new Error(
      "pulumi-language-yaml is not on PATH: run the tests with `make test` (tools/test.sh puts it there), " +
        "or put the directory that tools/setup-pulumi-yaml.sh prints on PATH",
    );
  });
}

/** Each YAML example expects the package installed in its own directory; here it is two levels up. */
export function pointAtInstalledPlugin(cwd: string): void {
  const file = path.join(cwd, "Pulumi.yaml");
  const text = readFileSync(file, "utf8");
  assert.ok(text.includes("path: ./node_modules/.bin"), "the example names the plugin's directory");
  writeFileSync(file, text.replace("path: ./node_modules/.bin", "path: ../../node_modules/.bin"));
}
