// The Pulumi YAML language host, which YAML programs and their `pulumi import` codegen need on PATH.
// A missing host fails the test saying how to get it: engine tests never skip.
import { execFile } from "node:child_process";
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
