// ApiKey handlers against the reference API on loopback.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AkashClient } from "../../sdk";
import { referenceApi, type ReferenceApi } from "../engine-tests/reference-api";
import { apiKeyHandlers as h } from "./api-key";

describe("ApiKey handlers", () => {
  let ref: ReferenceApi;
  before(async () => {
    ref = await referenceApi();
  });
  after(() => ref.close());

  test("create returns a working key once; rename in place; a new expiry replaces; delete revokes", async () => {
    const inputs = { name: "ci" };
    const { id, outs } = await h.create(ref.context(), inputs);
    assert.match(outs.key, /^ac\.sk\./);
    assert.match(outs.keyFormat, /\*\*\*/);
    const viaNewKey = new AkashClient({ apiKey: outs.key, baseUrl: ref.server.url });
    assert.equal((await viaNewKey.getApiKey(id)).name, "ci", "the created key authenticates");

    assert.deepEqual(await h.diff(id, outs, { name: "ci-renamed" }), { changes: true, replaces: [] });
    const renamed = await h.update(ref.context(), id, outs, { name: "ci-renamed" });
    assert.equal(renamed.name, "ci-renamed");
    assert.equal(renamed.key, outs.key, "the secret is kept across updates");
    assert.deepEqual(await h.diff(id, renamed, { name: "ci-renamed", expiresAt: "2031-01-01T00:00:00Z" }), {
      changes: true,
      replaces: ["expiresAt"],
    });

    const read = await h.read(ref.context(), id, renamed);
    assert.equal(read.props?.key, outs.key, "refresh keeps the key the API never shows again");
    assert.equal((await h.diff(id, read.props!, { name: "ci-renamed" })).changes, false);

    await h.delete(ref.context(), id, renamed);
    await assert.rejects(viaNewKey.getApiKey(id), (e: Error & { status?: number }) => e.status === 401);
    assert.deepEqual(await h.read(ref.context(), id, renamed), {}, "a revoked key disappears on refresh");
    await h.delete(ref.context(), id, renamed);
  });

  test("check: empty names and past expiries fail at preview", async () => {
    const r = await h.check(undefined, { name: "", expiresAt: "2001-01-01T00:00:00Z" });
    assert.deepEqual(
      r.failures.map((f) => f.property),
      ["name", "expiresAt"],
    );
    assert.match(r.failures[1]!.reason, /in the past/);
    const kept = await h.check(
      { name: "a", expiresAt: "2001-01-01T00:00:00Z" },
      { name: "a", expiresAt: "2001-01-01T00:00:00Z" },
    );
    assert.deepEqual(kept.failures, [], "an existing key whose expiry passed does not block previews");
  });
});
