// The provider's settings: where each comes from, and the sentence a run says about them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveSettings, runDescription } from "./config";

const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

test("each setting's source: stack config first, then its environment variables in order", () => {
  const env = { AKASH_API_KEY: "env-key", CONSOLE_API_KEY: "console-key", AKASH_API_URL: "http://env:1" };
  assert.deepEqual(
    resolveSettings(config({ "akash:apiKey": "k", "akash:baseUrl": "http://c:1" }), env).sources,
    {
      apiKey: "akash:apiKey",
      baseUrl: "akash:baseUrl",
    },
  );
  assert.deepEqual(resolveSettings(undefined, env).sources, {
    apiKey: "AKASH_API_KEY",
    baseUrl: "AKASH_API_URL",
  });
  assert.deepEqual(resolveSettings(undefined, { CONSOLE_API_KEY: "c" }).sources, {
    apiKey: "CONSOLE_API_KEY",
  });
  assert.deepEqual(resolveSettings(undefined, {}).sources, {});
});

test("a run names its API and key source; the live API without a key is a warning", () => {
  const reference = runDescription(
    resolveSettings(config({ "akash:baseUrl": "http://127.0.0.1:3080" }), {
      AKASH_API_KEY: "ac.sk.local.secret-value",
    }),
  );
  assert.deepEqual(reference, {
    warning: false,
    message:
      "akash: this run uses the API at http://127.0.0.1:3080 (from akash:baseUrl), with the API key from AKASH_API_KEY.",
  });
  const live = runDescription(resolveSettings(config({ "akash:apiKey": "k" }), {}));
  assert.equal(
    live.message,
    "akash: this run uses the live Akash Console API at https://console-api.akash.network (real money; no akash:baseUrl set), with the API key from akash:apiKey (stack config; refresh and destroy use the one recorded at the last up).",
  );
  assert.equal(live.warning, false);
  const bare = runDescription(resolveSettings(undefined, {}));
  assert.equal(bare.warning, true);
  assert.match(
    bare.message,
    /live Akash Console API .*\(real money; no akash:baseUrl set\), with no API key: a preview checks nothing/,
  );
  const noKey = runDescription(resolveSettings(undefined, { AKASH_API_URL: "http://127.0.0.1:3080" }));
  assert.equal(noKey.warning, false);
  assert.match(
    noKey.message,
    /the API at http:\/\/127\.0\.0\.1:3080 \(from AKASH_API_URL\), with no API key: No Akash Console API key/,
  );
  assert.ok(!reference.message.includes("secret-value"), "the key's source, never the key");
});
