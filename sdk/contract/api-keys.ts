// API keys: /v1/api-keys (live) and /v1/users/api-keys (AEP-63). The full key appears only once.
import { z } from "zod";
import { DateTimeStringSchema, dataEnvelope, withoutNul } from "./common";

export const ApiKeyIdParamsSchema = z.object({
  // Any 8-4-4-4-12 hex id, as the Console's zod 3 `uuid()` takes it (zod 4's `uuid()` also checks
  // the version and variant digits): an id that is well-formed but no key's is a 404, not a 400.
  id: z.guid().meta({ description: "API key id (uuid)", format: "uuid" }),
});

export const ApiKeySchema = z
  .object({
    id: z.string().meta({ format: "uuid" }),
    name: z.string(),
    expiresAt: DateTimeStringSchema.nullable(),
    createdAt: DateTimeStringSchema,
    updatedAt: DateTimeStringSchema,
    lastUsedAt: DateTimeStringSchema.nullable().meta({ description: "Updated at most every 30 minutes" }),
    keyFormat: z.string().meta({
      description: "Obfuscated key, e.g. ac.sk.production.abcdef***uvwxyz",
      example: "ac.sk.production.abcdef***uvwxyz",
    }),
  })
  .meta({ id: "ApiKey" });
export type ApiKey = z.infer<typeof ApiKeySchema>;

/** The create answer: the key object plus the full secret, shown this one time only. */
export const CreatedApiKeySchema = ApiKeySchema.extend({
  apiKey: z
    .string()
    .meta({ description: "The full API key. Shown only in this response; store it securely." }),
}).meta({ id: "CreatedApiKey" });
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;

export const CreateApiKeyBodySchema = dataEnvelope(
  z.object({
    name: withoutNul(z.string()).meta({ description: "A label for the key", example: "CI pipeline" }),
    expiresAt: z.iso
      .datetime({ offset: true })
      .refine((value) => Date.parse(value) > Date.now(), "Expiration date must be in the future")
      .optional()
      .meta({ description: "Optional expiry (ISO 8601, must be in the future)" }),
  }),
);
export type CreateApiKeyBody = z.input<typeof CreateApiKeyBodySchema>;

export const UpdateApiKeyBodySchema = dataEnvelope(z.object({ name: withoutNul(z.string()).optional() }));
export type UpdateApiKeyBody = z.input<typeof UpdateApiKeyBodySchema>;

export const ApiKeyListResponseSchema = dataEnvelope(z.array(ApiKeySchema));
export const ApiKeyResponseSchema = dataEnvelope(ApiKeySchema);
export const CreatedApiKeyResponseSchema = dataEnvelope(CreatedApiKeySchema);
