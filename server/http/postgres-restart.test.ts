import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { resolveConfig } from "../config";
import { startPostgresTestCluster, type PostgresTestCluster } from "../db/postgres-test-cluster";
import { openServices } from "../index";
import { helloSdl } from "../test-support/http";
import { serveProcess, type Served } from "../test-support/served";

const WRITERS = 12;
const CREDIT_USD = 100_000;
const SECRETS_KEY = "postgres-restart-test-secrets-key";

/** What the writers saw: every answer by status, and each write the server acknowledged. */
interface Load {
  statuses: Map<number, number>;
  /** Bodies and headers of the 503s, to check their shape. */
  unavailable: { body: string; retryAfter: string | null }[];
  /** Requests that got no answer at all (connection refused or reset: the server died). */
  unanswered: string[];
  /** Answers that were neither a success nor a 503. */
  unexpected: string[];
  created: string[];
  /** Dollars of acknowledged deposits per dseq. */
  deposited: Map<string, number>;
  /** Successes after the database came back. */
  afterwards: number;
}

/**
 * Writers through the HTTP API, each with its own Idempotency-Keys: a create or a $1 deposit into
 * one of its deployments, each retried with the same key until it is acknowledged (as a client
 * does after a 503), so that every key ends with exactly one write.
 */
function startWriters(url: string, apiKey: string, load: Load, stopping: () => boolean): Promise<void[]> {
  const send = async (path: string, body: unknown, key: string) => {
    for (;;) {
      let response: Response;
      try {
        response = await fetch(`${url}${path}`, {
          method: "POST",
          headers: { "x-api-key": apiKey, "content-type": "application/json", "idempotency-key": key },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(20_000),
        });
      } catch (error) {
        load.unanswered.push(`${key}: ${String((error as Error).cause ?? error)}`);
        return undefined;
      }
      const text = await response.text();
      load.statuses.set(response.status, (load.statuses.get(response.status) ?? 0) + 1);
      if (response.ok) return JSON.parse(text) as { data: { dseq?: string; id?: { dseq: string } } };
      if (response.status !== 503) {
        load.unexpected.push(`${key}: ${response.status} ${text}`);
        return undefined;
      }
      load.unavailable.push({ body: text, retryAfter: response.headers.get("retry-after") });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return Promise.all(
    Array.from({ length: WRITERS }, async (_, writer) => {
      const own: string[] = [];
      for (let n = 0; !stopping() && load.unanswered.length === 0; n++) {
        const dseq = n % 3 === 2 && own.length > 0 ? own[n % own.length] : undefined;
        if (dseq === undefined) {
          const answer = await send(
            "/v1/deployments",
            { data: { sdl: helloSdl(), deposit: 5 } },
            `writer-${writer}-${n}`,
          );
          const created = answer?.data.dseq;
          if (created) {
            own.push(created);
            load.created.push(created);
          }
        } else {
          const answer = await send(
            "/v1/deposit-deployment",
            { data: { dseq, deposit: 1 } },
            `writer-${writer}-${n}`,
          );
          if (answer) load.deposited.set(dseq, (load.deposited.get(dseq) ?? 0) + 1);
        }
      }
    }),
  );
}

async function get(url: string, apiKey: string, path: string) {
  const response = await fetch(`${url}${path}`, { headers: { "x-api-key": apiKey } });
  return { status: response.status, body: (await response.json()) as { data: Record<string, unknown> } };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the API on PostgreSQL survives a database restart under load", () => {
  let cluster: PostgresTestCluster;
  const servers: Served[] = [];

  before(async () => {
    cluster = await startPostgresTestCluster();
  });
  after(async () => {
    for (const served of servers) {
      served.child.kill("SIGTERM");
      await served.exited;
    }
    await cluster.stop();
  });

  const outages: [string, () => Promise<void>][] = [
    ["pg_ctl restart -m fast", async () => cluster.restart()],
    [
      "kill -9 of the postmaster, down for 1.5 s, then started again",
      async () => {
        await cluster.crash();
        await sleep(1500);
        await cluster.start();
      },
    ],
  ];

  for (const [title, outage] of outages) {
    test(`${title}: the server lives, answers 503 while the database is gone, and keeps every acknowledged write`, async (t) => {
      const databaseUrl = await cluster.createDatabase();
      const config = resolveConfig({ databaseUrl, secretsKey: SECRETS_KEY });
      const { services, store } = await openServices(config);
      const { apiKey } = await services.users.create("writer@example.com", CREDIT_USD);
      await store.close();
      const served = await serveProcess(["--database-url", databaseUrl, "--log-level", "warn"], {
        ...process.env,
        AKASH_REF_SECRETS_KEY: SECRETS_KEY,
      });
      servers.push(served);

      const load: Load = {
        statuses: new Map(),
        unavailable: [],
        unanswered: [],
        unexpected: [],
        created: [],
        deposited: new Map(),
        afterwards: 0,
      };
      let stop = false;
      const writers = startWriters(served.url, apiKey, load, () => stop);
      await sleep(1000);
      await outage();
      const successesAtRecovery = load.statuses.get(201) ?? 0;
      await sleep(1500);
      stop = true;
      await writers;
      load.afterwards = (load.statuses.get(201) ?? 0) - successesAtRecovery;
      t.diagnostic(
        `answers ${JSON.stringify(Object.fromEntries(load.statuses))}, ${load.created.length} creates acknowledged`,
      );

      assert.equal(served.child.exitCode, null, `the server died:\n${served.output().slice(-4000)}`);
      assert.deepEqual(load.unanswered, [], "requests without an answer");
      const errors = served
        .output()
        .split("\n")
        .filter((line) => line.includes('"level":50'));
      assert.deepEqual(
        load.unexpected,
        [],
        `answers other than a success or a 503; errors logged:\n${errors.join("\n")}`,
      );
      assert.ok(load.afterwards > 0, "creates succeed once the database is back");
      assert.ok(load.created.length > WRITERS, `${load.created.length} creates acknowledged`);
      for (const { body, retryAfter } of load.unavailable) {
        assert.deepEqual(JSON.parse(body), {
          error: "ServiceUnavailableError",
          message: "The store is unavailable (its database does not answer); retry shortly",
          code: "store_unavailable",
          type: "server_error",
        });
        assert.match(retryAfter ?? "", /^\d+$/);
      }
      if (title.startsWith("kill")) {
        assert.ok(load.unavailable.length > 0, "requests while the database was down got 503");
      }

      // Every acknowledged write is there, once: each key made exactly one.
      const listing = await get(served.url, apiKey, "/v1/deployments?limit=1");
      assert.equal((listing.body.data.pagination as { total: number }).total, load.created.length);
      for (const dseq of load.created) {
        const { status, body } = await get(served.url, apiKey, `/v1/deployments/${dseq}`);
        assert.equal(status, 200, dseq);
        const escrow = body.data.escrow_account as { state: { funds: { amount: string }[] } };
        const dollars = 5 + (load.deposited.get(dseq) ?? 0);
        assert.equal(Number(escrow.state.funds[0]?.amount), dollars * 1_000_000, `escrow of ${dseq}`);
      }
      const deposits = [...load.deposited.values()].reduce((sum, n) => sum + n, 0);
      const escrowed = (load.created.length * 5 + deposits) * 1_000_000;
      assert.deepEqual((await get(served.url, apiKey, "/v1/balances")).body.data, {
        balance: CREDIT_USD * 1_000_000 - escrowed,
        deployments: escrowed,
        total: CREDIT_USD * 1_000_000,
      });
      assert.deepEqual(errors, [], "no error logged");
    });
  }
});
