// The seed guide's flow as infrastructure as code: deploy.yaml -> Deployment ($5 deposit) -> Lease
// with the cheapest bid -> the service URL. Config: akash:apiKey (secret), akash:baseUrl, deposit, image,
// minEscrowUsd.
const fs = require("node:fs");
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const akash = require("pulumi-akash");

const config = new pulumi.Config();
// deploy.yaml is the guide's SDL verbatim; the image is swappable from config.
const sdl = fs
  .readFileSync(path.join(__dirname, "deploy.yaml"), "utf8")
  .replace("image: nginx:1.25.3", `image: ${config.get("image") ?? "nginx:1.25.3"}`);

const deployment = new akash.Deployment("nginx", {
  sdl,
  deposit: config.getNumber("deposit") ?? 5,
  // Optional funding policy: below this escrow balance, refresh and preview report drift.
  minEscrowUsd: config.getNumber("minEscrowUsd"),
});
const lease = new akash.Lease("nginx", { dseq: deployment.dseq, manifest: deployment.manifest });

exports.dseq = deployment.dseq;
exports.provider = lease.provider;
exports.price = pulumi.interpolate`${lease.price} ${lease.denom}/block`;
exports.uris = lease.services.apply((services) => services.flatMap((s) => s.uris));
exports.url = exports.uris.apply((uris) => (uris[0] ? `http://${uris[0]}` : "(no URI yet)"));
exports.escrowUsd = deployment.escrow.apply((e) => e.balanceUsd);
