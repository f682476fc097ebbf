// Deployment handlers against the reference API on loopback.
import assert from "node:assert/strict";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { AkashClient } from "../../sdk";
import { referenceApi, type ReferenceApi } from "../engine-tests/reference-api";
import { createApi } from "./api";
import { deploymentHandlers as h, SDL_DRIFT_PREFIX, type DeploymentOutputs } from "./deployment";
import { nginxSdl } from "../engine-tests/sdl-fixtures";
import { UNKNOWN } from "../engine-values";
import { fileJournal, stateMarks, type CreationJournal } from "./creation-journal";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

describe("Deployment handlers", () => {
  let ref: ReferenceApi;
  before(async () => {
    ref = await referenceApi();
  });
  after(() => ref.close());

  const create = async (deposit = 5) => {
    const inputs = { sdl: nginxSdl(), deposit, creationKey: `test/${Math.random()}` };
    const { id, outs } = await h.create(ref.context(), inputs);
    return { id, outs, inputs };
  };

  test("check fails at preview on a bad SDL and on a lowered deposit, naming the property", async () => {
    const bad = await h.check(undefined, { sdl: nginxSdl().replace("units: 0.5", "units: -1") });
    assert.equal(bad.failures[0]?.property, "sdl");
    assert.match(bad.failures[0]!.reason, /Invalid SDL: .*units/);
    const lower = await h.check({ sdl: nginxSdl(), deposit: 7 }, { sdl: nginxSdl(), deposit: 5 });
    assert.equal(lower.failures[0]?.property, "deposit");
    assert.match(lower.failures[0]!.reason, /cannot go down from \$7 to \$5/);
    const replacing = await h.check(
      { sdl: nginxSdl(), deposit: 7 },
      { sdl: nginxSdl("nginx", 1), deposit: 5 },
    );
    assert.deepEqual(replacing.failures, [], "a replacement may start with a smaller deposit");
    assert.deepEqual((await h.check(undefined, { sdl: UNKNOWN })).failures, [], "unknown at preview");
    const money = await h.check(undefined, { sdl: nginxSdl(), deposit: 0.1234567 });
    assert.match(money.failures[0]!.reason, /at most 6 are allowed/);
  });

  test("create, read, close: escrow figures, groups, and refresh drops a closed deployment", async () => {
    const { id, outs } = await create(5);
    assert.equal(outs.dseq, id);
    assert.equal(outs.state, "active");
    assert.equal(outs.escrow.depositedUsd, "5");
    assert.deepEqual(outs.groups, [{ gseq: 1, name: "akash", services: ["web"] }]);
    assert.ok(outs.manifest.startsWith("["));
    const read = await h.read(ref.context(), id, outs);
    assert.equal(read.id, id);
    assert.equal(read.props?.manifestHash, outs.manifestHash);
    await h.delete(ref.context(), id, outs);
    assert.deepEqual(await h.read(ref.context(), id, outs), {}, "closed deployments disappear on refresh");
    await h.delete(ref.context(), id, outs);
    await h.delete(ref.context(), "999999999", outs);
  });

  test("raising the deposit tops up exactly the difference, in place", async () => {
    const { id, outs, inputs } = await create(5);
    const news = { ...inputs, deposit: 7.25 };
    assert.deepEqual(await h.diff(id, outs, news), { changes: true, replaces: [] });
    const updated = await h.update(ref.context(), id, outs, news);
    assert.equal(updated.escrow.depositedUsd, "7.25", "deposit is the total: $5 + $2.25");
    assert.equal(updated.dseq, id);
    assert.ok(ref.logs.some((l) => l.includes("topped up by $2.25")));
    await h.delete(ref.context(), id, updated);
  });

  test("an image change updates in place; a resource change replaces", async () => {
    const { id, outs, inputs } = await create(5);
    const image = { ...inputs, sdl: nginxSdl("nginx:1.27") };
    assert.deepEqual(await h.diff(id, outs, image), { changes: true, replaces: [] });
    const updated = await h.update(ref.context(), id, outs, image);
    assert.equal(updated.dseq, id);
    assert.notEqual(updated.manifestHash, outs.manifestHash);
    assert.match(updated.manifest, /nginx:1\.27/);
    assert.deepEqual(await h.diff(id, updated, { ...inputs, sdl: nginxSdl("nginx:1.27", 2) }), {
      changes: true,
      replaces: ["sdl"],
    });
    assert.deepEqual(await h.diff(id, updated, image), { changes: false, replaces: [] });
    await h.delete(ref.context(), id, updated);
  });

  test("an SDL changed elsewhere shows as drift; escrow movement does not", async () => {
    const { id, outs, inputs } = await create(5);
    ref.server.advanceBlocks(50);
    const quiet = await h.read(ref.context(), id, outs);
    assert.deepEqual(await h.diff(id, quiet.props as DeploymentOutputs, inputs), {
      changes: false,
      replaces: [],
    });
    await ref.client.updateDeployment(id, nginxSdl("nginx:changed-elsewhere"));
    const drifted = await h.read(ref.context(), id, outs);
    assert.ok(drifted.props?.sdl.startsWith(SDL_DRIFT_PREFIX));
    assert.deepEqual(await h.diff(id, drifted.props as DeploymentOutputs, inputs), {
      changes: true,
      replaces: [],
    });
    await h.delete(ref.context(), id, outs);
  });

  test("minEscrowUsd: below the policy counts as drift", async () => {
    const { id, outs, inputs } = await create(5);
    const policy = { ...inputs, minEscrowUsd: 10 };
    const withPolicy = await h.update(ref.context(), id, outs, policy);
    assert.equal(withPolicy.fundingStatus, "underfunded");
    assert.equal((await h.diff(id, withPolicy, policy)).changes, true);
    assert.ok(ref.logs.some((l) => l.startsWith("warn:") && l.includes("raise deposit by at least $5")));
    const raised = await h.update(ref.context(), id, withPolicy, { ...policy, deposit: 11 });
    assert.equal(raised.fundingStatus, "funded");
    assert.equal((await h.diff(id, raised, { ...policy, deposit: 11 })).changes, false);
    await h.delete(ref.context(), id, raised);
  });

  test("a selection that rules out a current lease replaces; one that keeps it updates", async () => {
    const olds = {
      sdl: nginxSdl(),
      resourcesFingerprint: "",
      leases: [{ gseq: 1, oseq: 1, provider: "akash1aaa", state: "active", price: "12", denom: "uact" }],
    } as unknown as DeploymentOutputs;
    const inputs = { sdl: nginxSdl() };
    const denied = await h.diff("1", olds, { ...inputs, selection: { deniedProviders: ["akash1aaa"] } });
    assert.deepEqual(denied.replaces, ["selection"]);
    assert.deepEqual((await h.diff("1", olds, { ...inputs, selection: { maxPrice: 10 } })).replaces, [
      "selection",
    ]);
    assert.deepEqual(await h.diff("1", olds, { ...inputs, selection: { maxPrice: 20 } }), {
      changes: true,
      replaces: [],
    });
  });

  test("a create whose answer is lost (an API without replay) adopts the deployment instead of leaking it", async () => {
    // A loopback gateway: the create runs on the reference API, its answer is replaced by a 502.
    let dropped = false;
    const upstream = new URL(ref.server.url);
    const gateway = createServer((req, res) => {
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          if (req.method === "POST" && req.url === "/v1/deployments" && !dropped) {
            dropped = true;
            answer.resume();
            res.writeHead(502, { "content-type": "application/json" });
            res.end(
              JSON.stringify({
                error: "BadGatewayError",
                message: "upstream timed out",
                code: "bad_gateway",
                type: "server_error",
              }),
            );
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(out);
    });
    await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
      // Like the live API: the client must not retry a create blindly.
      const client = new AkashClient({ apiKey: ref.apiKey, baseUrl, trustIdempotencyKey: false });
      const logs: string[] = [];
      const ctx = { api: createApi(client), log: { info: () => {}, warn: (m: string) => void logs.push(m) } };
      const sdl = nginxSdl("nginx:lost-answer");
      const { id, outs } = await h.create(ctx, { sdl, deposit: 5, creationKey: `lost/${Math.random()}` });
      assert.ok(dropped);
      const same = (await ref.client.listDeployments()).deployments.filter(
        (d) => d.deployment.hash === outs.manifestHash,
      );
      assert.deepEqual(
        same.map((d) => d.deployment.id.dseq),
        [id],
        "exactly one deployment, the one in state",
      );
      assert.match(logs.join("\n"), /appeared meanwhile .*; adopting it/);
      await h.delete(ref.context(), id, outs);
    } finally {
      gateway.close();
    }
  });

  test("the same creation key never makes a second deployment", async () => {
    const inputs = { sdl: nginxSdl(), deposit: 5, creationKey: `retry/${Math.random()}` };
    const first = await h.create(ref.context(), inputs);
    const again = await h.create(ref.context(), inputs);
    assert.equal(again.id, first.id, "a retried create returns the deployment it already made");
    // A replacement with the same inputs (pulumi up --replace): the engine diffed the old one first.
    await h.diff(first.id, first.outs, inputs);
    const replacement = await h.create(ref.context(), inputs);
    assert.notEqual(replacement.id, first.id, "a replacement gets its own deployment");
    await h.delete(ref.context(), replacement.id, replacement.outs);
    await h.delete(ref.context(), first.id, first.outs);
    const afterClose = await h.create(ref.context(), inputs);
    assert.notEqual(afterClose.id, first.id, "after a close, the same key makes a fresh deployment");
    await h.delete(ref.context(), afterClose.id, afterClose.outs);
  });

  test("an up interrupted after a destroy: the re-run adopts what the interrupted create made, the next create makes a new one", async () => {
    const inputs = { sdl: nginxSdl(), deposit: 5, creationKey: `chain/${Math.random()}` };
    const first = await h.create(ref.context(), inputs);
    await h.delete(ref.context(), first.id, first.outs);
    // The interrupted run's create: the key replays the closed deployment, the next key makes one.
    const interrupted = await h.create(ref.context(), inputs);
    assert.notEqual(interrupted.id, first.id);
    // The re-run walks the same chain and gets the same deployment instead of a third.
    const rerun = await h.create(ref.context(), inputs);
    assert.equal(rerun.id, interrupted.id, "the re-run adopts the interrupted run's deployment");
    const active = (await ref.client.listDeployments()).deployments.map((d) => d.deployment.id.dseq);
    assert.deepEqual(
      active.filter((d) => [first.id, interrupted.id].includes(d)),
      [interrupted.id],
    );
    await h.delete(ref.context(), rerun.id, rerun.outs);
  });

  test("up --replace (no diff first) tells the deployment it replaces from an interrupted run's by the creation journal", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "akash-journal-"));
    try {
      const journal = fileJournal(path.join(dir, "journal.json"));
      const marks = stateMarks(path.join(dir, "in-state"));
      const ctx = { ...ref.context(), journal: () => journal, seenInState: (d: string) => marks.mark(d) };
      const inputs = { sdl: nginxSdl(), deposit: 5, creationKey: `replace/${Math.random()}` };
      const first = await h.create(ctx, inputs);
      ctx.seenInState(first.id); // the engine saved it: its Lease's check named it
      // A replacement killed before its create returned: nothing was handed over.
      const forgetful: CreationJournal = { ...journal, record: () => {} };
      const killed = await h.create({ ...ctx, journal: () => forgetful }, inputs);
      assert.notEqual(killed.id, first.id, "the replacement is a new deployment");
      const again = await h.create(ctx, inputs);
      assert.equal(again.id, killed.id, "re-running the replacement adopts the interrupted one's deployment");
      ctx.seenInState(again.id);
      const third = await h.create(ctx, inputs);
      assert.notEqual(third.id, again.id, "a later replacement gets a new one");
      for (const made of [first, again, third]) await h.delete(ref.context(), made.id, made.outs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a create with sealed secrets killed after the API made it: the re-run sends the same sealed body from the journal and gets that deployment, even beside a twin made elsewhere", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "akash-journal-"));
    try {
      const sdl = nginxSdl().replace(
        "    image: nginx:1.25.3\n",
        "    image: nginx:1.25.3\n    env:\n      - DB_PASSWORD=ac-secret://DB_PASSWORD\n",
      );
      const inputs = {
        sdl,
        deposit: 5,
        secrets: { DB_PASSWORD: "hunter2" },
        creationKey: `sealed/${Math.random()}`,
      };
      // The same SDL and secret value, deployed outside this stack (in the Console, or by another tool).
      const twin = await h.create(ref.context(), { ...inputs, creationKey: `elsewhere/${Math.random()}` });
      const activeNow = async () =>
        (await ref.client.listDeployments()).deployments
          .filter((d) => d.deployment.state === "active")
          .map((d) => d.deployment.id.dseq);
      const before = await activeNow();

      // The run that was killed: its request reached the API, its answer never came back.
      const journal = fileJournal(path.join(dir, "journal.json"));
      const ctx = { ...ref.context(), journal: () => journal };
      const api = ctx.api;
      const killedApi = Object.assign(Object.create(api) as typeof api, {
        createDeployment: async (...args: Parameters<typeof api.createDeployment>) => {
          await api.createDeployment(...args);
          throw new Error("killed");
        },
      });
      await assert.rejects(h.create({ ...ctx, api: killedApi }, inputs), /killed/);
      const made = (await activeNow()).filter((d) => !before.includes(d));
      assert.equal(made.length, 1, "the killed run's request made one deployment");

      // Without this machine's journal, a new seal is a new body: the API refuses the key's reuse, and
      // two active deployments match the SDL and its secrets, so the provider will not guess.
      const elsewhere = { ...ctx, journal: () => fileJournal(path.join(dir, "other-machine.json")) };
      await assert.rejects(
        h.create(elsewhere, inputs),
        /idempotency_key_reused.*cannot be told apart: 2 active deployment\(s\) with this SDL and secrets/,
      );

      const rerun = await h.create(ctx, inputs);
      assert.equal(rerun.id, made[0], "the re-run gets the killed run's deployment, not the twin");
      assert.deepEqual(
        (await activeNow()).filter((d) => !before.includes(d)),
        made,
        "and makes no other",
      );
      assert.ok(!readFileSync(path.join(dir, "journal.sealed.json"), "utf8").includes("hunter2"));
      for (const done of [twin, rerun]) await h.delete(ref.context(), done.id, done.outs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("destroying a deployment that no longer exists or is already closed says so, not 'refunded'", async () => {
    const { id, outs } = await create();
    await ref.client.closeDeployment(id);
    const before = ref.logs.length;
    await h.delete(ref.context(), id, outs);
    assert.match(ref.logs.slice(before).join("\n"), /was already closed/);
    await h.delete(ref.context(), "999999999", outs);
    assert.match(
      ref.logs.slice(before).join("\n"),
      /999999999 no longer exists on the API; nothing to close/,
    );
    assert.doesNotMatch(ref.logs.slice(before).join("\n"), /refunded$/m);
  });
});
