// schema.json must describe exactly what the resources take and return: the same input and output
// names, the same secrets, the same nested type fields and the same config keys. The field lists are
// checked against the TypeScript args and classes at build time, so this closes the loop.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { CONFIG_KEYS } from "./config";
import { apiKeyFields } from "./resources/api-key";
import { certificateFields } from "./resources/certificate";
import { deploymentFields, groupOutputKeys, leaseSummaryKeys } from "./resources/deployment";
import { escrowOutputKeys } from "./resources/escrow";
import { bidSelectionKeys, leaseFields } from "./resources/lease";
import { forwardedPortKeys, ipOutputKeys, serviceOutputKeys } from "./resources/lease-status";
import { stackIdentityFields } from "./resources/stack-identity";
import { workloadFields, workloadServiceKeys } from "./workload";

interface SchemaProperty {
  type?: string;
  secret?: boolean;
  $ref?: string;
  items?: SchemaProperty;
}
interface SchemaObject {
  inputProperties?: Record<string, SchemaProperty>;
  properties?: Record<string, SchemaProperty>;
  requiredInputs?: string[];
  required?: string[];
  isComponent?: boolean;
}
interface Schema {
  name: string;
  config: { variables: Record<string, SchemaProperty> };
  types: Record<string, SchemaObject>;
  resources: Record<string, SchemaObject>;
}

const schema = JSON.parse(readFileSync(path.resolve(__dirname, "../../schema.json"), "utf8")) as Schema;
const sorted = (names: Iterable<string>) => [...names].sort();

const resources = [
  apiKeyFields,
  certificateFields,
  deploymentFields,
  leaseFields,
  stackIdentityFields,
  workloadFields,
];

describe("schema.json agrees with the resources", () => {
  test("package name and the set of resources", () => {
    assert.equal(schema.name, "akash");
    assert.deepEqual(sorted(Object.keys(schema.resources)), sorted(resources.map((r) => r.token)));
    assert.equal(schema.resources["akash:index:Workload"]?.isComponent, true);
  });

  for (const fields of resources) {
    test(`${fields.token}: inputs, outputs and secrets`, () => {
      const resource = schema.resources[fields.token];
      assert.ok(resource, `${fields.token} missing from schema.json`);
      assert.deepEqual(
        sorted(Object.keys(resource.inputProperties ?? {})),
        sorted(fields.inputs),
        "input names",
      );
      const inputs: readonly string[] = fields.inputs;
      const outputs: readonly string[] =
        fields.token === workloadFields.token ? fields.outputs : [...fields.inputs, ...fields.outputs];
      assert.deepEqual(sorted(Object.keys(resource.properties ?? {})), sorted(outputs), "output names");
      const secrets = Object.entries(resource.properties ?? {})
        .filter(([, p]) => p.secret)
        .map(([k]) => k);
      assert.deepEqual(sorted(secrets), sorted(fields.secretOutputs), "secret outputs");
      for (const name of resource.requiredInputs ?? [])
        assert.ok(inputs.includes(name), `required input ${name}`);
      for (const name of resource.required ?? [])
        assert.ok(outputs.includes(name), `required output ${name}`);
    });
  }

  test("nested types list the same fields as the TypeScript types", () => {
    const expected: Record<string, readonly string[]> = {
      "akash:index:BidSelection": bidSelectionKeys,
      "akash:index:Escrow": escrowOutputKeys,
      "akash:index:DeploymentGroup": groupOutputKeys,
      "akash:index:LeaseSummary": leaseSummaryKeys,
      "akash:index:Service": serviceOutputKeys,
      "akash:index:ForwardedPort": forwardedPortKeys,
      "akash:index:Ip": ipOutputKeys,
      "akash:index:WorkloadService": workloadServiceKeys,
      "akash:index:CertificatePair": ["certPem", "keyPem"],
    };
    assert.deepEqual(sorted(Object.keys(schema.types)), sorted(Object.keys(expected)));
    for (const [token, keys] of Object.entries(expected)) {
      assert.deepEqual(sorted(Object.keys(schema.types[token]?.properties ?? {})), sorted(keys), token);
    }
  });

  test("every $ref points at a declared type", () => {
    const refs = JSON.stringify(schema).match(/"#\/types\/[^"]+"/g) ?? [];
    for (const ref of refs) {
      const token = ref.slice('"#/types/'.length, -1);
      assert.ok(schema.types[token], `${ref} is not declared`);
    }
  });

  test("config: the keys the provider reads, the API key secret", () => {
    assert.deepEqual(sorted(Object.keys(schema.config.variables)), sorted(CONFIG_KEYS));
    assert.equal(schema.config.variables.apiKey?.secret, true);
  });
});
