import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { deliverManifest, ManifestRejectedError } from "./manifest-delivery";
import { compileSdl } from "./sdl";
import {
  checkSecretValues,
  MAX_SECRETS,
  referencedValues,
  sealPlainEnvValues,
  SecretRulesError,
} from "./secrets";
import { nginxSdl } from "./testing/sdl-fixtures";

const withEnv = (env: string[]) =>
  nginxSdl().replace(
    "    image: nginx:1.25.3\n",
    `    image: nginx:1.25.3\n    env:\n${env.map((e) => `      - "${e}"`).join("\n")}\n`,
  );
const options = { denom: "uact" };

describe("secret references", () => {
  test("compiling finds the references; the manifest keeps them; the hash is over the resolved values", async () => {
    const sdl = withEnv(["A=ac-secret://A", "B=plain", "C=ac-secret://C"]);
    const plain = await compileSdl(sdl, options);
    assert.deepEqual(plain.references, ["A", "C"]);
    assert.match(plain.manifest, /A=ac-secret:\/\/A/);
    const resolved = await compileSdl(sdl, { ...options, secrets: { A: "1", C: "2" } });
    assert.equal(resolved.manifest, plain.manifest, "the manifest clients see is unresolved");
    assert.notEqual(resolved.hash, plain.hash);
    const other = await compileSdl(sdl, { ...options, secrets: { A: "1", C: "3" } });
    assert.notEqual(other.hash, resolved.hash, "the version depends on the values");
    const literal = await compileSdl(withEnv(["A=1", "B=plain", "C=2"]), options);
    assert.equal(literal.hash, resolved.hash, "as if the values had been written in the SDL");
  });

  test("a value with the reserved ac- prefix that is not a reference is an invalid SDL", async () => {
    await assert.rejects(compileSdl(withEnv(["A=ac-secret://9bad"]), options), /reserved prefix "ac-"/);
    await assert.rejects(compileSdl(withEnv(["A=ac-other"]), options), /env A of service web/);
  });

  test("every reference needs a value, every sealed value a reference; caps", () => {
    assert.throws(() => checkSecretValues(["A", "B"], { A: "1" }, ["A"]), /ac-secret:\/\/B/);
    assert.throws(
      () => checkSecretValues(["A"], { A: "1", X: "2" }, ["A", "X"]),
      /X, which the SDL does not reference/,
    );
    assert.doesNotThrow(() => checkSecretValues(["A"], { A: "1" }, []), "inherited values need no seal");
    const many = Object.fromEntries(Array.from({ length: MAX_SECRETS + 1 }, (_, i) => [`S${i}`, "v"]));
    assert.throws(() => checkSecretValues(Object.keys(many), many, []), SecretRulesError);
    assert.throws(() => checkSecretValues(["A"], { A: "x".repeat(20_000) }, []), /at most 16384 bytes/);
    assert.deepEqual(referencedValues(["A"], { A: "1", B: "2" }), { A: "1" });
  });

  test("the simulated provider takes the manifest only with every value resolved and matching the hash", async () => {
    const sdl = withEnv(["A=ac-secret://A"]);
    const { hash } = await compileSdl(sdl, { ...options, secrets: { A: "right" } });
    await deliverManifest(sdl, { ...options, secrets: { A: "right" } }, hash);
    await assert.rejects(
      deliverManifest(sdl, { ...options, secrets: { A: "wrong" } }, hash),
      ManifestRejectedError,
    );
    await assert.rejects(
      deliverManifest(sdl, { ...options, secrets: {} }, hash),
      /unresolved secret references A/,
    );
  });

  test("plain env values are sealed as the live API does when a client seals nothing: same manifest version, no value left in the SDL", async () => {
    const sdl = `# the shop\n${withEnv(["DB_PASSWORD=hunter2", "MODE=prod", "REF=ac-secret://REF", "my-var=x"])}`;
    const sealed = sealPlainEnvValues(sdl)!;
    assert.deepEqual(sealed.values, { DB_PASSWORD: "hunter2", MODE: "prod", my_var: "x" });
    assert.match(sealed.sdl, /^# the shop/, "comments and layout kept");
    assert.match(sealed.sdl, /DB_PASSWORD=ac-secret:\/\/DB_PASSWORD/);
    assert.match(sealed.sdl, /my-var=ac-secret:\/\/my_var/);
    assert.match(sealed.sdl, /REF=ac-secret:\/\/REF/, "references stay");
    assert.doesNotMatch(sealed.sdl, /hunter2/);
    const resolved = await compileSdl(sealed.sdl, { ...options, secrets: { ...sealed.values, REF: "r" } });
    const literal = await compileSdl(
      withEnv(["DB_PASSWORD=hunter2", "MODE=prod", "REF=r", "my-var=x"]),
      options,
    );
    assert.equal(resolved.hash, literal.hash, "the deployment is what the client sent");
    assert.equal(sealPlainEnvValues(nginxSdl()), undefined, "no env, nothing to seal");
  });
});
