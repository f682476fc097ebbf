// Everything this stack runs is in its config file (Pulumi.<stack>.yaml), so a pull request that
// changes it is the change: CI previews it, a merge applies it, a schedule checks for drift.
// Config: workloads (name -> {image, deposit, minEscrowUsd, selection, name, runtimeLimitHours}), apiKeys (name -> {name,
// expiresAt}); the Akash API key and URL come from the pipeline's secrets (AKASH_API_KEY, AKASH_API_URL).
const fs = require("node:fs");
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const akash = require("pulumi-akash");

const config = new pulumi.Config();
const template = fs.readFileSync(path.join(__dirname, "deploy.yaml"), "utf8");

const workloads = {};
for (const [name, w] of Object.entries(config.getObject("workloads") ?? { web: {} })) {
  workloads[name] = new akash.Workload(name, {
    sdl: template.replace("image: nginx:1.25.3", `image: ${w.image ?? "nginx:1.25.3"}`),
    deposit: w.deposit ?? 5,
    minEscrowUsd: w.minEscrowUsd,
    selection: w.selection,
    name: w.name,
    runtimeLimitHours: w.runtimeLimitHours,
  });
}
for (const [name, k] of Object.entries(config.getObject("apiKeys") ?? {})) {
  new akash.ApiKey(name, { name: k.name ?? name, expiresAt: k.expiresAt });
}

exports.dseqs = pulumi.all(Object.fromEntries(Object.entries(workloads).map(([name, w]) => [name, w.dseq])));
exports.uris = pulumi.all(Object.fromEntries(Object.entries(workloads).map(([name, w]) => [name, w.uris])));
