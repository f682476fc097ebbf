import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startServer, type RunningServer } from "../../index";
import { ManualClock } from "../../market";
import { TWO_GROUP_SDL } from "../../market/testing/sdl-fixtures";
import { NUL_MESSAGE } from "../../../sdk/contract";
import {
  client,
  createDeployment,
  helloSdl,
  leaseFirstBids,
  type Answer,
  type Caller,
} from "../../test-support/http";
import { describeEachStore } from "../../test-support/stores";

const START = Date.UTC(2026, 0, 1);

describe("deployments, logs and events", () => {
  const clock = new ManualClock({ startMs: START });
  let server: RunningServer;
  let api: Caller;
  before(async () => {
    server = await startServer({ logLevel: "silent", clock, bidDelayMs: 1000, startDelayMs: 2000 });
    api = client(server.url, (await server.createUser("deployer@example.com", 1000)).apiKey);
  });
  after(() => server.close());

  const create = () => createDeployment(api);
  const lease = (dseq: string, manifest: string) => leaseFirstBids(api, clock, dseq, manifest);

  test("create answers dseq, the manifest string and signTx; the SDL's pricing denom becomes the server's", async () => {
    const answer = await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5.5 } });
    assert.equal(answer.status, 201);
    const { dseq, manifest, signTx } = answer.body.data;
    assert.match(dseq, /^\d+$/);
    assert.equal(JSON.parse(manifest)[0].services[0].image, "nginx:1.25.3");
    assert.equal(signTx.code, 0);
    assert.match(signTx.transactionHash, /^[0-9A-F]{64}$/);
    const deployment = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
    assert.equal(deployment.deployment.state, "active");
    assert.match(deployment.deployment.hash, /^[A-Za-z0-9+/]+=*$/);
    assert.equal(deployment.escrow_account.state.funds[0].denom, "uact");
    clock.advanceMs(1000);
    const bids = (await api("GET", `/v1/bids/${dseq}`)).body.data;
    assert.ok(bids.length > 0);
    for (const { bid } of bids) {
      assert.equal(bid.price.denom, "uact");
      assert.ok(Number(bid.price.amount) <= 1000, "no bid above the SDL's maximum price");
      assert.equal(bid.resources_offer[0].resources.cpu.units.val, "500");
    }
  });

  test("invalid SDL -> 400 'Invalid SDL: ...' with the validator's message", async () => {
    for (const sdl of ["invalid-sdl", "version: '2.0'\nservices: {}\n", "{{{"]) {
      const answer = await api("POST", "/v1/deployments", { data: { sdl, deposit: 5 } });
      assert.equal(answer.status, 400, sdl);
      assert.match(answer.body.message, /^Invalid SDL: .+/);
    }
  });

  test("dseq validation as live: non-numeric -> 'expected bigint', <= 0 -> too_small; unknown -> 404", async () => {
    for (const dseq of ["undefined", "abc123"]) {
      const answer = await api("GET", `/v1/deployments/${dseq}`);
      assert.equal(answer.status, 400);
      assert.deepEqual(answer.body.data[0].path, ["dseq"]);
      assert.match(answer.body.data[0].message, /expected bigint/);
    }
    const negative = await api("DELETE", "/v1/deployments/-123");
    assert.equal(negative.status, 400);
    assert.equal(negative.body.data[0].code, "too_small");
    const unknown = await api("GET", "/v1/deployments/999");
    assert.deepEqual(unknown.body, {
      error: "NotFoundError",
      message: "Deployment not found",
      code: "not_found",
      type: "client_error",
    });
    assert.equal((await api("DELETE", "/v1/deployments/999")).status, 404);
    assert.equal((await api("GET", "/v1/bids?dseq=999")).status, 404);
    assert.equal((await api("GET", "/v1/bids")).status, 400);
  });

  test("list: active by default, oldest first (newest with reverse), skip/limit (at most 100)/hasMore, leases without status", async () => {
    const lister = client(server.url, (await server.createUser("lister@example.com", 100)).apiKey);
    const dseqs: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      dseqs.push(
        (await lister("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } })).body.data.dseq,
      );
    }
    await lister("DELETE", `/v1/deployments/${dseqs[0]}`);
    const ids = (page: { deployments: { deployment: { id: { dseq: string } } }[] }) =>
      page.deployments.map((d) => d.deployment.id.dseq);
    const all = (await lister("GET", "/v1/deployments")).body.data;
    assert.deepEqual(ids(all), [dseqs[1], dseqs[2]]);
    assert.deepEqual(all.pagination, { total: 2, skip: 0, limit: 100, hasMore: false });
    assert.equal(all.deployments[0].name, "web");
    assert.deepEqual(all.deployments[0].settings, {
      name: "web",
      runtimeLimitHours: null,
      runtimeEndsAt: null,
      closed: false,
      closeReason: null,
    });
    assert.equal(all.deployments[0].groups[0].group_spec.name, "akash");
    assert.equal("status" in all.deployments[0].leases, false);
    assert.deepEqual(ids((await lister("GET", "/v1/deployments?reverse=true")).body.data), [
      dseqs[2],
      dseqs[1],
    ]);
    const page = (await lister("GET", "/v1/deployments?skip=0&limit=1")).body.data;
    assert.deepEqual(ids(page), [dseqs[1]]);
    assert.deepEqual(page.pagination, { total: 2, skip: 0, limit: 1, hasMore: true });
    const last = (await lister("GET", "/v1/deployments?skip=1&limit=1")).body.data;
    assert.deepEqual(last.pagination, { total: 2, skip: 1, limit: 1, hasMore: false });
    const closed = (await lister("GET", "/v1/deployments?state=closed")).body.data;
    assert.deepEqual(ids(closed), [dseqs[0]]);
    assert.equal(closed.deployments[0].settings.closeReason, "owner");
    assert.equal(closed.pagination.total, 1);
    assert.equal((await lister("GET", "/v1/deployments?skip=-1")).status, 400);
    assert.equal((await lister("GET", "/v1/deployments?limit=0")).status, 400);
    assert.equal((await lister("GET", "/v1/deployments?limit=101")).status, 400);
    assert.equal((await lister("GET", "/v1/deployments?state=all")).status, 400);
    assert.equal((await lister("GET", "/v1/deployments?status=active")).status, 200);
  });

  test("PUT: same resources update in place (new hash, new image in events); changed resources -> clear 400", async () => {
    const { dseq, manifest } = await create();
    await lease(dseq, manifest);
    const before = (await api("GET", `/v1/deployments/${dseq}`)).body.data.deployment.hash;
    const updated = await api("PUT", `/v1/deployments/${dseq}`, {
      data: { sdl: helloSdl({ image: "nginx:1.27.0" }) },
    });
    assert.equal(updated.status, 200);
    assert.notEqual(updated.body.data.deployment.hash, before);
    assert.equal(updated.body.data.leases[0].state, "active");
    clock.advanceMs(2000);
    const events = (await api("GET", `/v1/events/${dseq}`)).body.data as {
      reason: string;
      message: string;
    }[];
    assert.ok(events.some((e) => e.reason === "Pulling" && e.message.includes("nginx:1.27.0")));
    const status = (await api("GET", `/v1/deployments/${dseq}`)).body.data.leases[0].status.services.web;
    assert.equal(status.observed_generation, 2);

    const bigger = await api("PUT", `/v1/deployments/${dseq}`, { data: { sdl: helloSdl({ cpu: 2 }) } });
    assert.equal(bigger.status, 400);
    assert.match(
      bigger.body.message,
      /resources of a deployment cannot change in place.*cpu changed from 500m to 2000m/,
    );
    assert.equal(
      (await api("PUT", `/v1/deployments/${dseq}`, { data: { sdl: "nope" } })).body.message.startsWith(
        "Invalid SDL",
      ),
      true,
    );
    await api("DELETE", `/v1/deployments/${dseq}`);
    const closed = await api("PUT", `/v1/deployments/${dseq}`, {
      data: { sdl: helloSdl({ image: "nginx:1.28" }) },
    });
    assert.equal(closed.status, 400);
    assert.deepEqual(closed.body, {
      error: "BadRequestError",
      message: "Deployment closed",
      code: "bad_request",
      type: "client_error",
    });
  });

  test("close is idempotent; the manifest-based new lease after close is refused", async () => {
    const { dseq, manifest } = await create();
    assert.deepEqual((await api("DELETE", `/v1/deployments/${dseq}`)).body, { data: { success: true } });
    assert.deepEqual((await api("DELETE", `/v1/deployments/${dseq}`)).body, { data: { success: true } });
    const bids = (await api("GET", `/v1/bids?dseq=${dseq}`)).body.data as { bid: { state: string } }[];
    assert.ok(bids.every((b) => b.bid.state === "closed"));
    const refused = await api("POST", "/v1/leases", {
      manifest,
      leases: [{ dseq, gseq: 1, oseq: 1, provider: "akash1zzfu2cmhn879jwxu2mhse0vqlzraa4a0adph0e" }],
    });
    assert.equal(refused.status, 400);
  });

  test("logs and events: what the provider reports, oldest first, with filters", async () => {
    const { dseq, manifest } = await create();
    assert.deepEqual((await api("GET", `/v1/logs/${dseq}`)).body, { data: [] });
    await lease(dseq, manifest);
    clock.advanceMs(2100);
    const events = (await api("GET", `/v1/events/${dseq}`)).body.data as {
      reason: string;
      timestamp: string;
    }[];
    const reasons = events.map((e) => e.reason);
    for (const reason of ["Scheduled", "Pulling", "Pulled", "Started"])
      assert.ok(reasons.includes(reason), reason);
    assert.deepEqual(
      events.map((e) => e.timestamp),
      [...events.map((e) => e.timestamp)].sort(),
    );
    const logs = (await api("GET", `/v1/logs/${dseq}?service=web&tail=2`)).body.data as {
      service: string;
      message: string;
    }[];
    assert.equal(logs.length, 2);
    assert.ok(logs.every((l) => l.service === "web"));
    assert.deepEqual((await api("GET", `/v1/logs/${dseq}?service=nothing`)).body, { data: [] });
    const limited = (await api("GET", `/v1/events/${dseq}?limit=1`)).body.data;
    assert.equal(limited.length, 1);
    assert.equal((await api("GET", `/v1/events/${dseq}?since=not-a-date`)).status, 400);
    await api("DELETE", `/v1/deployments/${dseq}`);
    const closing = (await api("GET", `/v1/events/${dseq}`)).body.data as {
      reason: string;
      message: string;
    }[];
    assert.equal(closing.at(-1)?.reason, "LeaseClosed");
  });
});

describeEachStore("names, search, deployment names and PATCH", (store) => {
  const dseqsOf = (page: { deployments: { deployment: { id: { dseq: string } } }[] }) =>
    page.deployments.map((d) => d.deployment.id.dseq);

  test("names: given or the services joined with +, in GET, lists, search and GET /v1/deployment-names", async () => {
    const clock = new ManualClock({ startMs: START });
    const server = await store.start({ clock, bidDelayMs: 0 });
    const api = client(server.url, (await server.createUser("names@example.com", 100)).apiKey);
    const other = client(server.url, (await server.createUser("other@example.com", 100)).apiKey);
    const create = async (data: Record<string, unknown>) => {
      const answer = await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5, ...data } });
      assert.equal(answer.status, 201, answer.text);
      return answer.body.data.dseq as string;
    };
    const unnamed = await create({});
    const prod = await create({ name: "  Web-Prod 100%  " });
    const staging = await create({ name: "web-staging" });
    const two = (await api("POST", "/v1/deployments", { data: { sdl: TWO_GROUP_SDL, deposit: 5 } })).body.data
      .dseq as string;
    for (const name of ["   ", "x".repeat(257)]) {
      assert.equal(
        (await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5, name } })).status,
        400,
      );
    }

    const detail = (await api("GET", `/v1/deployments/${prod}`)).body.data;
    assert.equal(detail.name, "Web-Prod 100%", "trimmed");
    assert.deepEqual(detail.consoleSettings, { sdl: helloSdl(), manifestVersion: detail.deployment.hash });
    assert.equal((await api("GET", `/v1/deployments/${unnamed}`)).body.data.name, "web");
    assert.equal((await api("GET", `/v1/deployments/${two}`)).body.data.name, "api+cache");

    const search = async (text: string) =>
      dseqsOf((await api("GET", `/v1/deployments?search=${encodeURIComponent(text)}`)).body.data);
    assert.deepEqual(await search("WEB-"), [prod, staging], "case-insensitive, oldest first");
    assert.deepEqual(await search("100%"), [prod], "% is a character, not a wildcard");
    assert.deepEqual(await search("_"), [], "_ too");
    assert.deepEqual(await search(two.slice(-6)), [two], "a substring of the dseq");
    const searched = (await api("GET", "/v1/deployments?search=web&limit=1&reverse=true")).body.data;
    assert.deepEqual(dseqsOf(searched), [staging]);
    assert.deepEqual(searched.pagination, { total: 3, skip: 0, limit: 1, hasMore: true });

    await api("DELETE", `/v1/deployments/${staging}`);
    const theirs = (
      await other("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5, name: "x" } })
    ).body.data.dseq as string;
    const names = await api(
      "GET",
      `/v1/deployment-names?dseq=${prod}&dseq=${staging}&dseq=${theirs}&dseq=42`,
    );
    assert.equal(names.status, 200, names.text);
    assert.deepEqual(names.body.data, {
      [prod]: "Web-Prod 100%",
      [staging]: "web-staging",
      [theirs]: null,
      "42": null,
    });
    assert.deepEqual((await api("GET", `/v1/deployment-names?dseq=${unnamed}`)).body.data, {
      [unnamed]: "web",
    });
    assert.equal((await api("GET", "/v1/deployment-names")).status, 400);
    assert.equal((await api("GET", "/v1/deployment-names?dseq=042")).status, 400, "canonical dseqs only");
    const many = Array.from({ length: 101 }, (_, i) => `dseq=${i + 1}`).join("&");
    assert.equal((await api("GET", `/v1/deployment-names?${many}`)).status, 400);
  });

  test("a NUL character in a name or a search is a 400 naming the field, on both stores, and nothing is stored", async () => {
    const server = await store.start({ clock: new ManualClock({ startMs: START }) });
    const api = client(server.url, (await server.createUser("nul@example.com", 100)).apiKey);
    const created = await api("POST", "/v1/deployments", {
      data: { sdl: helloSdl(), deposit: 5, name: "kept" },
    });
    const { dseq } = created.body.data;
    const refusedAt = (answer: Answer, path: (string | number)[]) => {
      assert.equal(answer.status, 400, answer.text);
      assert.equal(answer.body.code, "validation_error");
      assert.deepEqual(
        answer.body.data.map((issue: { path: unknown; message: string }) => [issue.path, issue.message]),
        [[path, NUL_MESSAGE]],
      );
    };
    const named = "web\u0000prod";
    refusedAt(await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5, name: named } }), [
      "data",
      "name",
    ]);
    refusedAt(await api("PATCH", `/v1/deployments/${dseq}`, { data: { name: named } }), ["data", "name"]);
    refusedAt(await api("PUT", `/v1/deployments/${dseq}`, { data: { sdl: helloSdl(), name: named } }), [
      "data",
      "name",
    ]);
    refusedAt(await api("GET", `/v1/deployments?search=${encodeURIComponent(named)}`), ["search"]);

    const listed = (await api("GET", "/v1/deployments")).body.data;
    assert.equal(listed.pagination.total, 1, "no deployment was made");
    assert.equal((await api("GET", `/v1/deployments/${dseq}`)).body.data.name, "kept");
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 95_000_000, "no money moved");
  });

  test("PATCH: per-service changes sent to the lease, guarded by ifManifestVersion, an identical retry succeeds", async () => {
    const clock = new ManualClock({ startMs: START });
    const server = await store.start({ clock, bidDelayMs: 0, startDelayMs: 1000 });
    const api = client(server.url, (await server.createUser("patch@example.com", 100)).apiKey);
    const { dseq, manifest } = await createDeployment(api);
    await leaseFirstBids(api, clock, dseq, manifest);
    const before = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
    const version = before.consoleSettings.manifestVersion as string;
    const patch = (data: unknown) => api("PATCH", `/v1/deployments/${dseq}`, { data });

    const body = {
      services: {
        web: { image: "nginx:1.27.0", env: { MODE: "blue", DEBUG: "1" }, args: ["-g", "daemon off;"] },
      },
      ifManifestVersion: version,
    };
    const patched = await patch(body);
    assert.equal(patched.status, 200, patched.text);
    const next = patched.body.data.manifestVersion as string;
    assert.notEqual(next, version);
    assert.equal(patched.body.data.deployment.hash, next);
    assert.equal(patched.body.data.name, "web");
    assert.equal(patched.body.data.leases[0].state, "active", "the lease stays");
    const stored = (await api("GET", `/v1/deployments/${dseq}`)).body.data.consoleSettings;
    assert.equal(stored.manifestVersion, next);
    assert.match(stored.sdl, /image: nginx:1\.27\.0/);
    assert.match(stored.sdl, /MODE=blue/);

    const retry = await patch(body);
    assert.equal(retry.status, 200, "an identical retry succeeds");
    assert.equal(retry.body.data.manifestVersion, next);
    const stale = await patch({ services: { web: { image: "nginx:1.28.0" } }, ifManifestVersion: version });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.code, "deployment_definition_changed");
    assert.equal(stale.body.error, "ConflictError");

    const merged = await patch({ services: { web: { env: { DEBUG: null, EXTRA: "x" } } } });
    assert.equal(merged.status, 200, merged.text);
    const env = (await api("GET", `/v1/deployments/${dseq}`)).body.data.consoleSettings.sdl as string;
    assert.match(env, /MODE=blue/);
    assert.match(env, /EXTRA=x/);
    assert.doesNotMatch(env, /DEBUG/);

    clock.advanceMs(2000);
    const status = (await api("GET", `/v1/deployments/${dseq}`)).body.data.leases[0].status.services.web;
    assert.equal(status.observed_generation, 3, "each changed manifest reached the provider");
    const events = (await api("GET", `/v1/events/${dseq}`)).body.data as { message: string }[];
    assert.ok(events.some((e) => e.message.includes("nginx:1.27.0")));

    const renamed = await patch({ name: "front" });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.data.name, "front");
    assert.equal("manifestVersion" in renamed.body.data, false, "a rename records no version");
    assert.equal(renamed.body.data.deployment.hash, merged.body.data.manifestVersion);
  });

  test("PATCH and PUT refuse what they cannot do, naming it", async () => {
    const clock = new ManualClock({ startMs: START });
    const server = await store.start({ clock, bidDelayMs: 0 });
    const api = client(server.url, (await server.createUser("refuse@example.com", 100)).apiKey);
    const other = client(server.url, (await server.createUser("someone@example.com", 100)).apiKey);
    const { dseq } = await createDeployment(api);
    const patch = (data: unknown, caller = api) => caller("PATCH", `/v1/deployments/${dseq}`, { data });
    const expect400 = async (data: unknown, message: RegExp) => {
      const answer = await patch(data);
      assert.equal(answer.status, 400, answer.text);
      assert.match(
        `${answer.body.message} ${answer.body.code} ${JSON.stringify(answer.body.data ?? "")}`,
        message,
      );
    };
    await expect400({}, /At least one field/);
    await expect400({ services: {} }, /At least one service/);
    await expect400({ services: { web: {} } }, /At least one field/);
    await expect400(
      { services: { db: { image: "postgres" } } },
      /declares no service "db" \(it declares web\)/,
    );
    await expect400(
      { services: { web: { expose: { "8080": { as: 81 } } } } },
      /exposes no container port 8080/,
    );
    await expect400(
      { services: { web: { storage: { data: { mount: "/data" } } } } },
      /no storage volume "data"/,
    );
    await expect400({ services: { web: { env: { "BAD NAME": "x" } } } }, /validation_error/);
    await expect400(
      { services: { web: { expose: { "80": { as: 8080 } } } } },
      /resources of a deployment cannot change in place.*endpoints/,
    );
    assert.equal((await patch({ name: "x" }, other)).status, 404);

    const put = await api("PUT", `/v1/deployments/${dseq}`, { data: { sdl: helloSdl(), name: "renamed" } });
    assert.equal(put.status, 200);
    assert.equal(put.headers.get("deprecation"), "true");
    assert.equal((await api("GET", `/v1/deployments/${dseq}`)).body.data.name, "renamed");

    const wrong = await api("POST", "/v1/leases", {
      manifest: "[]",
      leases: [{ dseq, gseq: 1, oseq: 1, provider: "akash1zzfu2cmhn879jwxu2mhse0vqlzraa4a0adph0e" }],
    });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body.message, /manifest does not match/);

    await api("DELETE", `/v1/deployments/${dseq}`);
    await expect400({ name: "closed" }, /Deployment closed/);
  });
});
