// N workloads from config (`pulumi config set count 20`). Pulumi creates them in parallel; each
// Workload is a Deployment plus a Lease per placement group.
const pulumi = require("@pulumi/pulumi");
const akash = require("pulumi-akash");

const config = new pulumi.Config();
const count = config.getNumber("count") ?? 3;

const sdl = (i) => `
version: "2.0"
services:
  web:
    image: nginx:1.25.3
    env:
      - REPLICA_INDEX=${i}
    expose:
      - port: 80
        to:
          - global: true
profiles:
  compute:
    web:
      resources:
        cpu: { units: 0.25 }
        memory: { size: 256Mi }
        storage: { size: 256Mi }
  placement:
    akash:
      pricing:
        web: { denom: uakt, amount: 1000 }
deployment:
  web:
    akash: { profile: web, count: 1 }
`;

// Optional: providers to avoid (`pulumi config set --path 'deniedProviders[0]' akash1...`). Denying
// a provider that runs a workload replaces that workload's deployment, which then bids again.
const deniedProviders = config.getObject("deniedProviders") ?? [];

const workloads = Array.from(
  { length: count },
  (_, i) => new akash.Workload(`web-${i}`, { sdl: sdl(i), deposit: 5, selection: { deniedProviders } }),
);

exports.dseqs = pulumi.all(workloads.map((w) => w.dseq));
exports.providers = pulumi
  .all(workloads.map((w) => w.services))
  .apply((all) => all.map((s) => s[0]?.provider));
exports.uris = pulumi.all(workloads.map((w) => w.uris)).apply((lists) => lists.flat());
