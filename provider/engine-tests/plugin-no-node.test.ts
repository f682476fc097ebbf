// The self-contained plugin as a user of a non-Node language installs it: the tarball `make pack`
// builds (tools/build-plugin.sh), installed with `pulumi plugin install resource akash <version>
// --file`, and a Pulumi YAML program run with a PATH that has no `node` at all (only pulumi and the
// YAML language host). The reference API it talks to runs on Node, in this test process.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { repoRoot, requirePulumi } from "./harness";
import { openProject } from "./project";
import { referenceApi, type ReferenceApi } from "./reference-api";
import { requireYamlHost } from "./yaml-host";

const exec = promisify(execFile);
const version = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string })
  .version;
const goArch = process.arch === "arm64" ? "arm64" : "amd64";

describe("the plugin without Node", () => {
  let ref: ReferenceApi;
  let tarball: string;
  let buildDir: string;
  /** Only the directories of pulumi and the YAML language host. */
  let noNodePath: string;

  before(async () => {
    await requireYamlHost();
    const yamlHost = (await exec("sh", ["-c", "command -v pulumi-language-yaml"])).stdout.trim();
    noNodePath = [await requirePulumi(), path.dirname(yamlHost)].join(":");
    buildDir = mkdtempSync(path.join(repoRoot, ".tmp/plugin-tarball-"));
    const built = await exec(path.join(repoRoot, "tools/build-plugin.sh"), [buildDir, goArch], {
      maxBuffer: 16 * 1024 * 1024,
    });
    tarball = built.stdout.trim();
    assert.equal(path.basename(tarball), `pulumi-resource-akash-v${version}-linux-${goArch}.tar.gz`);
    ref = await referenceApi();
  });
  after(async () => {
    await ref?.close();
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  test("the tarball holds only the executable, at its root", async () => {
    const { stdout } = await exec("tar", ["-tzf", tarball]);
    assert.deepEqual(stdout.trim().split("\n"), ["pulumi-resource-akash"]);
  });

  test("installed with `pulumi plugin install --file`, a YAML Workload goes up, refreshes and is destroyed with no node on PATH", async () => {
    await assert.rejects(
      exec("/bin/sh", ["-c", "command -v node"], { env: { PATH: noNodePath } }),
      "no node on the test's PATH",
    );
    const project = await openProject("examples/yaml-workload", { url: ref.server.url, apiKey: ref.apiKey });
    const env = { PATH: noNodePath };
    try {
      // Found as an installed plugin: no `plugins` block pointing at the npm package.
      const file = path.join(project.cwd, "Pulumi.yaml");
      const text = readFileSync(file, "utf8");
      assert.match(
        text,
        /\nplugins:\n {2}providers:\n {4}- name: akash\n {6}path: \.\/node_modules\/\.bin\n/,
      );
      writeFileSync(file, text.replace(/\nplugins:\n(?: {2,}.*\n)+/, "\n"));

      await project.must(["plugin", "install", "resource", "akash", version, "--file", tarball], env);
      const plugins = readdirSync(path.join(project.sandbox.env.PULUMI_HOME!, "plugins"));
      assert.ok(
        plugins.includes(`resource-akash-v${version}`),
        `installed into the test's PULUMI_HOME: ${plugins}`,
      );
      const listed = await project.must(["plugin", "ls"], env);
      assert.match(listed.stdout, new RegExp(`akash\\s+resource\\s+${version.replace(/\./g, "\\.")}`));

      await project.must(["up", "--yes", "--skip-preview"], env);
      const out = await project.outputs();
      const dseq = String(out.dseq);
      assert.ok((out.uris as string[]).length > 0, "the Workload's URIs are outputs");
      const deployment = await ref.client.getDeployment(dseq);
      assert.deepEqual(
        deployment.leases
          .filter((l) => l.state === "active")
          .map((l) => l.id.gseq)
          .sort(),
        [1, 2],
      );

      await project.must(["preview", "--expect-no-changes"], env);
      await project.must(["refresh", "--yes", "--expect-no-changes"], env);
      await project.must(["destroy", "--yes", "--skip-preview"], env);
      const active = (await ref.client.listDeployments()).deployments.map((d) => d.deployment.id.dseq);
      assert.ok(!active.includes(dseq), "destroy closed the deployment");
    } finally {
      project.cleanup();
    }
  });
});
