// Helpers for tests that drive the real Pulumi engine: each test gets its own PULUMI_HOME, file
// backend and stack under .tmp/engine, and nothing touches the user's ~/.pulumi.
import { execFile, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";

const exec = promisify(execFile);

/** The repository root (this file runs from dist/provider/engine-tests). */
export const repoRoot = path.resolve(__dirname, "../../..");

/** The pinned Pulumi version from tools/versions.env. */
export const pinnedPulumiVersion = /PULUMI_VERSION=(\S+)/.exec(
  readFileSync(path.join(repoRoot, "tools/versions.env"), "utf8"),
)![1]!;

// Every pulumi call writes logs under PULUMI_HOME, even `pulumi version` (the Automation API runs
// it with this process's environment): never let a test reach the user's ~/.pulumi.
process.env.PULUMI_HOME ??= path.join(repoRoot, ".tmp/pulumi-home");
process.env.PULUMI_SKIP_UPDATE_CHECK = "true";

let checked: Promise<string> | undefined;

/**
 * Resolves the directory of the pinned `pulumi` on PATH, or fails saying how to get it: engine
 * tests never skip.
 */
export function requirePulumi(): Promise<string> {
  checked ??= (async () => {
    const hint = 'run the tests with `make test`, or `eval "$(make -s env)"` first';
    let version: string;
    try {
      version = (await exec("pulumi", ["version"])).stdout.trim();
    } catch {
      throw new Error(`the pulumi CLI is not on PATH: ${hint}`);
    }
    if (version !== `v${pinnedPulumiVersion}`) {
      throw new Error(`pulumi on PATH is ${version}, the project pins v${pinnedPulumiVersion}: ${hint}`);
    }
    for (const plugin of ["pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]) {
      await exec("sh", ["-c", `command -v ${plugin}`]).catch(() => {
        throw new Error(`${plugin} is not on PATH: ${hint}`);
      });
    }
    return path.dirname((await exec("sh", ["-c", "command -v pulumi"])).stdout.trim());
  })();
  return checked;
}

/** A private engine sandbox: state backend, PULUMI_HOME and a work dir, removed by `cleanup`. */
export interface EngineSandbox {
  dir: string;
  env: Record<string, string>;
  cleanup(): void;
}

/**
 * Creates a sandbox under the repository's .tmp/engine: a directory with node_modules above it,
 * which the dynamic-provider plugin needs to find @pulumi/pulumi.
 */
export function engineSandbox(name: string, base = path.join(repoRoot, ".tmp/engine")): EngineSandbox {
  const dir = path.join(base, `${name}-${randomBytes(4).toString("hex")}`);
  mkdirSync(path.join(dir, "state"), { recursive: true });
  mkdirSync(path.join(dir, "home"), { recursive: true });
  mkdirSync(path.join(dir, "work"), { recursive: true });
  return {
    dir,
    env: {
      PULUMI_HOME: path.join(dir, "home"),
      PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** An Automation API stack running an inline program inside a sandbox. */
export async function inlineStack(
  sandbox: EngineSandbox,
  projectName: string,
  program: PulumiFn,
  config: Record<string, { value: string; secret?: boolean }> = {},
): Promise<Stack> {
  const bin = await requirePulumi();
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(bin), skipVersionCheck: true });
  const stack = await LocalWorkspace.createStack(
    { stackName: "test", projectName, program },
    {
      workDir: path.join(sandbox.dir, "work"),
      pulumiHome: sandbox.env.PULUMI_HOME,
      envVars: sandbox.env,
      pulumiCommand,
      projectSettings: {
        name: projectName,
        runtime: "nodejs",
        backend: { url: sandbox.env.PULUMI_BACKEND_URL },
      },
    },
  );
  await stack.setAllConfig(config);
  return stack;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the pulumi CLI as a user would, in `cwd`, with the sandbox's environment. */
export async function runPulumi(
  args: string[],
  opts: { cwd: string; sandbox: EngineSandbox; env?: Record<string, string>; timeoutMs?: number },
): Promise<CliResult> {
  await requirePulumi();
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", [...args, "--non-interactive"], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.sandbox.env, ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGINT"), opts.timeoutMs ?? 300_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** Like runPulumi, but throws with the CLI's output when it fails. */
export async function mustRunPulumi(
  args: string[],
  opts: Parameters<typeof runPulumi>[1],
): Promise<CliResult> {
  const res = await runPulumi(args, opts);
  if (res.code !== 0) {
    throw new Error(`pulumi ${args.join(" ")} exited ${res.code}\n${res.stdout}\n${res.stderr}`);
  }
  return res;
}

let installed: Promise<string> | undefined;

/**
 * Installs this package the way a user gets it: `npm pack` of the built tree, then `npm install`
 * of the tarball (a real node_modules copy, which closure serialization needs; a symlink would
 * not do). Returns a directory whose node_modules holds `pulumi-akash` and `@pulumi/pulumi`;
 * programs copied below it resolve both. Done once per test process, keyed by the build.
 */
export function installedPackageDir(): Promise<string> {
  installed ??= (async () => {
    const base = path.join(repoRoot, ".tmp/engine");
    mkdirSync(base, { recursive: true });
    const packDir = path.join(base, `pack-${process.pid}`);
    mkdirSync(packDir, { recursive: true });
    const { stdout } = await exec("npm", ["pack", "--silent", "--pack-destination", packDir], {
      cwd: repoRoot,
    });
    const tarball = path.join(packDir, stdout.trim().split("\n").pop()!);
    const digest = createHash("sha256").update(readFileSync(tarball)).digest("hex").slice(0, 12);
    const dir = path.join(base, `install-${digest}`);
    if (!existsSync(path.join(dir, "node_modules/pulumi-akash/package.json"))) {
      // Test files run in parallel processes: each installs into a directory of its own and
      // renames it into place; a loser of that race uses the winner's identical install.
      const staging = path.join(base, `staging-${process.pid}-${randomBytes(4).toString("hex")}`);
      mkdirSync(staging, { recursive: true });
      writeFileSync(
        path.join(staging, "package.json"),
        JSON.stringify({ name: "engine-tests", private: true }),
      );
      const sdk = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")).devDependencies[
        "@pulumi/pulumi"
      ];
      await exec(
        "npm",
        [
          "install",
          "--no-audit",
          "--no-fund",
          "--prefer-offline",
          "--loglevel=error",
          tarball,
          `@pulumi/pulumi@${sdk}`,
        ],
        { cwd: staging, maxBuffer: 16 * 1024 * 1024 },
      );
      try {
        renameSync(staging, dir);
      } catch {
        // Taken: by a complete install (use it) or by the remains of a killed run (replace them).
        if (!existsSync(path.join(dir, "node_modules/pulumi-akash/package.json"))) {
          rmSync(dir, { recursive: true, force: true });
          renameSync(staging, dir);
        } else {
          rmSync(staging, { recursive: true, force: true });
        }
      }
    }
    rmSync(packDir, { recursive: true, force: true });
    return dir;
  })();
  return installed;
}

/** Copies a Pulumi project (without node_modules) into `dest`. */
export function copyProject(src: string, dest: string): string {
  cpSync(src, dest, {
    recursive: true,
    filter: (p) => !p.split(path.sep).includes("node_modules") && !p.endsWith("package-lock.json"),
  });
  return dest;
}

/**
 * SIGKILLs a process and all its descendants, as a crash would. The pulumi CLI starts its plugins
 * in process groups of their own, so killing the CLI's group alone leaves the provider plugin
 * running (and finishing what it was doing). Linux only: it reads parent ids from /proc.
 */
export function killProcessTree(pid: number): void {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the parenthesised command name: state, ppid, ...
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  for (const p of tree) {
    try {
      process.kill(p, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** Lists the files below a directory, for assertions on what a run left behind. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" });
}
