// Proves the toolchain: the pinned CLI, our language host and the dynamic-provider plugin drive a
// real engine, through the Automation API and through the CLI on an on-disk program.
import assert from "node:assert/strict";
import { homedir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { copyProject, engineSandbox, listFiles, inlineStack, mustRunPulumi } from "./harness";

interface CounterInputs {
  start: number;
}

// Kept self-contained: the engine serializes this object into the provider process.
const counterProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: CounterInputs) {
    return { id: `counter-${inputs.start}`, outs: { start: inputs.start, next: inputs.start + 1 } };
  },
  async read(id: string, props: { start: number; next: number }) {
    return { id, props };
  },
  async diff(_id: string, olds: CounterInputs, news: CounterInputs) {
    return { changes: olds.start !== news.start, replaces: olds.start !== news.start ? ["start"] : [] };
  },
};

class Counter extends pulumi.dynamic.Resource {
  declare readonly next: pulumi.Output<number>;
  constructor(name: string, args: { start: pulumi.Input<number> }) {
    super(counterProvider, name, { next: undefined, ...args });
  }
}

const userPulumiHome = path.join(homedir(), ".pulumi");
const userHomeBefore = listFiles(userPulumiHome);

describe("engine smoke", () => {
  after(() => {
    assert.deepEqual(listFiles(userPulumiHome), userHomeBefore, "tests must not write to ~/.pulumi");
  });

  test("Automation API: up, preview with no changes, refresh, destroy a dynamic resource", async () => {
    const sandbox = engineSandbox("smoke-auto");
    try {
      const stack = await inlineStack(sandbox, "smoke-auto", async () => {
        const c = new Counter("c", { start: 41 });
        return { next: c.next };
      });
      const up = await stack.up();
      assert.equal(up.summary.result, "succeeded");
      assert.equal(up.outputs.next?.value, 42);
      assert.equal(up.summary.resourceChanges?.create, 2, "stack + counter created");

      const preview = await stack.preview({ expectNoChanges: true });
      assert.equal(preview.changeSummary.same, 2);

      const refresh = await stack.refresh({ expectNoChanges: true });
      assert.equal(refresh.summary.result, "succeeded");

      const destroy = await stack.destroy();
      assert.equal(destroy.summary.resourceChanges?.delete, 2);
      const state = await stack.exportStack();
      assert.equal((state.deployment.resources ?? []).length, 0, "nothing left in state after destroy");
    } finally {
      sandbox.cleanup();
    }
  });

  test("CLI: pulumi up --yes and destroy --yes of an on-disk program, as a user runs it", async () => {
    const sandbox = engineSandbox("smoke-cli");
    try {
      const cwd = copyProject(
        path.join(__dirname, "../../../provider/engine-tests/fixtures/tiny"),
        path.join(sandbox.dir, "work"),
      );
      await mustRunPulumi(["stack", "init", "dev"], { cwd, sandbox });
      await mustRunPulumi(["config", "set", "text", "toolchain works"], { cwd, sandbox });
      const up = await mustRunPulumi(["up", "--yes", "--skip-preview"], { cwd, sandbox });
      assert.match(up.stdout, /\+ 2 created/);
      const out = await mustRunPulumi(["stack", "output", "shout"], { cwd, sandbox });
      assert.equal(out.stdout.trim(), "TOOLCHAIN WORKS");
      const destroy = await mustRunPulumi(["destroy", "--yes"], { cwd, sandbox });
      assert.match(destroy.stdout, /- 2 deleted/);
    } finally {
      sandbox.cleanup();
    }
  });
});
