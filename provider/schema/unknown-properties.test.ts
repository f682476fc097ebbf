// Misspelled inputs are refused by check, named with the nearest known name, for every resource
// and the Workload component, nested objects included; known names come from the descriptions.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { resourceKinds, servedKind, type ResourceKind } from "../adapter/kinds";
import { nginxSdl } from "../engine-tests/sdl-fixtures";
import { UNKNOWN } from "../engine-values";
import { workloadDescription } from "../workload";
import { nearestName, unknownProperties } from "./unknown-properties";

const check = (kind: ResourceKind, news: Record<string, unknown>) =>
  servedKind(kind).handlers.check(undefined, news);

describe("unknown properties", () => {
  test("a misspelled Deployment input fails check naming it and the input it was meant to be", async () => {
    const result = await check("deployment", { sdl: nginxSdl(), depost: 5, minEscrowUSD: 1 });
    assert.deepEqual(
      result.failures.slice(0, 2).map((f) => f.reason),
      [
        'unknown property "depost" of akash:index:Deployment; did you mean "deposit"?',
        'unknown property "minEscrowUSD" of akash:index:Deployment; did you mean "minEscrowUsd"?',
      ],
    );
    assert.equal(result.failures[0]?.property, "", "the sentence names it: the engine does not echo a value");
  });

  test("a misspelled field of a nested object (selection) is named with its path", async () => {
    const lease = await check("lease", {
      dseq: "123",
      manifest: "[]",
      selection: { stratgy: "first", bidWindowSeconds: 5 },
    });
    assert.deepEqual(
      lease.failures.map((f) => f.reason),
      ['unknown property "selection.stratgy" of akash:index:Lease; did you mean "selection.strategy"?'],
    );
    const deployment = await check("deployment", { sdl: nginxSdl(), deposit: 5, selection: { maxPrize: 3 } });
    assert.match(
      deployment.failures[0]?.reason ?? "",
      /"selection\.maxPrize" .*did you mean "selection\.maxPrice"\?/,
    );
  });

  test("every resource refuses a property it does not have, and takes its own inputs", async () => {
    for (const kind of Object.keys(resourceKinds) as ResourceKind[]) {
      const { description } = servedKind(kind);
      const result = await check(kind, { bogusSetting: true });
      assert.ok(
        result.failures.some((f) =>
          f.reason.startsWith(`unknown property "bogusSetting" of akash:index:${description.name}`),
        ),
        `${kind}: ${JSON.stringify(result.failures)}`,
      );
      const own = Object.fromEntries(
        Object.keys({ ...description.inputs, ...description.internalInputs }).map((k) => [k, UNKNOWN]),
      );
      assert.deepEqual(unknownProperties(description, own), [], `${kind}'s own inputs are known`);
    }
  });

  test("an output passed as an argument is named as one; a name far from any lists the known ones", async () => {
    const result = await check("deployment", { sdl: nginxSdl(), deposit: 5, dseq: "1", zzzzzzzz: 1 });
    const reasons = result.failures.map((f) => f.reason);
    assert.ok(
      reasons.includes(
        'unknown property "dseq" of akash:index:Deployment: dseq is an output, set by the provider; remove it from the arguments',
      ),
      reasons.join("\n"),
    );
    assert.ok(
      reasons.some((r) =>
        /^unknown property "zzzzzzzz" of akash:index:Deployment; the known ones are sdl, deposit, /.test(r),
      ),
      reasons.join("\n"),
    );
  });

  test("the Workload component's arguments, and their nested objects", () => {
    assert.deepEqual(
      unknownProperties(workloadDescription, {
        sdl: "x",
        depost: 5,
        waitForService: true,
        selection: { stratgy: "first" },
      }),
      [
        'unknown property "depost" of akash:index:Workload; did you mean "deposit"?',
        'unknown property "waitForService" of akash:index:Workload; did you mean "waitForServices"?',
        'unknown property "selection.stratgy" of akash:index:Workload; did you mean "selection.strategy"?',
      ],
    );
    assert.deepEqual(
      unknownProperties(workloadDescription, { sdl: "x", selection: UNKNOWN }),
      [],
      "unknown in preview",
    );
  });

  test("nearest name: case, one letter, swapped letters; none when nothing is close", () => {
    const known = ["deposit", "minEscrowUsd", "strategy", "name"];
    assert.equal(nearestName("minescrowusd", known), "minEscrowUsd");
    assert.equal(nearestName("stratgy", known), "strategy");
    assert.equal(nearestName("depsoit", known), "deposit");
    assert.equal(nearestName("colour", known), undefined);
  });
});
