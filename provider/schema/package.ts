// The package: its metadata, its configuration, and every resource with its docs page. A new
// resource is added to `resources` here (provider/README.md has the whole path).
import { configDescription } from "../config";
import { apiKeyDescription } from "../resources/api-key";
import { certificateDescription } from "../resources/certificate";
import { deploymentDescription } from "../resources/deployment";
import { leaseDescription } from "../resources/lease";
import { stackIdentityDescription } from "../resources/stack-identity";
import { workloadDescription } from "../resources/workload";
import { PACKAGE, type ResourceDescription } from "./describe";

export const packageMetadata = {
  name: PACKAGE,
  displayName: "Akash (Console managed wallet)",
  description:
    "Akash Network workloads through the Akash Console managed-wallet API: API keys, certificates, deployments (SDL + USD escrow deposit) and leases.",
  keywords: ["pulumi", "akash", "category/cloud", "kind/native"],
  license: "Apache-2.0",
  publisher: "pulumi-akash",
  // What `pulumi package gen-sdk` names each language's SDK (pulumi-sdks/, docs/<language>.md).
  // respectSchemaVersion: the SDKs carry this package's version, so the engine loads the plugin of
  // the same version (without it, Python's says 0.0.0 and Go's none).
  language: {
    nodejs: {
      packageName: "pulumi-akash",
      packageDescription: "Akash Network resources for Pulumi (managed-wallet API)",
    },
    python: {
      packageName: "pulumi_akash",
      respectSchemaVersion: true,
      // the newest `pulumi` on PyPI; an older SDK with a newer engine is a supported pairing
      requires: { pulumi: ">=3.272.0,<4.0.0" },
      pyproject: { enabled: true },
    },
    go: {
      importBasePath: "github.com/pulumi-akash/pulumi-akash/pulumi-sdks/go/akash",
      respectSchemaVersion: true,
      generateResourceContainerTypes: true,
    },
    java: {
      basePackage: "io.github.pulumiakash",
      // com.pulumi:pulumi as Maven Central serves it: its newest, 1.36.1 (1.34.0, the host's, is not found there)
      dependencies: { "com.pulumi:pulumi": "1.36.1" },
    },
    csharp: {
      rootNamespace: "PulumiAkash",
      respectSchemaVersion: true,
      packageReferences: { Pulumi: "3.*" },
    },
  },
  providerDescription: "The akash provider. Settings come from stack config (akash:*) or the environment.",
};

export const config = { description: configDescription, page: "docs/provider-config.md" };

/** Every resource, with the docs page (relative to the repository root) whose tables it fills. */
export const resources: { description: ResourceDescription; page?: string }[] = [
  { description: apiKeyDescription, page: "docs/api-key.md" },
  { description: certificateDescription, page: "docs/certificate.md" },
  { description: deploymentDescription, page: "docs/deployment.md" },
  { description: leaseDescription, page: "docs/lease.md" },
  // Made by the first Deployment of a program; nothing to document beside its description.
  { description: stackIdentityDescription },
  { description: workloadDescription, page: "docs/workload.md" },
];
