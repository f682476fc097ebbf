// What a Lease says while it cannot finish, with the real engine: a group of the SDL without a
// Lease stops preview and up before anything is created, naming the group and the fix; a Lease
// pinned to a provider that never bids reports at a steady pace and ends with advice that check
// accepts.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { nginxSdl } from "./sdl-fixtures";
import { repoRoot } from "./harness";
import { openProject, type Project } from "./project";
import { referenceApi } from "./reference-api";

const customSdl = path.join(repoRoot, "provider/engine-tests/fixtures/custom-sdl");
const sjc1 = "akash1wl3hyke8jh6pk5nxx3mak0d90zyg6szlrt70fs";

describe("a Lease that cannot finish says why, with the real engine", () => {
  test("examples/multi-service's SDL with one Lease: preview names group 2 and the fix; up stops at once, creating nothing", async () => {
    const ref = await referenceApi();
    const project = await openProject(
      customSdl,
      { url: ref.server.url, apiKey: ref.apiKey },
      { sdl: readFileSync(path.join(repoRoot, "examples/multi-service/deploy.yaml"), "utf8") },
    );
    const named =
      /Deployment "app": SDL group 2 "west" \(services: cache\) has no Lease\. Add new akash\.Lease\("app-west", \{ dseq: <deployment>\.dseq, manifest: <deployment>\.manifest, gseq: 2 \}\)\..*akash\.Workload makes one per group/s;
    try {
      const preview = await project.run(["preview"]);
      assert.notEqual(preview.code, 0, preview.stdout);
      assert.match(preview.stdout + preview.stderr, named);

      const started = Date.now();
      const up = await project.run(["up", "--yes", "--skip-preview"]);
      const tookS = (Date.now() - started) / 1000;
      assert.notEqual(up.code, 0, up.stdout);
      assert.match(up.stdout + up.stderr, named);
      assert.doesNotMatch(up.stdout, /akash:index:/, "no Deployment or Lease is even registered");
      assert.ok(tookS < 60, `up stopped in ${tookS} s, without waiting for a group that has no Lease`);
      assert.equal((await ref.client.listDeployments()).deployments.length, 0);
    } finally {
      project.cleanup();
      await ref.close();
    }
  });

  test("a Lease pinned to a provider that never bids: progress every 10 s, then an error naming a field check accepts", async () => {
    const ref = await referenceApi({ faults: { providersOffline: [sjc1] } });
    const project = await openProject(
      customSdl,
      { url: ref.server.url, apiKey: ref.apiKey },
      { sdl: nginxSdl(), lease: JSON.stringify({ provider: sjc1, selection: { bidTimeoutSeconds: 35 } }) },
    );
    try {
      const { code, lines } = await timedUp(project);
      const output = lines.map((l) => l.text).join("\n");
      assert.notEqual(code, 0, output);
      // As they stream (the Diagnostics summary at the end repeats them).
      const streamed = lines.slice(
        0,
        lines.findIndex((l) => l.text.startsWith("Diagnostics:")),
      );
      const progress = streamed.filter((l) => l.text.includes(`group 1: waiting for a bid from ${sjc1}`));
      assert.equal(progress.length, 3, `a line at 10, 20 and 30 s:\n${output}`);
      assert.match(
        progress[0]!.text,
        /10 s gone, 25 s left \(selection\.bidTimeoutSeconds 35\); \d bid\(s\): akash1\S+ at [\d.]+ uact\/block \(not the requested provider\)/,
      );
      for (const [i, line] of progress.slice(1).entries()) {
        const gap = (line.at - progress[i]!.at) / 1000;
        assert.ok(gap > 7 && gap < 13, `a steady pace: ${gap} s between progress lines`);
      }
      assert.match(
        output,
        new RegExp(
          `no bid from ${sjc1} within 35 s \\(\\d bid\\(s\\):.*To wait longer, set selection\\.bidTimeoutSeconds \\(allowed beside provider\\); to take another provider's bid, remove provider`,
        ),
      );
      // The advice is one check accepts: this run had selection.bidTimeoutSeconds beside provider.
      await project.must(["destroy", "--yes", "--skip-preview"]);
    } finally {
      project.cleanup();
      await ref.close();
    }
  });
});

/** `pulumi up`, each output line with the time it arrived. */
function timedUp(project: Project): Promise<{ code: number | null; lines: { at: number; text: string }[] }> {
  const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], {
    cwd: project.cwd,
    env: { ...process.env, ...project.sandbox.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: { at: number; text: string }[] = [];
  let partial = "";
  const take = (d: Buffer) => {
    const parts = (partial + d.toString()).split("\n");
    partial = parts.pop()!;
    for (const text of parts) lines.push({ at: Date.now(), text });
  };
  child.stdout.on("data", take);
  child.stderr.on("data", take);
  return new Promise((resolve) =>
    child.once("close", (code) => {
      if (partial) lines.push({ at: Date.now(), text: partial });
      resolve({ code, lines });
    }),
  );
}
