// Running this package's example projects with the real CLI, as a user would: the project copied
// next to an `npm pack` install of the package, its own stack and state, config pointing at a
// reference API on loopback.
import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import {
  copyProject,
  engineSandbox,
  installedPackageDir,
  mustRunPulumi,
  repoRoot,
  runPulumi,
  type EngineSandbox,
} from "./harness";

export interface Project {
  cwd: string;
  sandbox: EngineSandbox;
  run(args: string[], env?: Record<string, string>): ReturnType<typeof runPulumi>;
  must(args: string[], env?: Record<string, string>): ReturnType<typeof mustRunPulumi>;
  outputs(): Promise<Record<string, unknown>>;
  /** Every file of the state backend, concatenated (for "no secret in state" checks). */
  stateText(): string;
  cleanup(): void;
}

/** Copies examples/<name> (or a fixture dir) below the installed package and inits stack `dev`. */
export async function openProject(
  source: string,
  api: { url: string; apiKey: string },
  config: Record<string, string> = {},
): Promise<Project> {
  const installDir = await installedPackageDir();
  const name = path.basename(source);
  const sandbox = engineSandbox(name);
  const cwd = copyProject(
    path.isAbsolute(source) ? source : path.join(repoRoot, source),
    path.join(installDir, "projects", `${name}-${randomBytes(4).toString("hex")}`),
  );
  const project: Project = {
    cwd,
    sandbox,
    run: (args, env) => runPulumi(args, { cwd, sandbox, ...(env ? { env } : {}), timeoutMs: 300_000 }),
    must: (args, env) => mustRunPulumi(args, { cwd, sandbox, ...(env ? { env } : {}), timeoutMs: 300_000 }),
    outputs: async () =>
      JSON.parse((await project.must(["stack", "output", "--json"])).stdout) as Record<string, unknown>,
    stateText: () => {
      const dir = path.join(sandbox.dir, "state");
      return readdirSync(dir, { recursive: true, encoding: "utf8" })
        .map((f) => {
          try {
            return readFileSync(path.join(dir, f), "utf8");
          } catch {
            return "";
          }
        })
        .join("\n");
    },
    cleanup: () => {
      sandbox.cleanup();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
  await project.must(["stack", "init", "dev"]);
  await project.must(["config", "set", "akash:baseUrl", api.url]);
  await project.must(["config", "set", "--secret", "akash:apiKey", api.apiKey]);
  for (const [key, value] of Object.entries(config)) await project.must(["config", "set", key, value]);
  return project;
}
