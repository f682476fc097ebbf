import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { startServer } from "../../index";
import { ManualClock } from "../../market";
import { client, helloSdl } from "../../test-support/http";

const START = Date.UTC(2026, 0, 1);

describe("provider capacity", () => {
  test("a provider stops bidding once its active leases use its capacity, and bids again when they close", async () => {
    const clock = new ManualClock({ startMs: START });
    const fleet = {
      providers: [
        {
          name: "tiny",
          address: "akash1zzfu2cmhn879jwxu2mhse0vqlzraa4a0adph0e",
          hostUri: "https://provider.tiny.akash-sim.test:8443",
          auditors: ["akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63"],
          capacity: { cpu: 1, memory: "4Gi", storage: "10Gi" },
          bidDelayMs: 0,
        },
      ],
    };
    const server = await startServer({ logLevel: "silent", clock, fleet });
    try {
      const api = client(server.url, (await server.createUser("capacity@example.com", 100)).apiKey);
      const leased: string[] = [];
      for (let i = 0; i < 2; i += 1) {
        const { dseq, manifest } = (
          await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } })
        ).body.data;
        const [bid] = (await api("GET", `/v1/bids?dseq=${dseq}`)).body.data;
        assert.ok(bid, `the provider still has room for deployment ${i + 1}`);
        const answer = await api("POST", "/v1/leases", {
          manifest,
          leases: [{ dseq, gseq: 1, oseq: 1, provider: bid.bid.id.provider }],
        });
        assert.equal(answer.status, 200);
        leased.push(dseq);
      }
      const full = (await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } })).body
        .data;
      assert.deepEqual(
        (await api("GET", `/v1/bids?dseq=${full.dseq}`)).body,
        { data: [] },
        "2 x 0.5 CPU fill 1 core",
      );
      await api("DELETE", `/v1/deployments/${leased[0]}`);
      const again = (await api("POST", "/v1/deployments", { data: { sdl: helloSdl(), deposit: 5 } })).body
        .data;
      assert.equal((await api("GET", `/v1/bids?dseq=${again.dseq}`)).body.data.length, 1);
    } finally {
      await server.close();
    }
  });
});
