import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { apiKeyDescription } from "../resources/api-key";
import { deploymentDescription } from "../resources/deployment";
import { leaseDescription } from "../resources/lease";
import { Deployment } from "./deployment";
import { Lease } from "./lease";
import { withSecretInputs } from "./placeholders";

/** How the engine receives a secret value. */
const asSecret = (value: unknown) => ({
  [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
  value,
});

const resolved = (output: pulumi.Output<unknown>) => new Promise((resolve) => output.apply(resolve));

describe("withSecretInputs", () => {
  test("a secret input becomes a secret Output, also when given as an Output; other inputs are left as given", async () => {
    const sdl = pulumi.output("version: 2.0");
    const args = withSecretInputs(deploymentDescription, { sdl, secrets: pulumi.output({ A: "b" }) });
    assert.equal(args.sdl, sdl);
    assert.ok(pulumi.Output.isInstance(args.secrets));
    assert.equal(await pulumi.isSecret(args.secrets), true);
    assert.deepEqual(await resolved(args.secrets), { A: "b" });
  });

  test("an omitted secret input stays omitted, and a kind without secret inputs keeps its args", () => {
    assert.deepEqual(withSecretInputs(leaseDescription, { dseq: "42", manifest: "[]" }), {
      dseq: "42",
      manifest: "[]",
    });
    assert.deepEqual(withSecretInputs(deploymentDescription, { sdl: "x", secrets: undefined }), {
      sdl: "x",
      secrets: undefined,
    });
    assert.deepEqual(withSecretInputs(apiKeyDescription, { name: "ci" }), { name: "ci" });
  });
});

describe("secret inputs given as plain values", () => {
  const registered = new Map<string, Record<string, unknown>>();
  before(() =>
    pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.set(args.name, args.inputs as Record<string, unknown>);
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "project",
      "stack",
      false,
    ),
  );

  test("reach the engine as secrets (kept encrypted in state): a Lease's certificate, a Deployment's secrets", async () => {
    const certificate = { certPem: "CERT", keyPem: "KEY" };
    const lease = new Lease("web", { dseq: "42", manifest: "[]", certificate });
    const deployment = new Deployment("app", { sdl: "version: 2.0", secrets: { DB_PASSWORD: "hunter2" } });
    await Promise.all([resolved(lease.id), resolved(deployment.id)]);

    const leaseInputs = registered.get("web")!;
    assert.deepEqual(leaseInputs.certificate, asSecret(certificate));
    assert.equal(leaseInputs.dseq, "42", "a plain input stays plain");
    const deploymentInputs = registered.get("app")!;
    assert.deepEqual(deploymentInputs.secrets, asSecret({ DB_PASSWORD: "hunter2" }));
    assert.equal(deploymentInputs.sdl, "version: 2.0");
  });
});
