// Python, Go and Java programs through the plugin provider, run with the CLI as users run them: the
// generated SDK installed from `make pack`'s artefacts (tools/pack-sdks.sh: the wheel pip-installed
// into the program's virtual environment, the Go module directory `replace`d to, the Java jar from
// the Maven repository it builds), the language hosts from tools/setup-pulumi-langs.sh (on PATH by
// tools/test.sh).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { repoRoot, requirePulumi } from "./harness";
import { openProject, type Project } from "./project";
import { referenceApi, type ReferenceApi } from "./reference-api";
import { pointAtInstalledPlugin } from "./yaml-host";

const exec = promisify(execFile);
const version = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string })
  .version;

interface Packed {
  wheel: string;
  goModule: string;
  maven: string;
}

let packed: Promise<Packed> | undefined;
/** `make pack`'s SDK artefacts, built once per test process into a directory of its own. */
function packedSdks(): Promise<Packed> {
  packed ??= (async () => {
    const dir = path.join(repoRoot, `.tmp/engine/sdk-pack-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const { stdout } = await exec(path.join(repoRoot, "tools/pack-sdks.sh"), [dir], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const [wheel, goModule, maven] = stdout.trim().split("\n");
    assert.ok(wheel?.endsWith(`pulumi_akash-${version}-py3-none-any.whl`), stdout);
    return { wheel: wheel!, goModule: goModule!, maven: maven! };
  })();
  return packed;
}

async function tool(name: string, install: string): Promise<void> {
  await exec("sh", ["-c", `command -v ${name}`]).catch(() => {
    throw new Error(`${name} is not on PATH: ${install}`);
  });
}

/** `pulumi install` (our host makes the venv from requirements.txt), then the SDK's wheel. */
async function installPython(project: Project): Promise<void> {
  await project.must(["install"]);
  const { wheel } = await packedSdks();
  await exec(path.join(project.cwd, "venv/bin/pip"), ["install", "--quiet", wheel], { cwd: project.cwd });
}

describe("Python, Go and Java programs", () => {
  let ref: ReferenceApi;
  before(async () => {
    await requirePulumi();
    for (const host of ["pulumi-language-python", "pulumi-language-go", "pulumi-language-java"])
      await tool(
        host,
        "run the tests with `make test` (tools/test.sh builds it with tools/setup-pulumi-langs.sh)",
      );
    ref = await referenceApi();
  });
  after(() => ref?.close());

  const isActive = async (dseq: string) =>
    (await ref.client.listDeployments()).deployments.some((d) => d.deployment.id.dseq === dseq);

  /** up, quiet preview, a deposit raised in place, refresh after a close elsewhere, destroy. */
  async function lifecycle(project: Project): Promise<void> {
    await project.must(["up", "--yes", "--skip-preview"]);
    const out = await project.outputs();
    const dseq = String(out.dseq);
    assert.ok(await isActive(dseq), "the deployment is active");
    assert.ok((out.uris as string[]).length > 0, "the service URIs are outputs");
    assert.equal(out.escrowUsd, "5");

    await project.must(["preview", "--expect-no-changes"]);

    await project.must(["config", "set", "deposit", "8"]);
    const raise = await project.must(["up", "--yes", "--skip-preview"]);
    assert.match(raise.stdout, /~ 1 updated/);
    const raised = await project.outputs();
    assert.equal(String(raised.dseq), dseq, "same deployment");
    const escrow = Number(raised.escrowUsd);
    assert.ok(escrow > 7.9 && escrow <= 8, `the escrow was topped up to $8 (less what ran since): ${escrow}`);

    await ref.client.closeDeployment(dseq);
    const refresh = await project.must(["refresh", "--yes", "--skip-preview"]);
    assert.match(refresh.stdout, /-\s+akash:index:Deployment\s+nginx\s+deleted/);

    await project.must(["up", "--yes", "--skip-preview"]);
    const again = String((await project.outputs()).dseq);
    assert.notEqual(again, dseq);
    await project.must(["destroy", "--yes", "--skip-preview"]);
    assert.ok(!(await isActive(again)), "destroy closed the deployment");
  }

  test("python-nginx: up, quiet preview, deposit raised in place, refresh after a close, destroy", async () => {
    await tool("python3", "install Python 3.10 or later with venv and pip");
    const project = await openProject("examples/python-nginx", { url: ref.server.url, apiKey: ref.apiKey });
    try {
      pointAtInstalledPlugin(project.cwd);
      await installPython(project);
      await lifecycle(project);
    } finally {
      project.cleanup();
    }
  });

  test("a Python program's wrong type, missing input and unknown property fail naming the property", async () => {
    const project = await openProject("provider/engine-tests/fixtures/python-bad-input", {
      url: ref.server.url,
      apiKey: ref.apiKey,
    });
    try {
      pointAtInstalledPlugin(project.cwd);
      await installPython(project);
      const cases: [string, RegExp][] = [
        // the provider's check, as for the Node classes
        [
          "wrong-type",
          /deposit must be a positive number of US dollars, e\.g\. 5 or 0\.5 \(got "five dollars"\)/,
        ],
        // the generated SDK refuses these before the engine sees them
        ["missing-required", /Missing required property 'dseq'/],
        ["unknown-property", /unexpected keyword argument 'depositt'/],
      ];
      for (const [name, expected] of cases) {
        await project.must(["config", "set", "case", name]);
        const preview = await project.run(["preview"]);
        assert.notEqual(preview.code, 0, `${name}: preview fails`);
        assert.match(preview.stdout + preview.stderr, expected, name);
      }
    } finally {
      project.cleanup();
    }
  });

  test("go-nginx: up, quiet preview, deposit raised in place, refresh after a close, destroy", async () => {
    await tool("go", "install Go 1.25 or later (https://go.dev/dl)");
    const project = await openProject("examples/go-nginx", { url: ref.server.url, apiKey: ref.apiKey });
    try {
      pointAtInstalledPlugin(project.cwd);
      const { goModule } = await packedSdks();
      const goMod = path.join(project.cwd, "go.mod");
      const sdkModule = /^\s*(?:require\s+)?(\S*pulumi-sdks\/go)\s+v/m.exec(readFileSync(goMod, "utf8"))?.[1];
      assert.ok(sdkModule, "the example requires the SDK's module");
      await exec("go", ["mod", "edit", `-replace=${sdkModule}=${goModule}`], { cwd: project.cwd });
      await exec("go", ["mod", "tidy"], { cwd: project.cwd, env: { ...process.env, GOFLAGS: "-mod=mod" } });
      await lifecycle(project);
    } finally {
      project.cleanup();
    }
  });

  test("java-nginx: up, quiet preview, deposit raised in place, refresh after a close, destroy", async () => {
    await tool("mvn", "install Maven 3.8 or later and a JDK 11 or later");
    const project = await openProject("examples/java-nginx", { url: ref.server.url, apiKey: ref.apiKey });
    try {
      pointAtInstalledPlugin(project.cwd);
      const { maven } = await packedSdks();
      const pom = path.join(project.cwd, "pom.xml");
      const text = readFileSync(pom, "utf8");
      assert.ok(text.includes("<akash.repository>"), "the example names the SDK's Maven repository");
      writeFileSync(pom, text.replace(/<akash\.repository>[^<]*</, `<akash.repository>file://${maven}<`));
      await lifecycle(project);
    } finally {
      project.cleanup();
    }
  });
});
