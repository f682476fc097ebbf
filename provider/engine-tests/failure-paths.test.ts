// Failure paths as a user meets them (issue 12), with the real engine: every message says what
// happened, where, and the command that fixes it, once, without a stack trace.
import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { AkashClient } from "../../sdk";
import { openProject } from "./project";
import { referenceApi } from "./reference-api";
import { nginxSdl } from "./sdl-fixtures";

const customSdl = path.join(__dirname, "../../../provider/engine-tests/fixtures/custom-sdl");
const workloadFixture = path.join(__dirname, "../../../provider/engine-tests/fixtures/workload");

describe("failure paths with the real engine", () => {
  test("a rotated API key: refresh and destroy say to use --run-program, and then use the current key", async () => {
    const ref = await referenceApi();
    const project = await openProject("examples/nginx", { url: ref.server.url, apiKey: ref.apiKey });
    try {
      await project.must(["up", "--yes", "--skip-preview"]);
      // Rotation as a pipeline does it: a new key in config, the old one revoked.
      const fresh = await ref.client.createApiKey({ name: "rotated" });
      const old = (await ref.client.listApiKeys()).find((k) => k.id !== fresh.id)!;
      await project.must(["config", "set", "--secret", "akash:apiKey", fresh.apiKey]);
      const next = new AkashClient({ apiKey: fresh.apiKey, baseUrl: ref.server.url });
      await next.deleteApiKey(old.id);

      const refresh = await project.run(["refresh", "--yes", "--skip-preview"]);
      const said = refresh.stdout + refresh.stderr;
      assert.notEqual(refresh.code, 0, said);
      assert.match(said, /refused the API key/);
      assert.match(said, /--run-program/);
      assert.ok(!said.includes(ref.apiKey) && !said.includes(fresh.apiKey), "no key in the output");

      await project.must(["refresh", "--yes", "--skip-preview", "--run-program"]);
      await project.must(["destroy", "--yes", "--skip-preview", "--run-program"]);
      assert.deepEqual((await next.listDeployments()).deployments, [], "destroy closed the deployment");
    } finally {
      project.cleanup();
      await ref.close();
    }
  });

  test("preview catches a deposit below the minimum where the API publishes it, and creates nothing", async () => {
    const ref = await referenceApi({ minDepositUsd: 5 });
    const project = await openProject(
      "examples/nginx",
      { url: ref.server.url, apiKey: ref.apiKey },
      { deposit: "1" },
    );
    try {
      const preview = await project.run(["preview"]);
      const said = preview.stdout + preview.stderr;
      assert.notEqual(preview.code, 0, said);
      assert.match(
        said,
        /deposit \$1 is below the minimum of \$5 that the API at http:\/\/127\.0\.0\.1:\d+ publishes/,
      );
      assert.match(said, /raise deposit to at least 5/);
      assert.deepEqual((await ref.client.listDeployments()).deployments, []);
    } finally {
      project.cleanup();
      await ref.close();
    }
  });

  test("an invalid SDL fails preview with one sentence naming its place, without echoing the document", async () => {
    const ref = await referenceApi();
    const project = await openProject(
      customSdl,
      { url: ref.server.url, apiKey: ref.apiKey },
      { sdl: nginxSdl().replace("units: 0.5", "units: -1") },
    );
    try {
      const preview = await project.run(["preview"]);
      const said = preview.stdout + preview.stderr;
      assert.notEqual(preview.code, 0);
      assert.match(
        said,
        /Invalid SDL: profiles\.compute\.\w+\.resources\.cpu\.units: must be greater than 0/,
      );
      assert.doesNotMatch(said, /must NOT be valid|should be string/, "no validator fragments");
      assert.doesNotMatch(said, /image: /, "the SDL is not echoed");
    } finally {
      project.cleanup();
      await ref.close();
    }
  });

  test("misspelled inputs fail preview naming each and the input meant, and create nothing", async () => {
    const ref = await referenceApi();
    const project = await openProject(
      customSdl,
      { url: ref.server.url, apiKey: ref.apiKey },
      { sdl: nginxSdl() },
    );
    try {
      // Each resource's check runs once its inputs are known: the Lease's after its Deployment's.
      const previewFails = async (key: string, value: unknown, said: RegExp) => {
        await project.must(["config", "set", key, JSON.stringify(value)]);
        const preview = await project.run(["preview"]);
        const output = preview.stdout + preview.stderr;
        assert.notEqual(preview.code, 0, output);
        assert.match(output, said);
        await project.must(["config", "rm", key]);
      };
      await previewFails(
        "deployment",
        { minEscrowUSD: 2 },
        /Deployment resource 'app' has a problem: unknown property "minEscrowUSD" of akash:index:Deployment; did you mean "minEscrowUsd"\?/,
      );
      await previewFails(
        "lease",
        { selection: { stratgy: "first" } },
        /Lease resource 'app' has a problem: unknown property "selection\.stratgy" of akash:index:Lease; did you mean "selection\.strategy"\?/,
      );

      // The component hands on only what it knows: a misspelled argument fails the program.
      const component = await openProject(
        workloadFixture,
        { url: ref.server.url, apiKey: ref.apiKey },
        { sdl: nginxSdl(), workload: JSON.stringify({ depost: 5, selection: { stratgy: "first" } }) },
      );
      try {
        const preview = await component.run(["preview"]);
        const output = preview.stdout + preview.stderr;
        assert.notEqual(preview.code, 0, output);
        assert.match(
          output,
          /Workload app: unknown property "depost" of akash:index:Workload; did you mean "deposit"\?\n\s*unknown property "selection\.stratgy" of akash:index:Workload; did you mean "selection\.strategy"\?/,
        );
      } finally {
        component.cleanup();
      }

      assert.deepEqual((await ref.client.listDeployments()).deployments, [], "nothing was created");
    } finally {
      project.cleanup();
      await ref.close();
    }
  });

  test("every run says once which API and which key it uses; preview with neither key nor base URL warns that it means the live API and real money", async () => {
    const ref = await referenceApi();
    const project = await openProject("examples/nginx", { url: ref.server.url, apiKey: ref.apiKey });
    // A shell without any Akash variable.
    const noEnv = { AKASH_API_KEY: "", CONSOLE_API_KEY: "", AKASH_API_URL: "" };
    // The CLI shows a message beside the resource as it comes and again under Diagnostics: count those.
    const times = (text: string, re: RegExp) =>
      text.split("\nDiagnostics:\n")[1]?.match(new RegExp(re.source, "g"))?.length ?? 0;
    try {
      const configured = await project.must(["preview"], noEnv);
      const said = configured.stdout + configured.stderr;
      const uses =
        /akash: this run uses the API at http:\/\/127\.0\.0\.1:\d+ \(from akash:baseUrl\), with the API key from akash:apiKey \(stack config; refresh and destroy use the one recorded at the last up\)\./;
      assert.equal(times(said, uses), 1, said);

      await project.must(["config", "rm", "akash:apiKey"]);
      await project.must(["config", "rm", "akash:baseUrl"]);
      const bare = await project.must(["preview"], noEnv);
      const warned = bare.stdout + bare.stderr;
      const live =
        /warning: (\[runtime\] )?akash: this run uses the live Akash Console API at https:\/\/console-api\.akash\.network \(real money; no akash:baseUrl set\), with no API key: a preview checks nothing against it/;
      assert.equal(times(warned, live), 1, warned);
      assert.match(warned, /pulumi config set akash:baseUrl http:\/\/127\.0\.0\.1:3080/);
      assert.deepEqual((await ref.client.listDeployments()).deployments, []);
    } finally {
      project.cleanup();
      await ref.close();
    }
  });

  test("refresh after an up whose key came from AKASH_API_KEY says the recorded configuration holds no key, and how to run it", async () => {
    const ref = await referenceApi();
    const project = await openProject("examples/nginx", { url: ref.server.url, apiKey: ref.apiKey });
    try {
      await project.must(["config", "rm", "akash:apiKey"]);
      const up = await project.must(["up", "--yes", "--skip-preview"], { AKASH_API_KEY: ref.apiKey });
      assert.match(up.stdout + up.stderr, /with the API key from AKASH_API_KEY\./);

      const refresh = await project.run(["refresh", "--yes", "--skip-preview"], {
        AKASH_API_KEY: "",
        CONSOLE_API_KEY: "",
      });
      const said = refresh.stdout + refresh.stderr;
      assert.notEqual(refresh.code, 0, said);
      assert.match(said, /No Akash Console API key/);
      assert.match(
        said,
        /use the provider configuration recorded at the last `pulumi up`, and a key that came from AKASH_API_KEY or CONSOLE_API_KEY is not recorded, so run them with that variable set, or with `--run-program`/,
      );

      await project.must(["refresh", "--yes", "--skip-preview"], { AKASH_API_KEY: ref.apiKey });
      await project.must(["destroy", "--yes", "--skip-preview"], { AKASH_API_KEY: ref.apiKey });
      assert.deepEqual((await ref.client.listDeployments()).deployments, []);
    } finally {
      project.cleanup();
      await ref.close();
    }
  });

  test("a wrong API key is reported by the Deployment that called the API, not by the internal stack identity", async () => {
    const ref = await referenceApi();
    const wrongKey = `ac.sk.local.${"0".repeat(64)}`;
    const project = await openProject("examples/nginx", { url: ref.server.url, apiKey: wrongKey });
    try {
      const up = await project.run(["up", "--yes", "--skip-preview"]);
      const said = up.stdout + up.stderr;
      assert.notEqual(up.code, 0, said);
      assert.match(
        said,
        /akash:Deployment \(nginx\):\n\s+error: deployment create: the API at \S+ refused the API key/,
      );
      assert.doesNotMatch(
        said,
        /akash-stack-identity[^\n]*(error|failed)|StackIdentity \(akash-stack-identity\):/,
      );
      assert.ok(!said.includes(wrongKey), "no key in the output");
    } finally {
      project.cleanup();
      await ref.close();
    }
  });

  test("destroying after the deployments were closed elsewhere says nothing was left to close, without errors or traces", async () => {
    const ref = await referenceApi();
    const project = await openProject("examples/nginx", { url: ref.server.url, apiKey: ref.apiKey });
    try {
      await project.must(["up", "--yes", "--skip-preview"]);
      for (const d of (await ref.client.listDeployments()).deployments) {
        await ref.client.closeDeployment(d.deployment.id.dseq);
      }
      const destroy = await project.must(["destroy", "--yes", "--skip-preview"]);
      assert.match(destroy.stdout, /was already closed/);
      assert.doesNotMatch(destroy.stdout + destroy.stderr, /rest of its escrow is refunded|\.ts:\d+|Error: /);
    } finally {
      project.cleanup();
      await ref.close();
    }
  });
});
