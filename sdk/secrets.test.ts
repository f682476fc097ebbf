import assert from "node:assert/strict";
import { createHash, generateKeyPairSync } from "node:crypto";
import { test } from "node:test";
import { compactDecrypt, decodeProtectedHeader } from "jose";
import { sealSdlSecrets, sdlHash, secretReferencesIn } from "./secrets";

test("sealSdlSecrets: a compact JWE (RSA-OAEP-256 / A256GCM) with kid, sub, exp and the SDL's hash, that the key's owner opens", async () => {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" });
  const context = {
    sub: "user-1",
    kid: "k1",
    jwk: { kty: "RSA", n: jwk.n as string, e: jwk.e as string, use: "enc", alg: "RSA-OAEP-256" },
    requiredClaims: ["kid", "sub", "exp"],
  };
  const sdl = 'version: "2.0"\n';
  const now = Date.UTC(2026, 10, 1);
  const seal = await sealSdlSecrets(context, { A: "1", B: "two" }, { sdl, now: () => now });
  assert.equal(seal.split(".").length, 5);
  const header = decodeProtectedHeader(seal);
  assert.deepEqual(header, {
    alg: "RSA-OAEP-256",
    enc: "A256GCM",
    kid: "k1",
    sub: "user-1",
    exp: now / 1000 + 300,
    sdlHash: createHash("sha256").update(sdl).digest("base64url"),
  });
  assert.equal(header.sdlHash, sdlHash(sdl));
  const { plaintext } = await compactDecrypt(seal, privateKey);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(plaintext)), { A: "1", B: "two" });
  const forPatch = decodeProtectedHeader(await sealSdlSecrets(context, {}));
  assert.equal("sdlHash" in forPatch, false, "no SDL, no binding (PATCH)");
  assert.deepEqual(secretReferencesIn("- A=ac-secret://A\n- B=ac-secret://B_2\n- C=ac-secret://A"), [
    "A",
    "B_2",
  ]);
});
