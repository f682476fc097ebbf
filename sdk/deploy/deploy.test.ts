// deploy(): the whole flow in one call, the default cheapest selection, and no leaked deposit.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { AkashClient, closeAllPools } from "../client";
import { startFixture, type FixtureAnswer, type RecordedRequest } from "../client/testing/fixture-server";
import { PROVIDER_A, PROVIDER_B, bid, deployment, lease, runningStatus } from "../client/testing/samples";
import { cheapestBid, deploy } from "./deploy";

const DSEQ = "77";
const MANIFEST = JSON.stringify([{ name: "akash", services: [] }]);

interface MarketOptions {
  bids?: ReturnType<typeof bid>[];
  leaseAnswer?: FixtureAnswer;
  /** Deployment reads before the lease reports its service running. */
  startingPolls?: number;
}

/** A fixture playing the live API for one deployment. */
function market(options: MarketOptions = {}) {
  let reads = 0;
  let leasedProvider = PROVIDER_A;
  return (request: RecordedRequest): FixtureAnswer => {
    const path = request.url.split("?")[0];
    if (request.method === "POST" && path === "/v1/deployments") {
      return {
        status: 201,
        body: {
          data: { dseq: DSEQ, manifest: MANIFEST, signTx: { code: 0, transactionHash: "H", rawLog: "" } },
        },
      };
    }
    if (path === "/v1/bids") {
      return {
        body: { data: options.bids ?? [bid(DSEQ, PROVIDER_A, "2.5"), bid(DSEQ, PROVIDER_B, "1.25")] },
      };
    }
    if (request.method === "POST" && path === "/v1/leases") {
      leasedProvider = (request.json as { leases: { provider: string }[] }).leases[0]?.provider ?? "";
      return options.leaseAnswer ?? { body: { data: deployment(DSEQ, [lease(DSEQ, leasedProvider, null)]) } };
    }
    if (request.method === "GET" && path === `/v1/deployments/${DSEQ}`) {
      reads++;
      const status = reads > (options.startingPolls ?? 0) ? runningStatus("web.example.test") : null;
      return { body: { data: deployment(DSEQ, [lease(DSEQ, leasedProvider, status)]) } };
    }
    if (request.method === "DELETE" && path === `/v1/deployments/${DSEQ}`) {
      return { body: { data: { success: true } } };
    }
    return {
      status: 404,
      body: { error: "NotFoundError", message: `no ${path}`, code: "not_found", type: "client_error" },
    };
  };
}

async function withMarket(
  options: MarketOptions,
  run: (client: AkashClient, requests: RecordedRequest[]) => Promise<void>,
) {
  const fixture = await startFixture(market(options));
  try {
    const client = new AkashClient({ apiKey: "k", baseUrl: fixture.url, env: {}, sleep: async () => {} });
    await run(client, fixture.requests);
  } finally {
    await fixture.close();
  }
}

const calls = (requests: RecordedRequest[]) => requests.map((r) => `${r.method} ${r.url.split("?")[0]}`);

after(() => closeAllPools());

describe("deploy", () => {
  test("creates, leases the cheapest bid and returns the service URIs", async () => {
    await withMarket({ startingPolls: 2 }, async (client, requests) => {
      const result = await deploy(client, { sdl: "sdl", deposit: "5" });
      assert.equal(result.dseq, DSEQ);
      assert.deepEqual(result.serviceUris, { web: ["web.example.test"] });
      assert.equal(result.deployment.leases[0]?.id.provider, PROVIDER_B, "1.25 beats 2.5");
      const lease = requests.find((r) => r.url === "/v1/leases");
      assert.deepEqual(lease?.json, {
        manifest: MANIFEST,
        leases: [{ dseq: DSEQ, gseq: 1, oseq: 1, provider: PROVIDER_B }],
      });
      assert.ok(!calls(requests).includes(`DELETE /v1/deployments/${DSEQ}`));
    });
  });

  test("a custom selector decides", async () => {
    await withMarket({}, async (client, requests) => {
      await deploy(client, {
        sdl: "sdl",
        selector: (bids) => bids.find((b) => b.id.provider === PROVIDER_A),
      });
      assert.equal(
        (requests.find((r) => r.url === "/v1/leases")?.json as { leases: { provider: string }[] }).leases[0]
          ?.provider,
        PROVIDER_A,
      );
    });
  });

  test("a failing lease closes the deployment so its deposit is refunded", async () => {
    const leaseAnswer = {
      status: 400,
      body: { error: "BadRequestError", message: "bid not open", code: "bad_request", type: "client_error" },
    };
    await withMarket({ leaseAnswer }, async (client, requests) => {
      await assert.rejects(deploy(client, { sdl: "sdl", deposit: 5 }), /bid not open/);
      assert.equal(calls(requests).at(-1), `DELETE /v1/deployments/${DSEQ}`);
    });
  });

  test("no bids before the timeout closes the deployment too, unless keepOnFailure", async () => {
    await withMarket({ bids: [] }, async (client, requests) => {
      await assert.rejects(deploy(client, { sdl: "sdl", bidTimeoutMs: 1 }), { code: "no_bids" });
      assert.equal(calls(requests).at(-1), `DELETE /v1/deployments/${DSEQ}`);
    });
    await withMarket({ bids: [] }, async (client, requests) => {
      await assert.rejects(deploy(client, { sdl: "sdl", bidTimeoutMs: 1, keepOnFailure: true }), {
        code: "no_bids",
      });
      assert.ok(!calls(requests).includes(`DELETE /v1/deployments/${DSEQ}`));
    });
  });

  test("an aborted deploy still closes the deployment", async () => {
    const controller = new AbortController();
    await withMarket({ bids: [] }, async (client, requests) => {
      setTimeout(() => controller.abort(), 20);
      const slowClient = new AkashClient({ apiKey: "k", baseUrl: client.baseUrl, env: {} });
      await assert.rejects(deploy(slowClient, { sdl: "sdl", signal: controller.signal }), {
        kind: "aborted",
      });
      assert.equal(calls(requests).at(-1), `DELETE /v1/deployments/${DSEQ}`);
    });
  });

  test("lease status null (provider unreachable) until the deadline is a services_not_ready failure", async () => {
    await withMarket({ startingPolls: Number.POSITIVE_INFINITY }, async (client, requests) => {
      await assert.rejects(deploy(client, { sdl: "sdl", readyTimeoutMs: 5 }), { code: "services_not_ready" });
      assert.equal(calls(requests).at(-1), `DELETE /v1/deployments/${DSEQ}`);
    });
    await withMarket({ startingPolls: Number.POSITIVE_INFINITY }, async (client) => {
      const result = await deploy(client, { sdl: "sdl", waitForServices: false });
      assert.deepEqual(result.serviceUris, {});
    });
  });

  test("cheapestBid compares decimal prices exactly", () => {
    const bids = [bid(DSEQ, PROVIDER_A, "1.000000000000000001").bid, bid(DSEQ, PROVIDER_B, "1").bid];
    assert.equal(cheapestBid(bids, { dseq: DSEQ, gseq: 1, oseq: 1 })?.id.provider, PROVIDER_B);
  });
});
