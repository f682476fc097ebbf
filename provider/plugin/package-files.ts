// The package files the plugin answers with (schema.json for GetSchema, package.json's version for
// GetPluginInfo): read beside the compiled code in the npm package, or from the assets embedded in
// the self-contained executable (tools/build-plugin.sh), which has no package directory to read.
import { readFileSync } from "node:fs";
import path from "node:path";
import * as sea from "node:sea";

const packageRoot = path.resolve(__dirname, "../../..");

export function packageFile(name: "schema.json" | "package.json"): string {
  return sea.isSea() ? sea.getAsset(name, "utf8") : readFileSync(path.join(packageRoot, name), "utf8");
}
