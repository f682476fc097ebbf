import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { nginxSdl, twoGroupSdl } from "../engine-tests/sdl-fixtures";
import { parseSdl } from "./sdl";

describe("parseSdl", () => {
  test("the seed guide's SDL: one group, its services, a stable fingerprint", () => {
    const a = parseSdl(nginxSdl());
    assert.ok(a.ok);
    assert.deepEqual(
      a.value.groups.map(({ gseq, name, services }) => ({ gseq, name, services })),
      [{ gseq: 1, name: "akash", services: ["web"] }],
    );
    const b = parseSdl(nginxSdl());
    assert.ok(b.ok);
    assert.equal(a.value.resourcesFingerprint, b.value.resourcesFingerprint);
  });

  test("an image change keeps the resources fingerprint; a CPU change does not", () => {
    const base = parseSdl(nginxSdl());
    const image = parseSdl(nginxSdl("nginx:1.27"));
    const cpu = parseSdl(nginxSdl("nginx:1.25.3", 1));
    assert.ok(base.ok && image.ok && cpu.ok);
    assert.equal(image.value.resourcesFingerprint, base.value.resourcesFingerprint);
    assert.notEqual(cpu.value.resourcesFingerprint, base.value.resourcesFingerprint);
  });

  test("two placement groups get gseq 1 and 2", () => {
    const r = parseSdl(twoGroupSdl());
    assert.ok(r.ok);
    assert.deepEqual(
      r.value.groups.map((g) => [g.gseq, g.name, g.services]),
      [
        [1, "east", ["api"]],
        [2, "west", ["cache"]],
      ],
    );
  });

  test("bad SDLs fail with messages that say what is wrong", () => {
    const negative = parseSdl(nginxSdl().replace("units: 0.5", "units: -1"));
    assert.ok(!negative.ok);
    assert.match(negative.errors.join("\n"), /units.*greater than 0/);
    const yaml = parseSdl("version: [");
    assert.ok(!yaml.ok);
    assert.match(yaml.errors[0]!, /not valid YAML/);
    const empty = parseSdl("");
    assert.ok(!empty.ok);
    assert.match(empty.errors[0]!, /non-empty YAML string/);
    const missingProfile = parseSdl(nginxSdl().replace("profile: web", "profile: nope"));
    assert.ok(!missingProfile.ok);
  });
});
