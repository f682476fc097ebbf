import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { startPostgresTestCluster, type PostgresTestCluster } from "../db/postgres-test-cluster";
import { client, helloSdl, type Caller } from "../test-support/http";
import { serveProcess, type Served } from "../test-support/served";
import { TEST_SECRETS_KEY } from "../test-support/stores";

const CLI = join(__dirname, "..", "cli.js");

/**
 * Two replicas (two `serve` processes on one PostgreSQL database) each cache API keys, deployment
 * views and listing pages. A write acknowledged by one must show on the very next read through
 * the other. Every read through the second replica follows an identical one, so it would be a
 * cache hit if its cache missed the write.
 */
describe("cached reads across PostgreSQL replicas", () => {
  let cluster: PostgresTestCluster;
  const replicas: Served[] = [];
  let first: Caller;
  let second: Caller;
  let key: string;

  before(async () => {
    cluster = await startPostgresTestCluster();
    const databaseUrl = await cluster.createDatabase();
    const created = await promisify(execFile)(process.execPath, [
      CLI,
      "users",
      "create",
      "--email",
      "replicas@example.com",
      "--credit",
      "100",
      "--database-url",
      databaseUrl,
    ]);
    key = /API key \(shown once\): (\S+)/.exec(created.stdout)?.[1] ?? "";
    const env = { ...process.env, AKASH_REF_SECRETS_KEY: TEST_SECRETS_KEY };
    for (let i = 0; i < 2; i += 1) replicas.push(await serveProcess(["--database-url", databaseUrl], env));
    first = client(replicas[0]?.url ?? "", key);
    second = client(replicas[1]?.url ?? "", key);
  });
  after(async () => {
    for (const replica of replicas) {
      replica.child.kill("SIGTERM");
      await replica.exited;
    }
    await cluster?.stop();
  });

  /** The second read would be a cache hit (the servers run on the real clock: no text comparison). */
  async function readTwice(api: Caller, path: string) {
    await api("GET", path);
    const twice = await api("GET", path);
    assert.equal(twice.status, 200, twice.text);
    return twice.body.data;
  }

  const funds = (d: { escrow_account: { state: { funds: { amount: string }[] } } }) =>
    Number(d.escrow_account.state.funds[0]?.amount);

  test("a top-up through one replica shows its new balance on the next read through the other", async () => {
    const created = await first("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } });
    assert.equal(created.status, 201, created.text);
    const { dseq } = created.body.data;
    const before = await readTwice(second, `/v1/deployments/${dseq}`);
    const listed = await readTwice(second, "/v1/deployments?reverse=true&limit=1");

    const topUp = await first("POST", `/v1/deployments/deposit/${dseq}`, { data: { deposit: 2 } });
    assert.equal(topUp.status, 200, topUp.text);
    assert.equal(funds(await readTwice(second, `/v1/deployments/${dseq}`)), funds(before) + 2_000_000);
    const relisted = await readTwice(second, "/v1/deployments?reverse=true&limit=1");
    assert.equal(funds(relisted.deployments[0]), funds(listed.deployments[0]) + 2_000_000);

    assert.equal((await first("DELETE", `/v1/deployments/${dseq}`)).status, 200);
    assert.equal((await second("GET", `/v1/deployments/${dseq}`)).body.data.deployment.state, "closed");
    const closed = await second("GET", "/v1/deployments?reverse=true&limit=1");
    assert.equal(closed.body.data.pagination.total, listed.pagination.total - 1);
  });

  test("a key revoked through one replica answers 401 on the next request through the other", async () => {
    const made = await first("POST", "/v1/api-keys", { data: { name: "revoked-elsewhere" } });
    assert.equal(made.status, 201, made.text);
    const revoked = client(replicas[1]?.url ?? "", made.body.data.apiKey);
    await readTwice(revoked, "/v1/deployments?limit=1");

    assert.equal((await first("DELETE", `/v1/api-keys/${made.body.data.id}`)).status, 204);
    const refused = await revoked("GET", "/v1/deployments?limit=1");
    assert.equal(refused.status, 401, refused.text);
  });

  test("writes acknowledged by either replica are read back at once by the other, many times over", async () => {
    const created = await second("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } });
    const { dseq } = created.body.data;
    let expected = funds((await first("GET", `/v1/deployments/${dseq}`)).body.data);
    for (let round = 0; round < 20; round += 1) {
      const [writer, reader] = round % 2 === 0 ? [first, second] : [second, first];
      await reader("GET", `/v1/deployments/${dseq}`);
      const topUp = await writer("POST", `/v1/deployments/deposit/${dseq}`, { data: { deposit: 1 } });
      assert.equal(topUp.status, 200, topUp.text);
      expected += 1_000_000;
      assert.equal(
        funds((await reader("GET", `/v1/deployments/${dseq}`)).body.data),
        expected,
        `round ${round}`,
      );
    }
  });
});
