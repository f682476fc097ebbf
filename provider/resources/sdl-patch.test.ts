// Which SDL changes become a PATCH per service, and which need the whole SDL replaced.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { servicesPatch } from "./sdl-patch";

const sdl = (web: string, extra = "") => `version: "2.0"
services:
  web:
${web}
  cache:
    image: redis:7
profiles:
  compute:
    web: { resources: { cpu: { units: 0.5 }, memory: { size: 512Mi }, storage: { size: 1Gi } } }
  placement:
    dcloud: { pricing: { web: { denom: uakt, amount: 1000 } } }
deployment:
  web: { dcloud: { profile: web, count: 1 } }
${extra}`;

const base = `    image: nginx:1.27
    env: [MODE=prod, TOKEN=ac-secret://TOKEN]
    expose:
      - port: 80
        as: 80
        to: [{ global: true }]`;

describe("servicesPatch", () => {
  test("image, env (changed, added, removed), args: only the changed service, only what changed", () => {
    const next = base
      .replace("nginx:1.27", "nginx:1.28")
      .replace("[MODE=prod, TOKEN=ac-secret://TOKEN]", "[MODE=dev, DEBUG=1]")
      .concat("\n    args: [--verbose]");
    assert.deepEqual(servicesPatch(sdl(base), sdl(next)), {
      web: { image: "nginx:1.28", args: ["--verbose"], env: { TOKEN: null, MODE: "dev", DEBUG: "1" } },
    });
  });

  test("an expose entry's port, external port and domains, keyed by the stored container port", () => {
    const next = base.replace(
      "port: 80\n        as: 80",
      "port: 8080\n        as: 443\n        accept: [web.example.com]",
    );
    assert.deepEqual(servicesPatch(sdl(base), sdl(next)), {
      web: { expose: { "80": { port: 8080, as: 443, accept: ["web.example.com"] } } },
    });
  });

  test("layout and comments alone: an empty patch", () => {
    assert.deepEqual(servicesPatch(sdl(base), `# a comment\n${sdl(base)}`), {});
  });

  test("beyond PATCH: a service added, an expose entry's target, placement, an unparseable SDL", () => {
    const withWorker = sdl(base).replace("  cache:\n", "  worker:\n    image: busybox\n  cache:\n");
    assert.equal(servicesPatch(sdl(base), withWorker), undefined);
    assert.equal(servicesPatch(sdl(base), sdl(base.replace("global: true", "global: false"))), undefined);
    assert.equal(servicesPatch(sdl(base), sdl(base).replace("amount: 1000", "amount: 2000")), undefined);
    assert.equal(servicesPatch(sdl(base), "services: [unclosed"), undefined);
  });
});
