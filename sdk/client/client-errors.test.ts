// How answers and failures become AkashApiError, against loopback fixture servers.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { inspect } from "node:util";
import { AkashClient } from "./client";
import { AkashApiError } from "./errors";
import { closeAllPools } from "./transport";
import { startFixture, type FixtureHandler } from "./testing/fixture-server";
import { PROVIDER_A, deployment, lease } from "./testing/samples";

const API_KEY = "ac.sk.test.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const noSleep = async () => {};

async function withFixture<T>(
  handler: FixtureHandler,
  run: (client: AkashClient, requests: () => number) => Promise<T>,
) {
  const fixture = await startFixture(handler);
  try {
    const client = new AkashClient({ apiKey: API_KEY, baseUrl: fixture.url, sleep: noSleep, env: {} });
    return await run(client, () => fixture.requests.length);
  } finally {
    await fixture.close();
  }
}

async function caught(promise: Promise<unknown>): Promise<AkashApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AkashApiError, `expected AkashApiError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the call to fail");
}

function assertNoKey(error: unknown) {
  const forms = [
    String(error),
    inspect(error, { depth: 10 }),
    JSON.stringify(error),
    (error as Error).stack ?? "",
  ];
  for (const form of forms) assert.ok(!form.includes(API_KEY), `API key leaked into: ${form.slice(0, 200)}`);
}

after(() => closeAllPools());

describe("error mapping", () => {
  test("400 validation_error carries the server's issues, method and path", async () => {
    const body = {
      error: "BadRequestError",
      message: "Validation error",
      code: "validation_error",
      type: "validation_error",
      data: [{ code: "too_small", message: "Too small", path: ["data", "deposit"], minimum: 0 }],
    };
    await withFixture(
      () => ({ status: 400, body }),
      async (client) => {
        const error = await caught(client.createDeployment({ sdl: "x", deposit: "5" }));
        assert.equal(error.kind, "http");
        assert.equal(error.status, 400);
        assert.equal(error.code, "validation_error");
        assert.equal(error.errorName, "BadRequestError");
        assert.equal(error.method, "POST");
        assert.equal(error.path, "/v1/deployments");
        assert.deepEqual(error.issues[0]?.path, ["data", "deposit"]);
        assert.match(
          error.message,
          /^POST \/v1\/deployments: HTTP 400 validation_error: Validation error \(data\.deposit: Too small\)/,
        );
        assert.equal(error.transient, false);
      },
    );
  });

  test("401, 404 and 402 keep the body's code and message", async () => {
    const answers = [
      {
        status: 401,
        body: {
          error: "UnauthorizedError",
          message: "Invalid API key",
          code: "unauthorized",
          type: "client_error",
        },
      },
      {
        status: 404,
        body: {
          error: "NotFoundError",
          message: "Deployment not found",
          code: "not_found",
          type: "client_error",
        },
      },
      {
        status: 402,
        body: {
          error: "PaymentRequiredError",
          message: "Not enough balance",
          code: "payment_required",
          type: "client_error",
        },
      },
    ];
    await withFixture(
      (_, i) => answers[i] ?? {},
      async (client) => {
        const unauthorized = await caught(client.listApiKeys());
        assert.deepEqual([unauthorized.status, unauthorized.code], [401, "unauthorized"]);
        const missing = await caught(client.getDeployment("42"));
        assert.deepEqual(
          [missing.status, missing.code, missing.path],
          [404, "not_found", "/v1/deployments/42"],
        );
        assert.match(missing.message, /Deployment not found/);
        const broke = await caught(client.depositDeployment(42, "1"));
        assert.deepEqual([broke.status, broke.code], [402, "payment_required"]);
      },
    );
  });

  test("the live API's removed certificates endpoint becomes code endpoint_removed", async () => {
    const error =
      "This endpoint has been removed. mTLS certificates are no longer required as identity is now verified via API key.";
    await withFixture(
      () => ({ status: 400, body: { error } }),
      async (client) => {
        const removed = await caught(client.createCertificate());
        assert.equal(removed.code, "endpoint_removed");
        assert.match(removed.message, /has been removed/);
      },
    );
  });

  test("a non-JSON error page maps by status", async () => {
    await withFixture(
      () => ({ status: 500, body: "<html>oops</html>", headers: { "content-type": "text/html" } }),
      async (client) => {
        const error = await caught(client.getBalances());
        assert.deepEqual([error.status, error.code], [500, "http_500"]);
        assert.match(error.message, /oops/);
        assert.equal(error.attempts, 1, "500 is not retried");
      },
    );
  });

  test("a refused connection is a network error, not an HTTP error", async () => {
    const port = await freePort();
    const client = new AkashClient({
      apiKey: API_KEY,
      baseUrl: `http://127.0.0.1:${port}`,
      sleep: noSleep,
      env: {},
    });
    const error = await caught(client.getDeployment(1));
    assert.equal(error.kind, "network");
    assert.equal(error.status, undefined);
    assert.equal(error.code, "ECONNREFUSED");
    assert.equal(error.attempts, 5, "GET retried 4 times");
    assert.equal(error.transient, true);
    assertNoKey(error);
  });

  test("a slow answer is a timeout", async () => {
    await withFixture(
      () => ({ delayMs: 300, body: { data: deployment("1") } }),
      async (client, requests) => {
        const started = Date.now();
        const error = await caught(client.getDeployment(1, { timeoutMs: 50, retries: 1 }));
        assert.equal(error.kind, "timeout");
        assert.equal(error.code, "request_timeout");
        assert.equal(error.attempts, 2);
        assert.equal(requests(), 2);
        assert.ok(Date.now() - started < 1000);
      },
    );
  });

  test("the overall deadline stops retries", async () => {
    await withFixture(
      () => ({
        delayMs: 80,
        status: 503,
        body: {
          error: "ServiceUnavailableError",
          message: "busy",
          code: "service_unavailable",
          type: "server_error",
        },
      }),
      async (client, requests) => {
        const error = await caught(client.getDeployment(1, { deadlineMs: 200, retries: 50 }));
        assert.ok(error.kind === "http" || error.kind === "timeout", error.kind);
        assert.ok(requests() <= 4, `${requests()} requests within a 200 ms deadline`);
      },
    );
  });

  test("an AbortSignal cancels the call in flight", async () => {
    await withFixture(
      () => ({ delayMs: 2000, body: { data: deployment("1") } }),
      async (client) => {
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 30);
        const started = Date.now();
        const error = await caught(client.getDeployment(1, { signal: controller.signal }));
        assert.equal(error.kind, "aborted");
        assert.ok(Date.now() - started < 1000);
      },
    );
  });

  test("an already aborted signal sends nothing", async () => {
    await withFixture(
      () => ({ body: { data: deployment("1") } }),
      async (client, requests) => {
        const error = await caught(client.getDeployment(1, { signal: AbortSignal.abort() }));
        assert.equal(error.kind, "aborted");
        assert.equal(requests(), 0);
      },
    );
  });
});

describe("response validation", () => {
  test("unknown extra fields are tolerated", async () => {
    const body = {
      data: { ...deployment("7"), extra: 1, deployment: { ...deployment("7").deployment, newField: "x" } },
      meta: {},
    };
    await withFixture(
      () => ({ body }),
      async (client) => {
        const result = await client.getDeployment(7);
        assert.equal(result.deployment.id.dseq, "7");
      },
    );
  });

  test("a missing or mistyped field fails naming its path", async () => {
    const broken = deployment("7");
    const body = {
      data: { ...broken, leases: [{ ...broken.leases[0], id: { dseq: 7 } }], escrow_account: { id: {} } },
    };
    await withFixture(
      () => ({ body }),
      async (client) => {
        const error = await caught(client.getDeployment(7));
        assert.equal(error.kind, "invalid_response");
        assert.equal(error.status, 200);
        assert.match(
          error.message,
          /GET \/v1\/deployments\/7: answered 200 with a body that does not match the contract/,
        );
        assert.match(
          error.message,
          /data\.leases\[0\]\.id\.dseq: Invalid input: expected string, received number/,
        );
        assert.ok(error.issues.some((issue) => issue.path.join(".") === "data.escrow_account.id.scope"));
        assert.ok(error.issues.some((issue) => issue.path.join(".") === "data.escrow_account.state"));
      },
    );
  });

  test("a lease status of null is accepted (provider unreachable)", async () => {
    await withFixture(
      () => ({ body: { data: deployment("7", [lease("7", PROVIDER_A, null)]) } }),
      async (client) => {
        const result = await client.getDeployment(7);
        assert.equal(result.leases[0]?.status, null);
      },
    );
  });

  test("a body that is not JSON is an invalid response", async () => {
    await withFixture(
      () => ({ body: "not json" }),
      async (client) => {
        const error = await caught(client.getBalances());
        assert.deepEqual([error.kind, error.code], ["invalid_response", "invalid_json"]);
      },
    );
  });
});

describe("request validation", () => {
  test("bad arguments fail before anything is sent, naming the field", async () => {
    await withFixture(
      () => ({ body: {} }),
      async (client, requests) => {
        const dseq = await caught(client.getDeployment("abc"));
        assert.equal(dseq.kind, "invalid_request");
        assert.match(dseq.message, /invalid params, nothing was sent: params\.dseq: /);
        const zero = await caught(client.closeDeployment(0));
        assert.equal(zero.issues[0]?.code, "too_small");
        const lease = await caught(
          client.createLease({
            manifest: "[]",
            leases: [{ dseq: "1", gseq: 1, oseq: 1, provider: "cosmos1x" }],
          }),
        );
        assert.match(lease.message, /body\.leases\[0\]\.provider: must be an Akash bech32 address/);
        const deposit = await caught(client.createDeployment({ sdl: "x", deposit: "1.0000001" }));
        assert.match(deposit.message, /body\.data\.deposit: Amount "1\.0000001" has 7 decimal places/);
        assert.equal((await caught(client.depositDeployment(1, -2))).kind, "invalid_request");
        assert.equal(requests(), 0);
      },
    );
  });
});

describe("the API key never leaks", () => {
  test("not in errors of any kind, even when the server echoes it", async () => {
    await withFixture(
      (request) => ({
        status: 401,
        body: {
          error: "UnauthorizedError",
          message: `bad key ${String(request.headers["x-api-key"])}`,
          code: "unauthorized",
          type: "client_error",
        },
      }),
      async (client) => {
        const error = await caught(client.listApiKeys());
        assert.match(error.message, /bad key \[redacted\]/);
        assertNoKey(error);
        assertNoKey(await caught(client.getDeployment("abc")));
      },
    );
  });

  test("not in the client's own string, inspect or JSON forms", () => {
    const client = new AkashClient({ apiKey: API_KEY, baseUrl: "http://127.0.0.1:9", env: {} });
    assertNoKey(client);
    assert.match(inspect(client), /baseUrl: "http:\/\/127\.0\.0\.1:9"/);
  });

  test("sent only in the x-api-key header", async () => {
    await withFixture(
      () => ({ body: { data: [] } }),
      async (client) => {
        await client.listApiKeys();
      },
    );
    const fixture = await startFixture(() => ({ body: { data: [] } }));
    try {
      await new AkashClient({ apiKey: API_KEY, baseUrl: fixture.url, env: {} }).listApiKeys();
      const [request] = fixture.requests;
      assert.equal(request?.headers["x-api-key"], API_KEY);
      assert.equal(request?.headers.authorization, undefined);
      assert.ok(!request?.url.includes(API_KEY));
    } finally {
      await fixture.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
