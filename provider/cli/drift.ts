// `pulumi-akash drift`: a read-only drift check of a stack (its state read with `pulumi stack
// export`, compared with the API through the sdk client; nothing is written), one line per drifted
// resource with its cause and what `up` would do, `--json` for notifications, `--remediate` to run
// `pulumi up --refresh` after reporting. Exit codes follow Pulumi's: 0 in sync, 7 drift, 1 error.
import { writeFileSync } from "node:fs";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { Command, InvalidArgumentError, Option } from "commander";
import { AkashClient, closeAllPools } from "../../sdk";
import { LIVE_API_URL, MISSING_KEY_MESSAGE, resolveSettings, type ProviderSettings } from "../config";
import { apiReader } from "../drift/api-reader";
import { expiryCause, inspect } from "../drift/inspect";
import {
  DRIFT_SCHEMA_VERSION,
  exitCodeOf,
  textReport,
  type DriftReport,
  type DriftedResource,
} from "../drift/report";
import { stateResources } from "../drift/state";

export interface DriftOptions {
  stack?: string;
  cwd: string;
  json: boolean;
  /** Also write the JSON report to this file (text stays on stdout). */
  report?: string;
  remediate: boolean;
  /** ms */
  threshold: number;
}

const UNITS_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "72h", "3d", "90m"; a plain number is hours. */
export function parseThreshold(value: string): number {
  const match = /^(\d+(?:\.\d+)?)([mhd]?)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`expected a duration such as 72h, 3d or 90m, got "${value}"`);
  return Number(match[1]) * UNITS_MS[match[2] || "h"]!;
}

/** Progress on stderr: the start, then (for a large stack) every tenth of the reads, or a live counter on a terminal. */
export function progress(total: number) {
  const large = total >= 50;
  let shown = 0;
  return (done: number) => {
    if (!large) return;
    if (process.stderr.isTTY) {
      process.stderr.write(`\rdrift: read ${done}/${total} resources${done === total ? "\n" : ""}`);
    } else if (Math.floor((done * 10) / total) > shown || done === total) {
      shown = Math.floor((done * 10) / total);
      process.stderr.write(`drift: read ${done}/${total} resources\n`);
    }
  };
}

async function openStack(opts: DriftOptions): Promise<Stack> {
  const workspace = await LocalWorkspace.create({ workDir: opts.cwd });
  const name = opts.stack ?? (await workspace.stack())?.name;
  if (!name) throw new Error("no stack selected: pass --stack <name> or set PULUMI_STACK");
  return LocalWorkspace.selectStack({ stackName: name, workDir: opts.cwd });
}

/** The API a check talks to: the configured base URL (as given when it is no URL), or the live Console API's. */
function apiUrlOf(settings: ProviderSettings): string {
  const url = settings.baseUrl ?? LIVE_API_URL;
  return (URL.canParse(url) ? new URL(url).href : url).replace(/\/+$/, "");
}

/** One check of the stack: its state against the API. Throws when anything cannot be read. */
async function check(stack: Stack, settings: ProviderSettings, opts: DriftOptions): Promise<DriftReport> {
  const resources = stateResources(await stack.exportStack());
  if (!settings.apiKey) throw new Error(MISSING_KEY_MESSAGE);
  const client = new AkashClient({
    apiKey: settings.apiKey,
    ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
    userAgent: "pulumi-akash-drift",
  });
  const reader = apiReader(client, settings.apiKey);
  process.stderr.write(
    `drift: checking ${resources.length} resource(s) of stack ${stack.name} against ${client.baseUrl}\n`,
  );
  await reader.verify();
  const now = await reader.serverNow();
  const drift = await inspect(reader, resources, {
    now,
    thresholdMs: opts.threshold,
    onProgress: progress(resources.length),
  });
  const own = await reader.ownKey();
  const ownExpiry =
    own &&
    expiryCause(
      own,
      { now, thresholdMs: opts.threshold },
      "create a new key and set it as akash:apiKey (or the AKASH_API_KEY secret of the pipeline)",
    );
  if (ownExpiry) {
    const configured: DriftedResource = {
      urn: "",
      type: "StackConfig",
      name: "akash:apiKey",
      id: own.keyFormat,
      causes: [ownExpiry],
    };
    drift.push(configured);
  }
  return {
    ...base(stack.name, client.baseUrl, opts),
    status: drift.length ? "drift" : "in_sync",
    resources: { checked: resources.length, drifted: drift.length },
    drift,
  };
}

function base(stack: string, apiUrl: string, opts: DriftOptions) {
  return {
    schemaVersion: DRIFT_SCHEMA_VERSION,
    stack,
    apiUrl,
    checkedAt: new Date().toISOString(),
    thresholdHours: opts.threshold / 3_600_000,
  };
}

/**
 * The message of an error; for a failed `pulumi` command (the Automation API's CommandError, whose
 * message holds its code, stdout and stderr) the CLI's own `error:` lines.
 */
export function errorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const stderr = /\n stderr: ([\s\S]*?)(?:\n err\?: [\s\S]*)?$/.exec(message)?.[1];
  if (stderr === undefined) return message;
  const errors = stderr.split("\n").filter((line) => line.startsWith("error: "));
  return (errors.length ? errors.join("\n") : stderr).trim();
}

function failed(err: unknown, opts: DriftOptions, apiUrl: string, stack = opts.stack ?? ""): DriftReport {
  return {
    ...base(stack, apiUrl, opts),
    status: "error",
    resources: { checked: 0, drifted: 0 },
    drift: [],
    error: errorMessage(err),
  };
}

async function checkOrFail(stack: Stack, opts: DriftOptions): Promise<DriftReport> {
  // A failure names the API it was checking against: the environment's until the config is read.
  let apiUrl = apiUrlOf(resolveSettings(undefined));
  try {
    const config = await stack.getAllConfig();
    // The provider's own precedence: stack config, then the environment.
    const settings = resolveSettings({ get: (key) => config[key]?.value });
    apiUrl = apiUrlOf(settings);
    return await check(stack, settings, opts);
  } catch (err) {
    return failed(err, opts, apiUrl, stack.name);
  }
}

export async function runDrift(opts: DriftOptions): Promise<number> {
  let report: DriftReport;
  let stack: Stack | undefined;
  try {
    stack = await openStack(opts);
    report = await checkOrFail(stack, opts);
  } catch (err) {
    report = failed(err, opts, apiUrlOf(resolveSettings(undefined)));
  }
  if (!opts.json) process.stdout.write(textReport(report));
  if (opts.remediate && stack && report.status === "drift") {
    const command = "pulumi up --refresh";
    process.stderr.write(`drift: remediating with \`${command}\`\n`);
    try {
      // up's own output goes to stderr: stdout stays the report (JSON with --json).
      await stack.up({ refresh: true, onOutput: (line) => process.stderr.write(line) });
      const after = await checkOrFail(stack, opts);
      report.remediation = { command, succeeded: true, after };
      if (!opts.json) process.stdout.write(`after \`${command}\`:\n${textReport(after)}`);
    } catch (err) {
      const error = errorMessage(err);
      report.remediation = { command, succeeded: false, error };
      if (!opts.json) process.stdout.write(`\`${command}\` failed: ${error}\n`);
    }
  }
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (opts.json) process.stdout.write(json);
  if (opts.report) writeFileSync(opts.report, json);
  await closeAllPools();
  return exitCodeOf(report);
}

export function driftCommand(): Command {
  return new Command("drift")
    .description(
      "Read-only drift check of a stack: one line per drifted resource with its cause and what `pulumi up` would do. " +
        "Exit code 0 in sync, 7 drift (as `pulumi preview --expect-no-changes`), 1 error (an unreachable API or refused key included).",
    )
    .addOption(new Option("-s, --stack <name>", "the stack (default: the selected one)").env("PULUMI_STACK"))
    .option("-C, --cwd <dir>", "the Pulumi project's directory", ".")
    .option("--json", "print the report as JSON (schema in docs/gitops.md)", false)
    .option("--report <file>", "also write the JSON report to this file")
    .option("--remediate", "after reporting drift, run `pulumi up --refresh`, then check again", false)
    .addOption(
      new Option(
        "--threshold <duration>",
        "report escrow running dry, runtime limits and API keys expiring within this (72h, 3d, 90m)",
      )
        .default(parseThreshold("72h"), "72h")
        .argParser(parseThreshold),
    )
    .action(async (flags: DriftOptions) => {
      process.exitCode = await runDrift(flags);
    });
}
