// A Lease's head start (lease-head-start.ts) against the reference API on loopback: the lease is
// accepted once its deployment exists, on the Lease's own terms, and never twice.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Deployment } from "../../sdk";
import { referenceApi, type ReferenceApi } from "../engine-tests/reference-api";
import { nginxSdl, twoGroupSdl } from "../engine-tests/sdl-fixtures";
import { deploymentHandlers } from "./deployment";
import { leaseHandlers, leaseTiming } from "./lease";
import type { LeaseTerms } from "./lease-head-start";
import { processMemory } from "./process-memory";

describe("Lease head start", () => {
  let ref: ReferenceApi;
  before(async () => {
    leaseTiming.firstPollMs = 20;
    leaseTiming.serviceFirstPollMs = 20;
    ref = await referenceApi();
  });
  after(() => ref.close());

  /** A deployment created as the Deployment class creates one: with its Leases' terms. */
  const deploy = async (terms: LeaseTerms[], sdl = nginxSdl()) =>
    (
      await deploymentHandlers.create(ref.context(), {
        sdl,
        deposit: 5,
        creationKey: `head-start-test/${Math.random()}`,
        leaseTerms: JSON.stringify(terms),
      })
    ).outs;

  const activeLeases = async (dseq: string) =>
    ((await ref.client.getDeployment(dseq)) as Deployment).leases.filter((l) => l.state === "active");

  async function leasedByHeadStart(dseq: string, count = 1) {
    for (;;) {
      const leases = await activeLeases(dseq);
      if (leases.length >= count) return leases;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  test("a fleet's deployment is leased before its Lease is created, and the Lease's create takes that lease", async () => {
    const selection = { bidWindowSeconds: 0.5 };
    const dep = await deploy([{ gseq: 1, selection }]);
    const [early] = await leasedByHeadStart(dep.dseq);
    const { id, outs } = await leaseHandlers.create(ref.context(), {
      dseq: dep.dseq,
      manifest: dep.manifest,
      gseq: 1,
      selection,
    });
    assert.equal(id, `${dep.dseq}/1/1/${early!.id.provider}`);
    assert.ok(outs.services[0]!.readyReplicas >= 1, "create still waits for the services");
    assert.equal((await activeLeases(dep.dseq)).length, 1, "one lease, not a second");
    assert.ok(
      !ref.logs.some((l) => l.includes(`deployment ${dep.dseq} group 1: adopting`)),
      "taken as its own pick",
    );
    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
  });

  test("two groups are leased together in one request, as their Leases would", async () => {
    const terms = [
      { gseq: 1, selection: { bidWindowSeconds: 0 } },
      { gseq: 2, selection: { bidWindowSeconds: 0 } },
    ];
    const dep = await deploy(terms, twoGroupSdl());
    await leasedByHeadStart(dep.dseq, 2);
    const created = await Promise.all(
      terms.map((t) => leaseHandlers.create(ref.context(), { dseq: dep.dseq, manifest: dep.manifest, ...t })),
    );
    assert.deepEqual(
      created.map((c) => c.outs.gseq),
      [1, 2],
    );
    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
  });

  test("a Lease on other terms than its deployment was told refuses the lease made early, naming the fix; no second lease", async () => {
    const dep = await deploy([{ gseq: 1, selection: { bidWindowSeconds: 0 } }]);
    const [early] = await leasedByHeadStart(dep.dseq);
    const bids = await ref.client.listBids(dep.dseq);
    const other = bids.map((b) => b.bid.id.provider).find((p) => p !== early!.id.provider)!;
    await assert.rejects(
      leaseHandlers.create(ref.context(), { dseq: dep.dseq, manifest: dep.manifest, provider: other }),
      /already has an active lease with \S+ .*\(not the requested provider\).*replace the Deployment/,
    );
    assert.equal((await activeLeases(dep.dseq)).length, 1);
    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
  });

  test("an up stopped before the Lease's create: the next run's create adopts the lease made early", async () => {
    const selection = { bidWindowSeconds: 0 };
    const dep = await deploy([{ gseq: 1, selection }]);
    const [early] = await leasedByHeadStart(dep.dseq);
    // A new provider process (the next `pulumi up`) remembers nothing of this one.
    processMemory.leaseHeadStarts.clear();
    const { outs } = await leaseHandlers.create(ref.context(), {
      dseq: dep.dseq,
      manifest: dep.manifest,
      gseq: 1,
      selection,
    });
    assert.equal(outs.provider, early!.id.provider);
    assert.ok(ref.logs.some((l) => l.includes(`deployment ${dep.dseq} group 1: adopting the active lease`)));
    assert.equal((await activeLeases(dep.dseq)).length, 1);
    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
  });

  test("terms the Lease's check refuses lease nothing early (that check stops the up)", async () => {
    // Check refuses an unknown strategy; the bid wait alone would take the cheapest bid.
    const dep = await deploy([
      { gseq: 1, selection: { bidWindowSeconds: 0, strategy: "lowest" as "first" } },
    ]);
    // Bids come 150 ms after the order; a head start with window 0 would have leased well within this.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await activeLeases(dep.dseq)).length, 0);
    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
  });

  test("a head start that finds no bid fails its Lease's create with the bid wait's own message", async () => {
    const selection = { maxPrice: 0.000001, bidTimeoutSeconds: 1 };
    const dep = await deploy([{ gseq: 1, selection }]);
    await assert.rejects(
      leaseHandlers.create(ref.context(), { dseq: dep.dseq, manifest: dep.manifest, gseq: 1, selection }),
      /no acceptable bid within 1 s \(\d+ bid\(s\): .*above maxPrice/,
    );
    assert.equal((await activeLeases(dep.dseq)).length, 0);
    await deploymentHandlers.delete(ref.context(), dep.dseq, dep);
  });
});
