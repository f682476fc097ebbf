import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_BASE_URL, resolveEndpoint } from "./config";

describe("credentials and base URL", () => {
  test("explicit options win over the environment", () => {
    const env = { AKASH_API_KEY: "env-key", AKASH_API_URL: "http://env.example" };
    assert.deepEqual(resolveEndpoint({ apiKey: "opt-key", baseUrl: "http://127.0.0.1:8080/api/" }, env), {
      origin: "http://127.0.0.1:8080",
      basePath: "/api",
      apiKey: "opt-key",
    });
  });

  test("AKASH_API_KEY, then CONSOLE_API_KEY (the seed guide's name); default base URL", () => {
    assert.equal(resolveEndpoint({}, { AKASH_API_KEY: "a", CONSOLE_API_KEY: "c" }).apiKey, "a");
    const fromConsole = resolveEndpoint({}, { CONSOLE_API_KEY: "c" });
    assert.equal(fromConsole.apiKey, "c");
    assert.equal(fromConsole.origin, DEFAULT_BASE_URL);
    assert.equal(
      resolveEndpoint({}, { CONSOLE_API_KEY: "c", AKASH_API_URL: "http://x:1" }).origin,
      "http://x:1",
    );
  });

  test("a missing key or a bad URL fails with how to fix it", () => {
    assert.throws(() => resolveEndpoint({}, {}), /set AKASH_API_KEY \(or CONSOLE_API_KEY\)/);
    assert.throws(() => resolveEndpoint({ apiKey: "  " }, {}), /No Akash Console API key/);
    assert.throws(
      () => resolveEndpoint({ apiKey: "k", baseUrl: "console-api" }, {}),
      /absolute http\(s\) URL/,
    );
    assert.throws(() => resolveEndpoint({ apiKey: "k", baseUrl: "ftp://x" }, {}), /http or https/);
    assert.throws(() => resolveEndpoint({ apiKey: "k", baseUrl: "http://x/?a=1" }, {}), /query string/);
  });

  test("credentials in the URL are refused without echoing them", () => {
    assert.throws(
      () => resolveEndpoint({ apiKey: "k", baseUrl: "https://user:s3cret@host" }, {}),
      (error: Error) => /user:password/.test(error.message) && !error.message.includes("s3cret"),
    );
  });
});
