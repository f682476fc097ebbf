// A named deployment that stops itself after `runtimeLimitHours` (the API closes it and refunds the
// rest), with the database password kept out of the SDL: deploy.yaml references it as
// ac-secret://DB_PASSWORD and the value, from `pulumi config set --secret dbPassword ...`, is sealed
// on this machine to the API's key. Needs an API with names, runtime limits and sealed secrets (the
// live Console since 2026-09, or the reference server); preview says so on one without.
const fs = require("node:fs");
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const akash = require("pulumi-akash");

const config = new pulumi.Config();
const sdl = fs
  .readFileSync(path.join(__dirname, "deploy.yaml"), "utf8")
  .replace("image: nginx:1.25.3", `image: ${config.get("image") ?? "nginx:1.25.3"}`);

const deployment = new akash.Deployment("app", {
  sdl,
  name: config.get("name") ?? "secrets-example",
  runtimeLimitHours: config.getNumber("runtimeLimitHours") ?? 24,
  secrets: { DB_PASSWORD: config.requireSecret("dbPassword") },
  // Counts where deposits fund deployments (AEP-63); an API with automatic funding ignores it and says so once.
  deposit: config.getNumber("deposit") ?? 5,
});
const lease = new akash.Lease("app", { dseq: deployment.dseq, manifest: deployment.manifest });

exports.dseq = deployment.dseq;
exports.name = deployment.name;
exports.funding = deployment.funding;
// The runtime clock starts with the lease, after the Deployment was created: the first `up` cannot
// know when it ends (null); the next `pulumi refresh` reads it, and the `up` after that shows it.
exports.runtimeEndsAt = deployment.runtimeEndsAt.apply((endsAt) => endsAt ?? null);
exports.manifestVersion = deployment.manifestVersion;
exports.url = lease.services.apply((services) => {
  const uri = services.flatMap((s) => s.uris)[0];
  return uri ? `http://${uri}` : "(no URI yet)";
});
