// State names each resource's provider by a subpath of this package (`pulumi-akash/dynamic/<kind>`):
// a kind without its published entry would make the engine serialize the provider's code by value,
// and an entry that loads something other than a provider breaks every refresh and destroy.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { resourceKinds } from "../adapter/kinds";

const packageJson = JSON.parse(readFileSync(path.join(__dirname, "../../../package.json"), "utf8")) as {
  exports: Record<string, string>;
};
const kebab = (kind: string) => kind.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

test("every resource kind's provider is published under pulumi-akash/dynamic/<kind> and loads by that name", () => {
  for (const kind of Object.keys(resourceKinds)) {
    const subpath = `./dynamic/${kebab(kind)}`;
    assert.equal(packageJson.exports[subpath], `./dist/provider/dynamic/entry/${kebab(kind)}.js`, subpath);
    // The package's own name, as the provider process resolves it from state.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the name state holds
    const provider = require(`pulumi-akash/dynamic/${kebab(kind)}`) as Record<string, unknown>;
    for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"]) {
      assert.equal(typeof provider[method], "function", `${subpath}: ${method}`);
    }
  }
});
