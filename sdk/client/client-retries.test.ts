// Which calls are retried, how often, how long between attempts, and Idempotency-Key handling.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { AkashClient, type AkashClientOptions } from "./client";
import { AkashApiError } from "./errors";
import { closeAllPools } from "./transport";
import {
  startFixture,
  type FixtureAnswer,
  type FixtureHandler,
  type RecordedRequest,
} from "./testing/fixture-server";
import { PROVIDER_A, deployment } from "./testing/samples";

const API_KEY = "ac.sk.test.retry";
const unavailable = (extra: FixtureAnswer = {}): FixtureAnswer => ({
  status: 503,
  body: {
    error: "ServiceUnavailableError",
    message: "busy",
    code: "service_unavailable",
    type: "server_error",
  },
  ...extra,
});
const created = { data: { dseq: "9", manifest: "[]" } };

interface Run {
  client: AkashClient;
  requests: RecordedRequest[];
  delays: number[];
}

async function withFixture(
  handler: FixtureHandler,
  run: (ctx: Run) => Promise<void>,
  options: AkashClientOptions = {},
) {
  const fixture = await startFixture(handler);
  const delays: number[] = [];
  try {
    const client = new AkashClient({
      apiKey: API_KEY,
      baseUrl: fixture.url,
      env: {},
      retry: { retries: 4, baseDelayMs: 100, maxDelayMs: 1000 },
      random: () => 0.5,
      sleep: async (ms) => {
        delays.push(ms);
      },
      ...options,
    });
    await run({ client, requests: fixture.requests, delays });
  } finally {
    await fixture.close();
  }
}

/** Fails with `failure` for the first `times` requests, then answers `success`. */
const failThen =
  (times: number, failure: FixtureAnswer, success: FixtureAnswer): FixtureHandler =>
  (_, index) =>
    index < times ? failure : success;

after(() => closeAllPools());

describe("retries", () => {
  test("GET is retried on 503 with exponential full-jitter backoff, then succeeds", async () => {
    await withFixture(
      failThen(3, unavailable(), { body: { data: deployment("1") } }),
      async ({ client, requests, delays }) => {
        const result = await client.getDeployment(1);
        assert.equal(result.deployment.id.dseq, "1");
        assert.equal(requests.length, 4);
        assert.deepEqual(delays, [50, 100, 200], "random 0.5 x min(1000, 100 * 2^n)");
      },
    );
  });

  test("GET gives up after the configured retries and reports the attempts", async () => {
    await withFixture(
      () => unavailable(),
      async ({ client, requests, delays }) => {
        const error = await client.getDeployment(1).catch((e: unknown) => e);
        assert.ok(error instanceof AkashApiError);
        assert.equal(error.status, 503);
        assert.equal(error.attempts, 5);
        assert.match(error.message, /after 5 attempts/);
        assert.equal(requests.length, 5);
        assert.deepEqual(delays, [50, 100, 200, 400]);
      },
    );
  });

  test("502, 504 and 429 are retried; 500 and 4xx are not", async () => {
    for (const status of [502, 504, 429]) {
      await withFixture(
        failThen(1, { status }, { body: { data: { success: true } } }),
        async ({ client, requests }) => {
          await client.closeDeployment(1);
          assert.equal(requests.length, 2, `status ${status}`);
        },
      );
    }
    for (const status of [500, 400, 404, 409]) {
      await withFixture(
        () => ({ status, body: { error: "E", message: "m", code: "c", type: "t" } }),
        async ({ client, requests }) => {
          await assert.rejects(client.closeDeployment(1));
          assert.equal(requests.length, 1, `status ${status}`);
        },
      );
    }
  });

  test("Retry-After (seconds or HTTP date) replaces the backoff delay", async () => {
    await withFixture(
      failThen(1, unavailable({ headers: { "retry-after": "2" } }), { body: { data: [] } }),
      async ({ client, delays }) => {
        await client.listApiKeys();
        assert.deepEqual(delays, [2000]);
      },
    );
    const now = Date.parse("2026-01-01T00:00:00Z");
    await withFixture(
      failThen(
        1,
        { status: 429, headers: { "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" } },
        { body: { data: [] } },
      ),
      async ({ client, delays }) => {
        await client.listApiKeys();
        assert.deepEqual(delays, [3000]);
      },
      { now: () => now },
    );
  });

  test("a Retry-After beyond the deadline ends the call at once with the server's answer", async () => {
    await withFixture(
      () => unavailable({ headers: { "retry-after": "600" } }),
      async ({ client, requests, delays }) => {
        const error = await client.listApiKeys({ deadlineMs: 5000 }).catch((e: unknown) => e);
        assert.ok(error instanceof AkashApiError);
        assert.equal(error.retryAfterMs, 600_000);
        assert.equal(requests.length, 1);
        assert.deepEqual(delays, []);
      },
    );
  });

  test("connection resets are retried for GET", async () => {
    await withFixture(failThen(2, { reset: true }, { body: { data: [] } }), async ({ client, requests }) => {
      await client.listApiKeys();
      assert.equal(requests.length, 3);
    });
  });

  test("POST /v1/leases is retried (idempotent on the live API)", async () => {
    await withFixture(
      failThen(1, { status: 502 }, { body: { data: deployment("9") } }),
      async ({ client, requests }) => {
        await client.createLease({
          manifest: "[]",
          leases: [{ dseq: "9", gseq: 1, oseq: 1, provider: PROVIDER_A }],
        });
        assert.equal(requests.length, 2);
        assert.equal(requests[0]?.body, requests[1]?.body);
      },
    );
  });

  test("retries: 0 disables retrying", async () => {
    await withFixture(
      () => unavailable(),
      async ({ client, requests }) => {
        await assert.rejects(client.getBalances({}, { retries: 0 }));
        assert.equal(requests.length, 1);
      },
    );
  });
});

describe("creates that spend money", () => {
  test("create deployment is not repeated after a 503 or a reset connection", async () => {
    await withFixture(
      () => unavailable(),
      async ({ client, requests }) => {
        await assert.rejects(client.createDeployment({ sdl: "x", deposit: "5" }), { status: 503 });
        assert.equal(requests.length, 1);
      },
    );
    await withFixture(
      () => ({ reset: true }),
      async ({ client, requests }) => {
        await assert.rejects(client.depositDeployment(1, "0.5"), { kind: "network" });
        assert.equal(requests.length, 1);
      },
    );
  });

  test("create deployment is repeated after 429 and 409 wallet_provisioning, with the same Idempotency-Key", async () => {
    const provisioning: FixtureAnswer = {
      status: 409,
      body: {
        error: "ConflictError",
        message: "Wallet is still being provisioned, please retry shortly",
        code: "wallet_provisioning",
        type: "client_error",
      },
    };
    let calls = 0;
    const handler: FixtureHandler = () =>
      [{ status: 429 }, provisioning][calls++] ?? { status: 201, body: created };
    await withFixture(handler, async ({ client, requests }) => {
      const result = await client.createDeployment({ sdl: "x", deposit: "5.5" });
      assert.equal(result.dseq, "9");
      assert.equal(requests.length, 3);
      const keys = requests.map((r) => r.headers["idempotency-key"]);
      assert.match(String(keys[0]), /^[0-9a-f-]{36}$/);
      assert.equal(new Set(keys).size, 1, "one key for the logical call");
      assert.deepEqual(requests[0]?.json, { data: { sdl: "x", deposit: 5.5 } });
    });
  });

  test("a create answered 409 idempotency_in_progress (a server restarted mid-request) is repeated until it gets the answer", async () => {
    const inProgress: FixtureAnswer = {
      status: 409,
      body: {
        error: "ConflictError",
        message: "A request with this Idempotency-Key is still being processed; retry shortly",
        code: "idempotency_in_progress",
        type: "client_error",
      },
    };
    let calls = 0;
    const handler: FixtureHandler = () => (calls++ < 2 ? inProgress : { status: 201, body: created });
    await withFixture(handler, async ({ client, requests }) => {
      const result = await client.createDeployment({ sdl: "x", deposit: 5 }, { idempotencyKey: "k1" });
      assert.equal(result.dseq, "9");
      assert.equal(requests.length, 3);
      assert.deepEqual(
        requests.map((r) => r.headers["idempotency-key"]),
        ["k1", "k1", "k1"],
      );
    });
  });

  test("each logical call gets its own Idempotency-Key unless the caller passes one", async () => {
    const handler: FixtureHandler = (request) =>
      request.url === "/v1/deposit-deployment"
        ? { body: { data: deployment("9") } }
        : { status: 201, body: created };
    await withFixture(handler, async ({ client, requests }) => {
      await client.createDeployment({ sdl: "x" });
      await client.createDeployment({ sdl: "x" });
      await client.depositDeployment(9, 1, { idempotencyKey: "mine" });
      const keys = requests.map((r) => r.headers["idempotency-key"]);
      assert.notEqual(keys[0], keys[1]);
      assert.equal(keys[2], "mine");
      assert.deepEqual(requests[0]?.json, { data: { sdl: "x" } }, "no deposit sent when none given");
    });
  });

  test("with trustIdempotencyKey, creates are retried on 503 like reads, with the same key", async () => {
    await withFixture(
      failThen(2, unavailable(), { status: 201, body: created }),
      async ({ client, requests }) => {
        await client.createDeployment({ sdl: "x", deposit: 5 });
        assert.equal(requests.length, 3);
        assert.equal(new Set(requests.map((r) => r.headers["idempotency-key"])).size, 1);
      },
      { trustIdempotencyKey: true },
    );
  });

  test("GET requests carry no Idempotency-Key", async () => {
    await withFixture(
      () => ({ body: { data: [] } }),
      async ({ client, requests }) => {
        await client.listBids(1);
        assert.equal(requests[0]?.headers["idempotency-key"], undefined);
      },
    );
  });
});
