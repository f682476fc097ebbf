import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Bid } from "../../sdk";
import { describeBids, selectBid } from "./bid-selection";

const provider = (n: number) => `akash1${String(n).repeat(38).slice(0, 38)}`;

function bid(n: number, price: string, createdAt: string, extra: Partial<Bid> = {}): Bid {
  const none = { units: { val: "0" }, attributes: [] };
  return {
    id: { owner: "akash1owner", dseq: "7", gseq: 1, oseq: 1, provider: provider(n), bseq: 1 },
    state: "open",
    price: { denom: "uact", amount: price },
    created_at: createdAt,
    resources_offer: [
      {
        count: 1,
        resources: {
          cpu: none,
          gpu: {
            units: { val: "1" },
            attributes: n === 3 ? [{ key: "vendor/nvidia/model", value: "a100" }] : [],
          },
          memory: { quantity: { val: "1" }, attributes: [] },
          storage: [],
          endpoints: [],
        },
      },
    ],
    ...extra,
  };
}

const bids = [bid(1, "12.5", "100"), bid(2, "9", "102"), bid(3, "30", "101")];
const target = { gseq: 1, oseq: 1 };

describe("selectBid", () => {
  test("cheapest by default, first on request", () => {
    assert.equal(selectBid(bids, target, {})?.id.provider, provider(2));
    assert.equal(selectBid(bids, target, { strategy: "first" })?.id.provider, provider(1));
  });

  test("allow and deny lists, max price, required attributes", () => {
    assert.equal(selectBid(bids, target, { deniedProviders: [provider(2)] })?.id.provider, provider(1));
    assert.equal(selectBid(bids, target, { allowedProviders: [provider(3)] })?.id.provider, provider(3));
    assert.equal(selectBid(bids, target, { maxPrice: 8 }), undefined);
    assert.equal(
      selectBid(bids, target, { requiredAttributes: { "vendor/nvidia/model": "a100" } })?.id.provider,
      provider(3),
    );
  });

  test("an explicit provider wins over price; other orders and closed bids never qualify", () => {
    assert.equal(selectBid(bids, { ...target, provider: provider(3) }, {})?.id.provider, provider(3));
    assert.equal(selectBid(bids, { gseq: 2, oseq: 1 }, {}), undefined);
    assert.equal(selectBid([bid(4, "1", "1", { state: "closed" })], target, {}), undefined);
  });

  test("the rejection summary names each bid's reason", () => {
    const text = describeBids(bids, target, { maxPrice: 10, deniedProviders: [provider(2)] });
    assert.match(text, /^3 bid\(s\)/);
    assert.match(text, /in deniedProviders/);
    assert.match(text, /above maxPrice 10/);
    assert.equal(describeBids([], target, {}), "no bids for this order");
  });
});
