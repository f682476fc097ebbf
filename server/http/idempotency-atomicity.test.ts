import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { after, test } from "node:test";
import { sql } from "kysely";
import { openStore } from "../db/connect";
import { startServer, type ServerOptions } from "../index";
import { ManualClock } from "../market";
import { PENDING_STATUS } from "../repositories/idempotency";
import { client, helloSdl, type Caller } from "../test-support/http";
import { describeEachStore, type StoreName } from "../test-support/stores";

const CLI = join(__dirname, "..", "cli.js");
const CREATE = { data: { sdl: helloSdl(), deposit: 5 } };

type StoreOptions = Pick<ServerOptions, "dataDir" | "databaseUrl" | "secretsKey">;

/** `akash-ref-api serve` in a child process on the store; resolves once it listens. */
async function serveChild(store: StoreOptions): Promise<{ child: ChildProcess; url: string }> {
  const where = store.databaseUrl
    ? ["--database-url", store.databaseUrl]
    : ["--data-dir", store.dataDir ?? ""];
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", ...where], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...(store.secretsKey ? { AKASH_REF_SECRETS_KEY: store.secretsKey } : {}) },
  });
  children.push(child);
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
  return { child, url };
}

const children: ChildProcess[] = [];
after(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

async function killed(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

async function activeDeployments(api: Caller): Promise<number> {
  const listed = await api("GET", "/v1/deployments");
  assert.equal(listed.status, 200);
  assert.equal(listed.body.data.deployments.length, listed.body.data.pagination.total);
  return listed.body.data.pagination.total as number;
}

/** A trigger that makes storing a request's answer fail, in each store's dialect. */
function failingAnswerStore(store: StoreName): string[] {
  return store === "sqlite"
    ? [
        "create trigger fail_answer before update on idempotency_keys begin select raise(abort, 'answer store failed'); end",
      ]
    : [
        "create function fail_answer() returns trigger language plpgsql as $$ begin raise exception 'answer store failed'; end $$",
        "create trigger fail_answer before update on idempotency_keys for each row execute function fail_answer()",
      ];
}

describeEachStore("Idempotency-Key atomicity", (store) => {
  test("a server killed mid-request leaves no pending key", async () => {
    const where = await store.freshStore();
    const setup = await startServer({ logLevel: "silent", ...where });
    const { apiKey } = await setup.createUser("crash@example.com", 100);
    await setup.close();

    const first = await serveChild(where);
    const api = client(first.url, apiKey);
    const keys = Array.from({ length: 10 }, (_, i) => `crash-${i}`);
    const answered = new Map<string, unknown>();
    const inFlight = keys.map((key) =>
      api("POST", "/v1/deployments", CREATE, { "idempotency-key": key }).then(
        (answer) => {
          assert.equal(answer.status, 201, answer.text);
          answered.set(key, answer.body);
        },
        () => undefined, // cut by the kill
      ),
    );
    // Killed as soon as the first answer arrives, while the others are being handled.
    await Promise.race(inFlight);
    await killed(first.child);
    await Promise.all(inFlight);
    assert.ok(answered.size < keys.length, "the kill came after every request had been answered");

    const inspected = await openStore(where);
    try {
      const pending = await inspected.db
        .selectFrom("idempotency_keys")
        .select("key")
        .where("status", "=", PENDING_STATUS)
        .execute();
      assert.deepEqual(pending, [], "no key is left pending");
    } finally {
      await inspected.close();
    }

    const second = await serveChild(where);
    const again = client(second.url, apiKey);
    for (const key of keys) {
      const answer = await again("POST", "/v1/deployments", CREATE, { "idempotency-key": key });
      assert.equal(answer.status, 201, `${key}: ${answer.text}`);
      if (answered.has(key)) {
        assert.equal(answer.headers.get("idempotent-replayed"), "true", `${key} was answered: it replays`);
        assert.deepEqual(answer.body, answered.get(key));
      }
    }
    assert.equal(await activeDeployments(again), keys.length, "one deployment per key, never more");
    assert.equal(
      (await again("GET", "/v1/balances")).body.data.balance,
      100_000_000 - keys.length * 5_000_000,
    );
    for (const key of keys) {
      const replay = await again("POST", "/v1/deployments", CREATE, { "idempotency-key": key });
      assert.equal(replay.headers.get("idempotent-replayed"), "true", `${key} is remembered after its run`);
    }
    await killed(second.child);
  });

  test("concurrent identical requests with one key produce one deployment and the same answer", async () => {
    const server = await store.start({ clock: new ManualClock({ startMs: Date.UTC(2026, 0, 1) }) });
    const api = client(server.url, (await server.createUser("twins@example.com", 100)).apiKey);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => api("POST", "/v1/deployments", CREATE, { "idempotency-key": "twin" })),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      Array.from({ length: 6 }, () => 201),
    );
    for (const answer of answers) assert.deepEqual(answer.body, answers[0]?.body);
    assert.equal(answers.filter((a) => a.headers.get("idempotent-replayed") === null).length, 1, "one ran");
    assert.equal(await activeDeployments(api), 1);
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 95_000_000);
  });

  test("a failed request (402 insufficient credit, 400 invalid SDL) leaves the key free and writes nothing", async () => {
    const server = await store.start({ clock: new ManualClock({ startMs: Date.UTC(2026, 0, 1) }) });
    const { apiKey, userId } = await server.createUser("failures@example.com", 3);
    const api = client(server.url, apiKey);
    const keysOf = () =>
      server.services.db.selectFrom("idempotency_keys").select("key").where("user_id", "=", userId).execute();

    const poor = await api("POST", "/v1/deployments", CREATE, { "idempotency-key": "k" });
    assert.equal(poor.status, 402);
    const invalid = await api(
      "POST",
      "/v1/deployments",
      { data: { sdl: "version: '2.0'\nservices: {}\n", deposit: 5 } },
      { "idempotency-key": "k" },
    );
    assert.equal(invalid.status, 400, "the key was free: not a 422 for another body");
    assert.deepEqual(await keysOf(), []);
    assert.equal(await activeDeployments(api), 0);
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 3_000_000);

    await server.creditUser("failures@example.com", 10);
    const created = await api("POST", "/v1/deployments", CREATE, { "idempotency-key": "k" });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get("idempotent-replayed"), null, "it ran");
    assert.equal(await activeDeployments(api), 1);
  });

  test("a request whose answer cannot be stored writes nothing and leaves the key free", async () => {
    const server = await store.start({ clock: new ManualClock({ startMs: Date.UTC(2026, 0, 1) }) });
    const api = client(server.url, (await server.createUser("lost@example.com", 100)).apiKey);
    for (const statement of failingAnswerStore(store.name))
      await sql.raw(statement).execute(server.services.db);

    const failed = await api("POST", "/v1/deployments", CREATE, { "idempotency-key": "lost" });
    assert.equal(failed.status, 500, failed.text);
    assert.equal(await activeDeployments(api), 0, "the deployment was rolled back with the answer");
    assert.equal((await api("GET", "/v1/balances")).body.data.balance, 100_000_000);

    await sql
      .raw("drop trigger fail_answer" + (store.name === "postgres" ? " on idempotency_keys" : ""))
      .execute(server.services.db);
    const retried = await api("POST", "/v1/deployments", CREATE, { "idempotency-key": "lost" });
    assert.equal(retried.status, 201, retried.text);
    assert.equal(retried.headers.get("idempotent-replayed"), null);
    assert.equal(await activeDeployments(api), 1);
  });

  test("a key left pending by an earlier version is freed at start; answered keys still replay", async () => {
    const where = await store.freshStore();
    const before = await startServer({ logLevel: "silent", ...where });
    const { apiKey, userId } = await before.createUser("upgrade@example.com", 100);
    const done = await client(before.url, apiKey)("POST", "/v1/deployments", CREATE, {
      "idempotency-key": "done",
    });
    assert.equal(done.status, 201);
    await before.services.db
      .insertInto("idempotency_keys")
      .values({
        user_id: userId,
        key: "abandoned",
        request_hash: "0".repeat(64),
        status: PENDING_STATUS,
        response_body: "",
        created_at: before.clock.now(),
      })
      .execute();
    await before.close();

    const server = await startServer({ logLevel: "silent", ...where });
    try {
      const api = client(server.url, apiKey);
      const freed = await api("POST", "/v1/deployments", CREATE, { "idempotency-key": "abandoned" });
      assert.equal(freed.status, 201, freed.text);
      assert.equal(freed.headers.get("idempotent-replayed"), null);
      const replay = await api("POST", "/v1/deployments", CREATE, { "idempotency-key": "done" });
      assert.equal(replay.headers.get("idempotent-replayed"), "true");
      assert.deepEqual(replay.body, done.body);
      assert.equal(await activeDeployments(api), 2);
    } finally {
      await server.close();
    }
  });
});
