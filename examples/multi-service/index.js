// Two placement groups in one deployment, two leases: the web tier takes the cheapest bid, the
// cache takes the first bid under a price cap. Outputs come in a stable order.
const fs = require("node:fs");
const path = require("node:path");
const akash = require("pulumi-akash");

const sdl = fs.readFileSync(path.join(__dirname, "deploy.yaml"), "utf8");
const deployment = new akash.Deployment("app", { sdl, deposit: 5 });

const api = new akash.Lease("api", {
  dseq: deployment.dseq,
  manifest: deployment.manifest,
  gseq: 1,
  selection: { strategy: "cheapest" },
});
const cache = new akash.Lease("cache", {
  dseq: deployment.dseq,
  manifest: deployment.manifest,
  gseq: 2,
  selection: { strategy: "first", maxPrice: 100000 },
});

exports.dseq = deployment.dseq;
exports.groups = deployment.groups;
exports.apiProvider = api.provider;
exports.apiUris = api.services.apply((s) => s.flatMap((x) => x.uris));
exports.cacheProvider = cache.provider;
exports.cachePorts = cache.forwardedPorts;
