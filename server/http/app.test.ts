import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { routeList } from "../../sdk";
import { startServer, type RunningServer } from "../index";
import { ManualClock } from "../market";
import { client, helloSdl } from "../test-support/http";

describe("server surface: /, /status, /v1/doc, /v1/swagger, admin clock, faults, console", () => {
  const servers: RunningServer[] = [];
  const start = async (options: Parameters<typeof startServer>[0] = {}) => {
    const server = await startServer({ logLevel: "silent", ...options });
    servers.push(server);
    return server;
  };
  after(() => Promise.all(servers.map((s) => s.close())));

  test("/status answers version, uptime and memory without credentials", async () => {
    const server = await start();
    const status = await client(server.url)("GET", "/status");
    assert.equal(status.status, 200);
    assert.match(status.body.version, /^\d+\.\d+\.\d+/);
    // As the live API answers them (a Console client parses these strings): "30.1 MB".
    for (const field of ["rss", "heapTotal", "heapUsed", "external"]) {
      assert.match(status.body.memory[field], /^\d+\.\d MB$/, field);
    }
    assert.ok(Number.parseFloat(status.body.memory.rss) > 0);
    assert.equal(typeof status.body.uptime, "number");
  });

  test("every answer's Date header is the server's clock, simulated or moved", async () => {
    const clock = new ManualClock({ startMs: Date.UTC(2030, 0, 2, 3, 4, 5) });
    const server = await start({ clock });
    assert.equal(
      (await client(server.url)("GET", "/status")).headers.get("date"),
      "Wed, 02 Jan 2030 03:04:05 GMT",
    );
    clock.advanceMs(3_600_000);
    assert.equal(
      (await client(server.url)("GET", "/nowhere")).headers.get("date"),
      "Wed, 02 Jan 2030 04:04:05 GMT",
    );
  });

  test("/v1/doc is OpenAPI 3.1 with every operation of the contract and both security schemes", async () => {
    const server = await start();
    const doc = (await client(server.url)("GET", "/v1/doc")).body;
    assert.equal(doc.openapi, "3.1.0");
    const served = new Set(
      Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((methods) =>
        Object.values(methods).map((op) => op.operationId),
      ),
    );
    for (const route of routeList) assert.ok(served.has(route.operationId), route.operationId);
    assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ["ApiKeyAuth", "BearerAuth"]);
    assert.equal(
      doc.paths["/v1/deployments/{dseq}"].get.responses["404"].content["application/json"].schema.$ref,
      "#/components/schemas/ErrorBody",
    );
    // The 2026-11 API: every new field and route, deprecations, the public funding config.
    const create = doc.paths["/v1/deployments"].post.requestBody.content["application/json"].schema;
    const createData = create.properties.data.properties;
    for (const field of [
      "sdl",
      "deposit",
      "name",
      "runtimeLimitHours",
      "sealedSecrets",
      "inheritSecretsFrom",
    ])
      assert.ok(createData[field], `create: ${field}`);
    assert.equal(createData.deposit.deprecated, true);
    assert.equal(doc.paths["/v1/deployments/{dseq}"].put.deprecated, true, "PUT is deprecated");
    assert.equal(doc.paths["/v1/deployments/{dseq}"].patch.operationId, "patchDeployment");
    assert.deepEqual(doc.paths["/v1/deployment-funding-config"].get.security, [], "public");
    const detail = JSON.stringify(doc.components.schemas.DeploymentDetail);
    for (const field of ["name", "consoleSettings", "settings"])
      assert.match(detail, new RegExp(`"${field}"`));
    const list = doc.paths["/v1/deployments"].get.parameters.map((p: { name: string }) => p.name);
    assert.deepEqual(list.sort(), ["limit", "reverse", "search", "skip", "state"]);
    const settings = JSON.stringify(doc.paths["/v2/deployment-settings/{dseq}"].patch.requestBody);
    assert.match(settings, /runtimeLimitHours/);
    assert.ok(doc.paths["/v1/sdl-secrets-context"].get);
    assert.ok(doc.paths["/v1/deployment-names"].get);
  });

  test("/v1/swagger loads only its own assets from this server, each with its type, cached a year", async () => {
    const server = await start();
    const api = client(server.url);
    const page = await api("GET", "/v1/swagger");
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self';/);
    const urls = [...page.text.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1] ?? "");
    const types: Record<string, RegExp> = { css: /^text\/css/, js: /^text\/javascript/, png: /^image\/png$/ };
    assert.deepEqual([...new Set(urls.map((url) => url.split(".").pop()))].sort(), ["css", "js", "png"]);
    for (const url of urls) {
      assert.match(url, /^\/v1\/swagger\/assets\/[^/]+$/, "a path on this server");
      const asset = await fetch(`${server.url}${url}`);
      assert.equal(asset.status, 200, url);
      assert.match(asset.headers.get("content-type") ?? "", types[url.split(".").pop() ?? ""]!, url);
      assert.equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable", url);
      const body = await asset.text();
      assert.ok(body.length > 0, url);
      if (url.includes("/init.")) assert.match(body, /"url":"\/v1\/doc"/);
    }
    assert.equal(
      (await api("GET", "/v1/swagger/assets/swagger-ui.css")).status,
      404,
      "only the hashed names",
    );
  });

  test("unknown routes answer a JSON 404", async () => {
    const server = await start();
    const answer = await client(server.url)("GET", "/v1/nothing-here");
    assert.equal(answer.status, 404);
    assert.equal(answer.body.error, "NotFoundError");
  });

  test("admin clock routes: absent by default; when enabled they need the admin token and move time", async () => {
    const closed = await start();
    assert.equal((await client(closed.url)("POST", "/admin/clock/advance", { blocks: 1 })).status, 404);
    await assert.rejects(start({ adminRoutes: true }), /adminToken is required when the admin routes are on/);
    const server = await start({
      adminRoutes: true,
      adminToken: "s3cret-admin-token",
      clock: new ManualClock({ startMs: Date.UTC(2026, 0, 1) }),
    });
    const stranger = client(server.url);
    assert.equal((await stranger("GET", "/admin/clock")).status, 401);
    const wrong = await stranger("POST", "/admin/clock/advance", { blocks: 5 }, { "x-admin-token": "guess" });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body.message, /x-admin-token/);
    const admin: typeof stranger = (method, path, body) =>
      stranger(method, path, body, { "x-admin-token": "s3cret-admin-token" });
    const before = (await admin("GET", "/admin/clock")).body;
    const moved = (await admin("POST", "/admin/clock/advance", { blocks: 10 })).body;
    assert.equal(moved.height, before.height + 10, "the refused requests did not move the clock");
    assert.equal((await admin("POST", "/admin/clock/advance", { blocks: -1 })).status, 400);
    assert.equal((await admin("POST", "/admin/clock/advance", "nope")).status, 400);
  });

  test("/ points browsers and API clients to the console and Swagger UI (it was a JSON 404)", async () => {
    const server = await start();
    const json = await client(server.url)("GET", "/");
    assert.equal(json.status, 200);
    assert.deepEqual(json.body.links, {
      console: "/console/",
      swagger: "/v1/swagger",
      openapi: "/v1/doc",
      status: "/status",
    });
    const page = await client(server.url)("GET", "/", undefined, { accept: "text/html,*/*;q=0.8" });
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    for (const href of ["/console/", "/v1/swagger", "/v1/doc"])
      assert.ok(page.text.includes(`href="${href}"`), href);
  });

  test("faults: errorRate 1 answers 503 before anything runs; latency is added", async () => {
    const failing = await start({ faults: { errorRate: 1 } });
    const { apiKey } = await failing.createUser("fault@example.com", 10);
    const answer = await client(failing.url, apiKey)("POST", "/v1/deployments", {
      data: { sdl: helloSdl(), deposit: 5 },
    });
    assert.equal(answer.status, 503);
    assert.equal(answer.body.code, "injected_fault");
    assert.equal((await client(failing.url)("GET", "/status")).status, 200);
    const slow = await start({ faults: { latencyMs: 150 } });
    const started = performance.now();
    await client(slow.url)("GET", "/v1/deployments");
    assert.ok(performance.now() - started >= 140);
  });

  test("faults: bid drought -> no bids; providers offline -> no bids and no lease status", async () => {
    for (const faults of [{ bidDrought: true }, { providersOffline: true }]) {
      const clock = new ManualClock({ startMs: Date.UTC(2026, 0, 1) });
      const server = await start({ clock, faults });
      const api = client(server.url, (await server.createUser("drought@example.com", 10)).apiKey);
      const { dseq } = (await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } })).body
        .data;
      clock.advanceMs(60_000);
      assert.deepEqual(
        (await api("GET", `/v1/bids?dseq=${dseq}`)).body,
        { data: [] },
        JSON.stringify(faults),
      );
    }
  });

  test("the web console is served under /console", async () => {
    const server = await start();
    const answer = await fetch(`${server.url}/console/`);
    // 200 with the page once built, 503 saying how to build it before: either way the console's own answer.
    assert.ok([200, 503].includes(answer.status), String(answer.status));
    assert.match(answer.headers.get("content-security-policy") ?? "", /default-src 'none'/);
    assert.equal((await fetch(`${server.url}/console`, { redirect: "manual" })).status, 308);
  });
});
