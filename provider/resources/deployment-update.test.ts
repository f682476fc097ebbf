// Today's Console API through the Deployment handlers, against the reference API on loopback: names,
// runtime limits, sealed secrets, PATCH guarded by the manifest version, automatic funding, the
// published minimum deposit, and an API with only the AEP-63 surface.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { AkashClient, waitForBids } from "../../sdk";
import { aep63Api } from "../engine-tests/aep63-api";
import { referenceApi, type ReferenceApi } from "../engine-tests/reference-api";
import { nginxSdl } from "../engine-tests/sdl-fixtures";
import { createApi } from "./api";
import { deploymentHandlers as h, SDL_DRIFT_PREFIX, type DeploymentInputs } from "./deployment";

/** The nginx SDL with env entries (e.g. a secret reference). */
const withEnv = (env: string[], image = "nginx:1.25.3") =>
  nginxSdl(image).replace(
    `    image: ${image}\n`,
    `    image: ${image}\n    env:\n${env.map((e) => `      - ${e}\n`).join("")}`,
  );

describe("Deployment handlers on today's Console API", () => {
  let ref: ReferenceApi;
  before(async () => {
    ref = await referenceApi();
  });
  after(() => ref.close());

  const create = async (extra: Partial<DeploymentInputs> = {}) => {
    const inputs: DeploymentInputs = {
      sdl: nginxSdl(),
      deposit: 5,
      creationKey: `test/${randomUUID()}`,
      ...extra,
    };
    const { id, outs } = await h.create(ref.context(), inputs);
    return { id, outs, inputs };
  };

  test("name: set at create, renamed in place; a name changed elsewhere is drift", async () => {
    const { id, outs, inputs } = await create({ name: "shop" });
    assert.equal(outs.name, "shop");
    assert.equal((await ref.client.getDeployment(id)).name, "shop");
    const renamed = { ...inputs, name: "shop-eu" };
    assert.deepEqual(await h.diff(id, outs, renamed), { changes: true, replaces: [] });
    const updated = await h.update(ref.context(), id, outs, renamed);
    assert.equal(updated.dseq, id, "in place");
    assert.equal((await ref.client.getDeployment(id)).name, "shop-eu");
    await ref.client.patchDeployment(id, { name: "renamed-in-console" });
    const refreshed = (await h.read(ref.context(), id, updated)).props!;
    assert.equal(refreshed.name, "renamed-in-console");
    assert.equal((await h.diff(id, refreshed, renamed)).changes, true, "refresh shows the rename");
    assert.equal(
      (await h.diff(id, updated, { ...inputs, name: undefined })).changes,
      false,
      "no name: the API's",
    );
    await h.delete(ref.context(), id, updated);
  });

  test("runtimeLimitHours: beyond 48 in steps, raised in place, never lowered or removed", async () => {
    const { id, outs, inputs } = await create({ runtimeLimitHours: 60 });
    assert.equal(
      (await ref.client.getDeployment(id)).settings?.runtimeLimitHours,
      60,
      "48 at create, then +12",
    );
    assert.equal(outs.runtimeLimitHours, 60);
    assert.equal(outs.runtimeStatus, "running");
    const raised = await h.update(ref.context(), id, outs, { ...inputs, runtimeLimitHours: 150 });
    assert.equal(raised.runtimeLimitHours, 150);
    assert.equal((await ref.client.getDeployment(id)).settings?.runtimeLimitHours, 150);
    const lower = await h.check(inputs, { ...inputs, runtimeLimitHours: 10 });
    assert.match(lower.failures[0]!.reason, /runtimeLimitHours cannot go down from 60 to 10/);
    const removed = await h.check(inputs, { ...inputs, runtimeLimitHours: undefined });
    assert.match(removed.failures[0]!.reason, /runtimeLimitHours cannot be removed/);
    const bad = await h.check(undefined, { ...inputs, runtimeLimitHours: 1.5 });
    assert.match(bad.failures[0]!.reason, /whole number of hours from 1 to 8760/);
    await h.delete(ref.context(), id, raised);
  });

  test("minRuntimeLeftHours: a runtime limit ending within it counts as drift, and up says to raise the limit", async () => {
    const { id, outs, inputs } = await create({ runtimeLimitHours: 1, minRuntimeLeftHours: 2 });
    const [first] = await waitForBids(ref.client, id, { timeoutMs: 10_000 });
    const { gseq, oseq, provider } = first!.bid.id;
    await ref.client.createLease({ leases: [{ dseq: id, gseq, oseq, provider }] });
    const refreshed = (await h.read(ref.context(), id, outs)).props!;
    assert.ok(refreshed.runtimeEndsAt, "the lease started the clock");
    assert.equal(refreshed.runtimeStatus, "ending");
    assert.equal((await h.diff(id, refreshed, inputs)).changes, true, "reported as drift");
    const kept = await h.update(ref.context(), id, refreshed, inputs);
    assert.equal(kept.runtimeStatus, "ending");
    assert.ok(
      ref.logs.some(
        (l) =>
          l.startsWith(`warn: deployment ${id}: its runtime limit ends at`) &&
          l.includes("raise runtimeLimitHours"),
      ),
    );
    const raised = await h.update(ref.context(), id, kept, { ...inputs, runtimeLimitHours: 5 });
    assert.equal(raised.runtimeStatus, "running");
    assert.equal((await h.diff(id, raised, { ...inputs, runtimeLimitHours: 5 })).changes, false);
    const lowered = await h.update(ref.context(), id, refreshed, inputs).catch((e: Error) => e);
    assert.match(String(lowered), /cannot go down to 1/, "the API's limit is 5 now: the program must say so");
    await h.delete(ref.context(), id, raised);
  });

  test("secrets: checked against the SDL at preview, sealed at create, one changed value patched in place; no value in logs or errors", async () => {
    const sdl = withEnv(["DB_PASSWORD=ac-secret://DB_PASSWORD", "MODE=prod"]);
    const value = `pw-${randomUUID()}`;
    const missing = await h.check(undefined, { sdl, deposit: 5 });
    assert.match(
      missing.failures[0]!.reason,
      /references ac-secret:\/\/DB_PASSWORD but secrets has no value.*secrets\.DB_PASSWORD/,
    );
    const extra = await h.check(undefined, { sdl, deposit: 5, secrets: { DB_PASSWORD: value, OTHER: "x" } });
    assert.match(extra.failures[0]!.reason, /secrets has OTHER, which the SDL does not reference/);

    const { id, outs, inputs } = await create({ sdl, secrets: { DB_PASSWORD: value } });
    const stored = await ref.client.getDeployment(id);
    assert.match(
      stored.consoleSettings!.sdl,
      /DB_PASSWORD=ac-secret:\/\/DB_PASSWORD/,
      "the API stores the reference",
    );
    const next = `pw-${randomUUID()}`;
    const changed = { ...inputs, secrets: { DB_PASSWORD: next } };
    assert.deepEqual(await h.diff(id, outs, changed), { changes: true, replaces: [] });
    const updated = await h.update(ref.context(), id, outs, changed);
    assert.equal(updated.dseq, id, "in place");
    assert.notEqual(updated.manifestVersion, outs.manifestVersion, "the resolved manifest moved");
    assert.ok(ref.logs.some((l) => l.includes(`deployment ${id}: updated in place (secrets DB_PASSWORD)`)));
    for (const secret of [value, next]) {
      assert.ok(!ref.logs.some((l) => l.includes(secret)), "no value in a log line");
      assert.ok(
        !JSON.stringify(await ref.client.getDeployment(id)).includes(secret),
        "no value in an answer",
      );
    }
    await h.delete(ref.context(), id, updated);
  });

  test("SDL changes go through PATCH guarded by the manifest version; a change elsewhere since the last refresh is a 409 that says what to run", async () => {
    const { id, outs, inputs } = await create();
    const image = { ...inputs, sdl: nginxSdl("nginx:1.27") };
    const updated = await h.update(ref.context(), id, outs, image);
    assert.ok(ref.logs.some((l) => l.includes(`deployment ${id}: updated in place (services web)`)));
    assert.match((await ref.client.getDeployment(id)).consoleSettings!.sdl, /nginx:1\.27/);

    await ref.client.patchDeployment(id, { services: { web: { image: "nginx:elsewhere" } } });
    await assert.rejects(
      h.update(ref.context(), id, updated, { ...inputs, sdl: nginxSdl("nginx:1.28") }),
      /changed outside Pulumi since the last refresh.*Run `pulumi refresh`/,
    );
    assert.match(
      (await ref.client.getDeployment(id)).consoleSettings!.sdl,
      /nginx:elsewhere/,
      "not overwritten",
    );
    const refreshed = (await h.read(ref.context(), id, updated)).props!;
    assert.ok(refreshed.sdl.startsWith(SDL_DRIFT_PREFIX));
    const back = await h.update(ref.context(), id, refreshed, { ...inputs, sdl: nginxSdl("nginx:1.28") });
    assert.match(
      (await ref.client.getDeployment(id)).consoleSettings!.sdl,
      /nginx:1\.28/,
      "after refresh, up applies",
    );
    await h.delete(ref.context(), id, back);
  });

  test("preview refuses a deposit below the minimum the API publishes, where credentials are configured", async () => {
    const low = await h.check(undefined, { sdl: nginxSdl(), deposit: 1 }, ref.context());
    assert.equal(low.failures[0]?.property, "deposit");
    assert.match(
      low.failures[0]!.reason,
      /deposit \$1 is below the minimum of \$5 that the API at .* publishes/,
    );
    assert.deepEqual(
      (await h.check(undefined, { sdl: nginxSdl(), deposit: 1 })).failures,
      [],
      "offline: not known",
    );
  });
});

describe("Deployment handlers with automatic funding (--funding auto)", () => {
  test("deposit is ignored and said once at create and once when raised; funding output automatic; no top-up sent", async () => {
    const ref = await referenceApi({ funding: "auto" });
    try {
      const inputs = { sdl: nginxSdl(), deposit: 5, creationKey: `test/${randomUUID()}` };
      const { id, outs } = await h.create(ref.context(), inputs);
      assert.equal(outs.funding, "automatic");
      const notices = () =>
        ref.logs.filter((l) => l.startsWith("warn:") && l.includes("funds deployments automatically"));
      assert.equal(notices().length, 1);
      assert.match(
        notices()[0]!,
        /each starts with \$0\.5 and is topped up toward 48 hours.*deposit \$5 is ignored/,
      );
      assert.equal((await h.diff(id, outs, inputs)).changes, false, "no perpetual diff");
      const deposited = outs.escrow.deposited;
      const raised = await h.update(ref.context(), id, outs, { ...inputs, deposit: 9 });
      assert.equal(notices().length, 2);
      assert.equal(raised.escrow.deposited, deposited, "no deposit request");
      assert.equal((await h.diff(id, raised, { ...inputs, deposit: 9 })).changes, false);
      await h.delete(ref.context(), id, raised);
    } finally {
      await ref.close();
    }
  });
});

describe("Deployment handlers on an API with only the AEP-63 surface", () => {
  test("no document, no PATCH: runtime limits and secrets fail before anything is created; SDL changes go through PUT", async () => {
    const ref = await referenceApi();
    const proxy = await aep63Api(ref.server.url);
    try {
      const api = createApi(
        new AkashClient({ apiKey: ref.apiKey, baseUrl: proxy.url, retry: { retries: 0 } }),
      );
      const logs: string[] = [];
      const ctx = {
        api,
        log: { info: (m: string) => void logs.push(m), warn: (m: string) => void logs.push(m) },
      };
      const limited = {
        sdl: nginxSdl(),
        deposit: 5,
        runtimeLimitHours: 5,
        creationKey: `test/${randomUUID()}`,
      };
      const preview = await h.check(undefined, limited, ctx);
      assert.equal(preview.failures[0]?.property, "runtimeLimitHours");
      assert.match(
        preview.failures[0]!.reason,
        /cannot enforce runtimeLimitHours: it publishes no OpenAPI document/,
      );
      await assert.rejects(h.create(ctx, limited), /cannot enforce runtimeLimitHours/);
      assert.equal((await ref.client.listDeployments()).deployments.length, 0, "nothing created");

      const inputs = { sdl: nginxSdl(), deposit: 5, name: "web", creationKey: `test/${randomUUID()}` };
      const { id, outs } = await h.create(ctx, inputs);
      assert.equal(outs.funding, "deposit");
      assert.ok(
        logs.some((l) =>
          l.includes("has no deployment names (AEP-63), so name is kept in Pulumi state only"),
        ),
      );
      const updated = await h.update(ctx, id, outs, { ...inputs, sdl: nginxSdl("nginx:1.27") });
      assert.equal(updated.dseq, id);
      assert.ok(logs.some((l) => l.includes(`deployment ${id}: SDL replaced in place`)));
      await h.delete(ctx, id, updated);
    } finally {
      await proxy.close();
      await ref.close();
    }
  });
});
