// `pulumi` commands run in the background, so a test can watch their output and kill them (with
// their plugins) at a chosen moment, as a crash or a cancelled CI job would.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after } from "node:test";
import { killProcessTree } from "./harness";
import type { Project } from "./project";

/** Background runs still alive; a failed test kills them (and their plugins) on the way out. */
const running = new Set<number>();
after(() => running.forEach((pid) => killProcessTree(pid)));

/** `pulumi up` in the background, its output collected as it comes. */
export function startUp(project: Project, extraArgs: string[] = []) {
  return startPulumi(project, ["up", "--yes", "--skip-preview", ...extraArgs]);
}

/** A pulumi command in the background, its output collected as it comes. */
export function startPulumi(project: Project, args: string[]) {
  const child = spawn("pulumi", [...args, "--non-interactive"], {
    cwd: project.cwd,
    env: { ...process.env, ...project.sandbox.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  let done = false;
  const exited = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once("close", (code) => {
      done = true;
      resolve({ code, output });
    }),
  );
  running.add(child.pid!);
  void exited.then(() => running.delete(child.pid!));
  return {
    pid: child.pid!,
    exited,
    /** What it printed so far. */
    output: () => output,
    /** The run's result; if it is still running after `ms`, kills it and fails with its output. */
    async exitWithin(ms: number) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), ms)));
      const result = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (result === "late") {
        killProcessTree(child.pid!);
        assert.fail(`pulumi ${args[0]} still running after ${ms / 1000} s:\n${output}`);
      }
      return result;
    },
    /** Resolves once the output matches; fails if the run ends or 60 s pass first. */
    async waitFor(pattern: RegExp) {
      const deadline = Date.now() + 60_000;
      while (!pattern.test(output)) {
        assert.ok(!done && Date.now() < deadline, `pulumi ${args[0]} never printed ${pattern}:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
