import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { compareGroupResources, compileSdl, InvalidSdlError } from "./sdl";
import { DEFAULT_AUDITOR, GPU_SDL, IP_SDL, MULTI_GROUP_SDL, NGINX_SDL } from "./testing/sdl-fixtures";

// What chain-sdk 1.0.0-alpha.25 produces for the seed SDL; the live API sends exactly this string.
const NGINX_MANIFEST =
  '[{"name":"akash","services":[{"args":null,"command":null,"count":1,"credentials":null,"env":null,' +
  '"expose":[{"endpointSequenceNumber":0,"externalPort":0,"global":true,"hosts":null,"httpOptions":' +
  '{"maxBodySize":1048576,"nextCases":["error","timeout"],"nextTimeout":0,"nextTries":3,"readTimeout":60000,' +
  '"sendTimeout":60000},"ip":"","port":80,"proto":"TCP","service":""}],"image":"nginx:1.25.3","name":"web",' +
  '"resources":{"cpu":{"units":{"val":"500"}},"endpoints":[{"sequence_number":0}],"gpu":{"units":{"val":"0"}},' +
  '"id":1,"memory":{"size":{"val":"536870912"}},"storage":[{"name":"default","size":{"val":"536870912"}}]}}]}]';

describe("compileSdl", () => {
  test("the seed guide's nginx SDL gives the live manifest and its sha256 as hash", async () => {
    const compiled = await compileSdl(NGINX_SDL, { denom: "uact" });
    assert.equal(compiled.manifest, NGINX_MANIFEST);
    const sha = createHash("sha256").update(compiled.manifest).digest("base64");
    assert.equal(compiled.hash, sha);
    assert.equal(compiled.hash, "b4zglCzSL9/VVZRp/RFfcVm5N9ljFqiYxMgUh38ZSn4=");
  });

  test("the nginx group has the resources, price and service of the SDL", async () => {
    const { groups } = await compileSdl(NGINX_SDL, { denom: "uact" });
    assert.equal(groups.length, 1);
    const [group] = groups;
    assert.equal(group?.name, "akash");
    assert.deepEqual(group?.requirements, { attributes: [], signedBy: { allOf: [], anyOf: [] } });
    const resource = group?.resources[0];
    assert.equal(resource?.cpuMillis, 500);
    assert.equal(resource?.memoryBytes, 512 * 1024 * 1024);
    assert.deepEqual(resource?.storage, [
      { name: "default", bytes: 512 * 1024 * 1024, persistent: false, attributes: [] },
    ]);
    assert.deepEqual(resource?.gpu, { units: 0, models: [] });
    assert.deepEqual(resource?.endpoints, [{ kind: "SHARED_HTTP", sequenceNumber: 0 }]);
    assert.equal(resource?.count, 1);
    assert.deepEqual(resource?.price, { denom: "uact", amount: "1000" });
    assert.deepEqual(resource?.chain.cpu, { units: { val: "500" }, attributes: [] });
    assert.deepEqual(resource?.chain.endpoints, [{ kind: "SHARED_HTTP", sequence_number: 0 }]);
    assert.deepEqual(group?.services, [
      {
        name: "web",
        image: "nginx:1.25.3",
        command: [],
        args: [],
        env: [],
        count: 1,
        resourceId: 1,
        expose: [
          { port: 80, externalPort: 0, proto: "TCP", global: true, hosts: [], endpointSequenceNumber: 0 },
        ],
      },
    ]);
  });

  test("pricing denoms are forced to the server's denom, whatever the SDL says", async () => {
    for (const denom of ["uact", "uakt"]) {
      const { groups } = await compileSdl(MULTI_GROUP_SDL, { denom });
      assert.deepEqual(
        groups.flatMap((g) => g.resources.map((r) => r.price.denom)),
        [denom, denom],
      );
    }
  });

  test("allowed auditors are appended to every placement's signedBy.anyOf once", async () => {
    const { groups } = await compileSdl(MULTI_GROUP_SDL, {
      denom: "uact",
      allowedAuditors: [DEFAULT_AUDITOR],
    });
    for (const group of groups) assert.deepEqual(group.requirements.signedBy.anyOf, [DEFAULT_AUDITOR]);
    assert.deepEqual(groups.find((g) => g.name === "core")?.requirements.signedBy.allOf, [DEFAULT_AUDITOR]);
  });

  test("a multi-group SDL gives one group per placement with its own attributes, services and counts", async () => {
    const { groups } = await compileSdl(MULTI_GROUP_SDL, { denom: "uact" });
    assert.deepEqual(
      groups.map((g) => g.name),
      ["core", "edge"],
    );
    const edge = groups.find((g) => g.name === "edge");
    const core = groups.find((g) => g.name === "core");
    assert.deepEqual(edge?.requirements.attributes, [{ key: "tier", value: "community" }]);
    assert.deepEqual(core?.requirements.attributes, [{ key: "region", value: "us-east" }]);
    assert.equal(edge?.resources[0]?.count, 2);
    assert.deepEqual(edge?.resources[0]?.price, { denom: "uact", amount: "10.5" });
    assert.deepEqual(
      edge?.services.map((s) => [s.name, s.count, s.env]),
      [["api", 2, ["DATABASE_HOST=db"]]],
    );
    assert.deepEqual(edge?.services[0]?.expose[0], {
      port: 8080,
      externalPort: 80,
      proto: "TCP",
      global: true,
      hosts: [],
      endpointSequenceNumber: 0,
    });
    const dbExpose = core?.services[0]?.expose[0];
    assert.equal(dbExpose?.service, "api");
    assert.equal(dbExpose?.global, false);
    assert.deepEqual(core?.resources[0]?.storage[1], {
      name: "data",
      bytes: 20 * 1024 ** 3,
      persistent: true,
      class: "beta3",
      attributes: [
        { key: "class", value: "beta3" },
        { key: "persistent", value: "true" },
      ],
    });
  });

  test("GPU units and the accepted models are read from the SDL", async () => {
    const { groups } = await compileSdl(GPU_SDL, { denom: "uact" });
    const resource = groups[0]?.resources[0];
    assert.deepEqual(resource?.gpu, {
      units: 1,
      models: [
        { vendor: "nvidia", model: "h100" },
        { vendor: "nvidia", model: "a100" },
      ],
    });
    assert.deepEqual(
      resource?.chain.gpu.attributes.map((a) => a.key),
      ["vendor/nvidia/model/h100", "vendor/nvidia/model/a100"],
    );
  });

  test("IP endpoints become LEASED_IP endpoints and exposes name their IP", async () => {
    const { groups } = await compileSdl(IP_SDL, { denom: "uact" });
    const resource = groups[0]?.resources[0];
    assert.ok(resource?.endpoints.some((e) => e.kind === "LEASED_IP"));
    assert.ok(resource?.endpoints.some((e) => e.kind === "RANDOM_PORT"));
    const exposes = groups[0]?.services[0]?.expose ?? [];
    assert.deepEqual(
      exposes.filter((e) => e.ip === "myip").map((e) => e.port),
      [80, 443],
    );
    assert.deepEqual(
      exposes.filter((e) => e.proto === "UDP").map((e) => e.port),
      [5353],
    );
  });

  test("an image change gives a new manifest and hash", async () => {
    const before = await compileSdl(NGINX_SDL, { denom: "uact" });
    const after = await compileSdl(NGINX_SDL.replace("nginx:1.25.3", "nginx:1.27.0"), { denom: "uact" });
    assert.notEqual(after.hash, before.hash);
    assert.match(after.manifest, /nginx:1\.27\.0/);
  });
});

describe("invalid SDL", () => {
  async function rejection(sdl: string): Promise<InvalidSdlError> {
    try {
      await compileSdl(sdl, { denom: "uact" });
    } catch (error) {
      assert.ok(error instanceof InvalidSdlError, `expected InvalidSdlError, got ${String(error)}`);
      return error;
    }
    assert.fail("the SDL was accepted");
  }

  test("a non-object document gets the validator's message, as the live API says it", async () => {
    const error = await rejection("invalid-sdl");
    assert.equal(error.message, 'Invalid SDL: "" should be object.');
    assert.deepEqual(error.messages, ['"" should be object.']);
    assert.equal(error.name, "InvalidSdlError");
  });

  test("missing sections are all listed, comma-separated", async () => {
    const error = await rejection('version: "2.0"\nservices: {}\n');
    assert.equal(
      error.message,
      'Invalid SDL: Missing required field: "profiles"., Missing required field: "deployment".',
    );
  });

  test("a YAML syntax error is reported with the parser's message", async () => {
    const error = await rejection("a: 1\na: 2\n");
    assert.match(error.message, /^Invalid SDL: duplicated mapping key/);
  });

  test("a deployment naming an unknown placement is explained", async () => {
    const error = await rejection(
      NGINX_SDL.replace("    akash:\n      profile: web", "    nowhere:\n      profile: web"),
    );
    assert.match(error.message, /The placement "nowhere" is not defined in the "placement" section/);
  });

  test("empty and scalar documents are rejected, not thrown as something else", async () => {
    for (const sdl of ["", "null", "42", "[]", "{}"]) await rejection(sdl);
  });
});

describe("compareGroupResources", () => {
  const compile = async (sdl: string) => (await compileSdl(sdl, { denom: "uact" })).groups;

  test("image, env and price changes keep the resources the same", async () => {
    const before = await compile(MULTI_GROUP_SDL);
    const after = await compile(
      MULTI_GROUP_SDL.replace("api:1.0.0", "api:1.1.0")
        .replace("DATABASE_HOST=db", "DATABASE_HOST=db2")
        .replace("10.5", "20"),
    );
    assert.deepEqual(compareGroupResources(before, after), { same: true });
  });

  test("cpu, memory, count and storage changes are each reported in plain words", async () => {
    const before = await compile(MULTI_GROUP_SDL);
    const after = await compile(
      MULTI_GROUP_SDL.replace("units: 2", "units: 4")
        .replace("size: 4Gi", "size: 8Gi")
        .replace("count: 2", "count: 3")
        .replace("size: 20Gi", "size: 40Gi"),
    );
    const result = compareGroupResources(before, after);
    assert.equal(result.same, false);
    const changed = result.same ? [] : result.changed;
    assert.ok(
      changed.includes('group "core" resource 1 (service db): cpu changed from 2000m to 4000m'),
      changed.join("\n"),
    );
    assert.ok(changed.some((c) => c.startsWith('group "core" resource 1 (service db): memory changed')));
    assert.ok(changed.includes('group "edge" resource 1 (service api): count changed from 2 to 3'));
    assert.ok(changed.some((c) => c.includes("storage changed") && c.includes("data=42949672960 bytes")));
  });

  test("added and removed groups are reported", async () => {
    const two = await compile(MULTI_GROUP_SDL);
    const one = await compile(NGINX_SDL);
    const result = compareGroupResources(one, two);
    assert.deepEqual(result, {
      same: false,
      changed: ['group "core" was added', 'group "edge" was added', 'group "akash" was removed'],
    });
  });

  test("a GPU model change is a resource change", async () => {
    const before = await compile(GPU_SDL);
    const after = await compile(GPU_SDL.replace("model: a100", "model: l40s"));
    const result = compareGroupResources(before, after);
    assert.equal(result.same, false);
    assert.match(
      result.same ? "" : (result.changed[0] ?? ""),
      /gpu changed from 1 unit\(s\) of .*a100 to .*l40s/,
    );
  });
});
