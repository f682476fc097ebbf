#!/usr/bin/env node
// The `pulumi-akash` command: jobs around a Pulumi stack of this package, one file per job.
// Flag errors exit 2, as Pulumi's CLI does; each job sets its own exit code.
import "../../sdk/node-guard";
import { readFileSync } from "node:fs";
import path from "node:path";
import { CommanderError, Command } from "commander";
import { EXIT } from "../drift/report";
import { driftCommand } from "./drift";

const { version } = JSON.parse(readFileSync(path.join(__dirname, "../../../package.json"), "utf8")) as {
  version: string;
};

const program = new Command("pulumi-akash")
  .description("Jobs around a Pulumi stack of pulumi-akash resources")
  .version(version)
  .exitOverride()
  .addCommand(driftCommand().exitOverride());

program.parseAsync(process.argv).then(
  // Exit now: idle keep-alive connections and the engine's helpers must not hold a CI job open.
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : EXIT.usage);
    process.stderr.write(`pulumi-akash: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(EXIT.error);
  },
);
