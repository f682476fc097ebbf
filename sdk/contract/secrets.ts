// Sealed secrets: the key and claims a client seals `ac-secret://` values to (GET /v1/sdl-secrets-context).
import { z } from "zod";
import { dataEnvelope } from "./common";

/** The public key to seal to: RSA, for RSA-OAEP-256 key wrapping (content A256GCM). */
export const SealingJwkSchema = z.object({
  kty: z.string(),
  n: z.string(),
  e: z.string(),
  use: z.string(),
  alg: z.string(),
});

export const SdlSecretsContextSchema = z
  .object({
    sub: z.string().meta({ description: "The caller's user id: the seal's `sub` header" }),
    kid: z.string().meta({ description: "Id of the sealing key: the seal's `kid` header" }),
    jwk: SealingJwkSchema,
    requiredClaims: z
      .array(z.string())
      .meta({ description: "Protected-header claims a seal must carry (kid, sub, exp)" }),
  })
  .meta({ id: "SdlSecretsContext" });
export type SdlSecretsContext = z.infer<typeof SdlSecretsContextSchema>;

/**
 * One upstream version answers the context bare, another (and akt's tests) wraps it in `{data}`:
 * either is accepted. The reference server sends both at once (`{...context, data: context}`).
 */
export const SdlSecretsContextResponseSchema = z.union([
  dataEnvelope(SdlSecretsContextSchema),
  SdlSecretsContextSchema,
]);
