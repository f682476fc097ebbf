#!/usr/bin/env node
// `pulumi-resource-akash`: the provider plugin the Pulumi engine starts for programs in any language
// (YAML, Python, Go, .NET, and Node through a generated SDK). The engine passes its own address as
// the first argument and reads the port to call from the first line of stdout.
import "../../sdk/node-guard";
import { AkashPluginProvider, serve } from "./service";

async function main(): Promise<void> {
  // stdout is the engine's channel for the port: anything a dependency prints goes to stderr.
  console.log = (...args: unknown[]) => console.error(...args);
  const provider = new AkashPluginProvider();
  provider.log.connect(process.argv.slice(2).find((a) => !a.startsWith("-")));
  const { port } = await serve(provider);
  process.stdout.write(`${port}\n`);
}

main().catch((err: unknown) => {
  console.error(`pulumi-resource-akash: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
