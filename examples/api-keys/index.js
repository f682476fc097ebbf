// Two API keys: one for CI (renamable from config), one that expires in a year. The full key is a
// secret output: `pulumi stack output ciKey --show-secrets` prints it.
const pulumi = require("@pulumi/pulumi");
const akash = require("pulumi-akash");

const config = new pulumi.Config();
const ci = new akash.ApiKey("ci", { name: config.get("ciName") ?? "ci-pipeline" });
const expiring = new akash.ApiKey("temporary", {
  name: "temporary-access",
  // A fixed date, so that each `pulumi up` does not see a new expiry (which would replace the key).
  expiresAt: config.get("expiresAt") ?? "2030-01-01T00:00:00Z",
});

exports.ciKey = ci.key;
exports.ciKeyFormat = ci.keyFormat;
exports.temporaryKeyFormat = expiring.keyFormat;
exports.temporaryExpiresAt = expiring.expiresAt;
