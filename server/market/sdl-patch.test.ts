import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { patchSdl, SdlPatchError } from "./sdl-patch";
import { TWO_GROUP_SDL, nginxSdl } from "./testing/sdl-fixtures";

type Service = {
  image: string;
  env?: string[];
  args?: string[];
  command?: string[];
  credentials?: unknown;
  expose: { port: number; as?: number; accept?: string[]; http_options?: Record<string, unknown> }[];
  params?: { storage?: Record<string, unknown> };
};
const serviceOf = (sdl: string, name: string) =>
  (parse(sdl) as { services: Record<string, Service> }).services[name];

describe("patchSdl", () => {
  test("image, command/args (null clears), env merged (null deletes, patched re-appended), credentials", () => {
    const once = patchSdl(nginxSdl(), {
      web: {
        image: "nginx:1.27",
        args: ["-g"],
        command: ["nginx"],
        env: { A: "1", B: "2" },
        credentials: { host: "ghcr.io", username: "u", password: "p" },
      },
    });
    const web = serviceOf(once, "web");
    assert.equal(web?.image, "nginx:1.27");
    assert.deepEqual(web?.env, ["A=1", "B=2"]);
    const twice = patchSdl(once, { web: { env: { A: "3", B: null }, command: null, credentials: null } });
    const again = serviceOf(twice, "web");
    assert.deepEqual(again?.env, ["A=3"]);
    assert.equal(again?.command, undefined);
    assert.deepEqual(again?.args, ["-g"]);
    assert.equal(again?.credentials, undefined);
    assert.equal(
      patchSdl(once, { web: { env: { A: "1", B: "2" } } }),
      once,
      "the same patch twice: the same SDL",
    );
  });

  test("expose by today's container port: port, as, accept, http options; storage mounts of declared volumes", () => {
    const patched = patchSdl(TWO_GROUP_SDL, {
      api: {
        expose: {
          "5678": {
            port: 8080,
            accept: ["example.com"],
            httpOptions: { maxBodySize: 1024, nextCases: ["off"] },
          },
        },
      },
    });
    const api = serviceOf(patched, "api");
    assert.deepEqual(api?.expose[0], {
      port: 8080,
      as: 80,
      to: [{ global: true }],
      accept: ["example.com"],
      http_options: { max_body_size: 1024, next_cases: ["off"] },
    });
    const mounted = patchSdl(nginxSdl(), {
      web: { storage: { default: { mount: "/data", readOnly: true } } },
    });
    assert.deepEqual(serviceOf(mounted, "web")?.params?.storage, {
      default: { mount: "/data", readOnly: true },
    });
  });

  test("what the SDL does not declare is refused, naming it", () => {
    assert.throws(() => patchSdl(nginxSdl(), { db: { image: "x" } }), SdlPatchError);
    assert.throws(
      () => patchSdl(nginxSdl(), { web: { expose: { "81": { as: 90 } } } }),
      /exposes no container port 81 \(it exposes 80\)/,
    );
    const twoPorts = nginxSdl().replace(
      "      - port: 80\n",
      "      - port: 80\n        to:\n          - global: true\n      - port: 81\n",
    );
    assert.throws(
      () => patchSdl(twoPorts, { web: { expose: { "81": { port: 80 } } } }),
      /already exposes container port 80/,
    );
    assert.throws(() => patchSdl(twoPorts, { web: { expose: { "81": { as: 80 } } } }), /reached on port 80/);
    assert.throws(
      () => patchSdl(nginxSdl(), { web: { storage: { data: { mount: "/x" } } } }),
      /no storage volume "data"/,
    );
  });
});
