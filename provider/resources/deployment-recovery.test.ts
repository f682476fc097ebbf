// What a Deployment (and its Lease) does when a run is cut short or given the wrong account, against
// the reference API on loopback: another account's key, a lost create beside a twin stack's
// deployment, and a kill between the creation journal's record and the engine's checkpoint.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { AkashClient } from "../../sdk";
import { loopbackProxy } from "../engine-tests/loopback-proxy";
import { referenceApi, type ReferenceApi } from "../engine-tests/reference-api";
import { nginxSdl } from "../engine-tests/sdl-fixtures";
import { OtherAccountError } from "./account";
import { createApi } from "./api";
import { fileJournal, machineCreates, stateMarks } from "./creation-journal";
import { deploymentHandlers as h } from "./deployment";
import type { HandlerContext } from "./handler";
import { leaseHandlers } from "./lease";

describe("Deployment recovery", () => {
  let ref: ReferenceApi;
  let dir: string;
  before(async () => {
    ref = await referenceApi();
    dir = mkdtempSync(path.join(tmpdir(), "akash-recovery-"));
  });
  after(async () => {
    await ref.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A handler context as an adapter gives it on one machine: journal, state marks, creates in flight. */
  const machine = (name: string, base: HandlerContext = ref.context()): HandlerContext => {
    const root = path.join(dir, name);
    const marks = stateMarks(path.join(root, "in-state"));
    return {
      ...base,
      journal: (scope) => fileJournal(path.join(root, `${scope}.json`)),
      seenInState: (dseq) => marks.mark(dseq),
      machineCreates: machineCreates(path.join(root, "in-flight")),
    };
  };
  const active = async () =>
    (await ref.client.listDeployments()).deployments.map((d) => d.deployment.id.dseq).sort();
  const inputsFor = (scope: string, image = "nginx:1.25.3") => ({
    sdl: nginxSdl(image),
    deposit: 5,
    creationKey: `${scope}-${Math.random().toString(36).slice(2)}/web`,
  });

  test("another account's key: refresh and destroy refuse, naming both accounts, and keep the deployment", async () => {
    const made = await h.create(ref.context(), inputsFor("owner"));
    const { apiKey } = await ref.server.createUser("someone-else@example.test", 50);
    const other = createApi(new AkashClient({ apiKey, baseUrl: ref.server.url }));
    const theirs: HandlerContext = { api: other, log: { info() {}, warn() {} } };
    const reached = await other.keyOwner();
    assert.ok(reached && reached !== made.outs.owner);

    for (const call of [
      () => h.read(theirs, made.id, made.outs),
      () => h.delete(theirs, made.id, made.outs),
    ]) {
      await assert.rejects(call(), (err: Error) => {
        assert.ok(err instanceof OtherAccountError);
        assert.match(err.message, new RegExp(`belongs to account ${made.outs.owner}`));
        assert.match(err.message, new RegExp(`reaches account ${reached}`));
        assert.match(err.message, /nothing was dropped from state and nothing was closed/);
        return true;
      });
    }
    const lease = { dseq: made.id, gseq: 1, oseq: 1, provider: "akash1x", owner: made.outs.owner };
    await assert.rejects(
      leaseHandlers.read(theirs, `${made.id}/1/1/akash1x`, lease as never),
      OtherAccountError,
    );
    await assert.rejects(
      leaseHandlers.delete(theirs, `${made.id}/1/1/akash1x`, lease as never),
      OtherAccountError,
    );
    assert.ok((await active()).includes(made.id), "still active: nothing was closed");
    assert.equal((await h.read(ref.context(), made.id, made.outs)).id, made.id, "its own key still reads it");
    await h.delete(ref.context(), made.id, made.outs);
  });

  test("a create refused with 503 until the client gives up adopts nothing of a twin stack's: the same key gets its own", async () => {
    const twin = await h.create(ref.context(), inputsFor("twin", "nginx:twin-503"));
    let refused = 0;
    const proxy = await loopbackProxy(ref.server.url, {
      answer: (method, p) =>
        method === "POST" && p === "/v1/deployments" && refused++ < 5
          ? { status: 503, body: '{"error":"ServiceUnavailableError","message":"busy"}' }
          : undefined,
    });
    try {
      const client = new AkashClient({
        apiKey: ref.apiKey,
        baseUrl: proxy.url,
        trustIdempotencyKey: true,
        retry: { baseDelayMs: 20 },
      });
      const ctx = machine("m503", {
        ...ref.context(),
        api: createApi(client, { replaysIdempotencyKey: true }),
      });
      const mine = await h.create(ctx, inputsFor("mine", "nginx:twin-503"));
      assert.ok(refused >= 5, "the client's attempts were all refused");
      assert.notEqual(mine.id, twin.id, "the twin stack's deployment is not adopted");
      assert.ok((await active()).includes(twin.id));
      for (const d of [mine, twin]) await h.delete(ref.context(), d.id, d.outs);
    } finally {
      await proxy.close();
    }
  });

  test("a lost create on an API without replay never adopts what another stack on this machine made", async () => {
    const sdlImage = "nginx:twin-live";
    const ctxFor = async (proxyUrl: string) =>
      machine("live", {
        ...ref.context(),
        api: createApi(
          new AkashClient({ apiKey: ref.apiKey, baseUrl: proxyUrl, trustIdempotencyKey: false }),
        ),
      });
    // The other stack creates through the same machine's registry, its create answered normally.
    const passthrough = await loopbackProxy(ref.server.url);
    const twinCtx = await ctxFor(passthrough.url);
    const twin = await h.create(twinCtx, inputsFor("twin", sdlImage));
    // This stack's create never reaches the API: a gateway answers 503 for it.
    const refusing = await loopbackProxy(ref.server.url, {
      answer: (method, p) =>
        method === "POST" && p === "/v1/deployments"
          ? { status: 503, body: '{"error":"ServiceUnavailableError","message":"gateway"}' }
          : undefined,
    });
    try {
      const before = await active();
      await assert.rejects(h.create(await ctxFor(refusing.url), inputsFor("mine", sdlImage)), /gateway/);
      assert.deepEqual(await active(), before, "nothing adopted, nothing made");
    } finally {
      await refusing.close();
      await passthrough.close();
    }

    // Two look-alikes nobody on this machine made: the create fails naming both, adopting neither.
    const outsider = await h.create(ref.context(), inputsFor("outside", "nginx:twins"));
    const dropping = await loopbackProxy(ref.server.url, {
      dropAnswer: (method, p) => method === "POST" && p === "/v1/deployments",
    });
    try {
      const err = await h
        .create(machine("fresh", { ...(await ctxFor(dropping.url)) }), inputsFor("mine", "nginx:twins"))
        .then(
          () => undefined,
          (e: Error) => e,
        );
      assert.ok(err, "the create must fail");
      assert.match(err.message, new RegExp(`cannot be told apart: 2 active deployment\\(s\\)`));
      assert.match(err.message, new RegExp(outsider.id));
      assert.match(err.message, /Nothing was adopted/);
    } finally {
      await dropping.close();
    }
    const left = (await ref.client.listDeployments()).deployments.filter(
      (d) => d.deployment.hash === twin.outs.manifestHash || d.deployment.hash === outsider.outs.manifestHash,
    );
    for (const d of left) await ref.client.closeDeployment(d.deployment.id.dseq);
  });

  test("a kill between the journal's record and the engine's checkpoint: the re-run adopts that deployment", async () => {
    const ctx = machine("kill-window");
    const inputs = inputsFor("window");
    const before = await active();
    // The killed run: create returned, the journal recorded it, the engine never saved it.
    const killed = await h.create(ctx, inputs);
    const rerun = await h.create(ctx, inputs);
    assert.equal(rerun.id, killed.id, "first creation: adopted, not made again");
    assert.deepEqual(
      (await active()).filter((d) => !before.includes(d)),
      [killed.id],
    );

    // Saved this time (its Lease named it), then destroyed; the re-creation is killed the same way.
    // (Closed on the API directly: each run has its own provider process, this test only one.)
    ctx.seenInState?.(rerun.id);
    await ref.client.closeDeployment(rerun.id);
    const recreated = await h.create(ctx, inputs);
    assert.notEqual(recreated.id, rerun.id);
    const again = await h.create(ctx, inputs);
    assert.equal(again.id, recreated.id, "re-creation: adopted");

    // up --replace: the saved deployment is replaced; the replacement is killed before it is saved.
    ctx.seenInState?.(again.id);
    const replacement = await h.create(ctx, inputs);
    assert.notEqual(replacement.id, again.id, "a replacement is a new deployment");
    const replacedAgain = await h.create(ctx, inputs);
    assert.equal(replacedAgain.id, replacement.id, "re-running the replacement adopts it");

    // A plain up instead: the diff of the saved deployment completes the interrupted replacement.
    const plain = await h.diff(again.id, again.outs, inputs, ctx);
    assert.deepEqual(plain.replaces, ["id"]);
    const completed = await h.create(ctx, inputs);
    assert.equal(completed.id, replacement.id, "the replacement takes over what the killed run made");
    await ref.client.closeDeployment(again.id);
    ctx.seenInState?.(completed.id);
    assert.deepEqual((await h.diff(completed.id, completed.outs, inputs, ctx)).replaces, []);
    assert.deepEqual(
      (await active()).filter((d) => !before.includes(d)),
      [completed.id],
      "one deployment, none leaked",
    );
    await ref.client.closeDeployment(completed.id);
  });
});
