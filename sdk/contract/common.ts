// Schemas shared by every endpoint group: dseq, coins, the error body and response envelopes.
import { z } from "zod";
import { isUsdAmount } from "../money";

const UINT64_MAX = 18_446_744_073_709_551_615n;

/**
 * A deployment sequence number as the live API validates it: numeric string or number, coerced to
 * a positive uint64 and returned as a decimal string ("abc" -> "expected bigint", "0" -> too_small).
 */
export const DseqSchema = z.coerce
  .bigint()
  .positive()
  .max(UINT64_MAX)
  .transform((value) => value.toString())
  .meta({ type: "string", pattern: "^\\d+$", description: "Deployment sequence number", example: "1234567" });

/** A dseq as it appears in responses (always a decimal string). */
export const DseqStringSchema = z
  .string()
  .meta({ pattern: "^\\d+$", description: "Deployment sequence number" });

/**
 * Text the API stores or searches. PostgreSQL's text cannot hold a NUL character (U+0000) and
 * SQLite's can: both stores refuse it here, in the contract, with the same 400 naming the field.
 */
export const NUL_MESSAGE = "must not contain the NUL character (U+0000)";

/** `schema` refusing any string with a NUL character (see NUL_MESSAGE). */
export function withoutNul<T extends z.ZodString>(schema: T): T {
  return schema.refine((value) => !value.includes("\0"), NUL_MESSAGE) as T;
}

/** An Akash account address (bech32, `akash1...`). Lenient on length so simulated addresses pass. */
export const AkashAddressSchema = z
  .string()
  .regex(/^akash1[0-9a-z]{38,58}$/, "must be an Akash bech32 address starting with akash1")
  .meta({
    description: "Akash account address (bech32)",
    example: "akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63",
  });

/** ISO 8601 timestamp as the API returns it; kept a string so unusual precision never fails parsing. */
export const DateTimeStringSchema = z.string().meta({ format: "date-time" });

/** A dollar amount sent as a JSON number: positive, at most 6 decimals (1 micro-unit). */
export const UsdNumberSchema = z
  .number()
  .positive()
  .refine((value) => isUsdAmount(value), "must have at most 6 decimal places (1 micro-unit = $0.000001)")
  .meta({ description: "Amount in US dollars", example: 5 });

/** A chain coin: micro-denom amount as a decimal string (e.g. {denom:"uact", amount:"500000"}). */
export const CoinSchema = z.object({
  denom: z.string(),
  amount: z.string(),
});
export type Coin = z.infer<typeof CoinSchema>;

/** One request-validation issue inside an error body's `data` (zod issue, extra fields kept). */
export const ValidationIssueSchema = z.looseObject({
  code: z.string(),
  message: z.string(),
  path: z.array(z.union([z.string(), z.number()])),
});
export type ValidationIssue = z.infer<typeof ValidationIssueSchema>;

/** The API's error body: `{error, message, code, type, data?}` (live API §4). */
export const ErrorBodySchema = z
  .object({
    error: z.string().meta({ description: "Error class name, e.g. NotFoundError", example: "NotFoundError" }),
    message: z.string().meta({ example: "Deployment not found" }),
    code: z.string().meta({ description: "Machine-readable code", example: "not_found" }),
    type: z
      .string()
      .meta({ description: "client_error | server_error | validation_error | ...", example: "client_error" }),
    data: z.unknown().optional().meta({ description: "Validation issues for code validation_error" }),
  })
  .meta({ id: "ErrorBody" });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Some live endpoints (content-type check, removed certificates) answer only `{error}`. */
export const LooseErrorBodySchema = z.looseObject({
  error: z.string().optional(),
  message: z.string().optional(),
  code: z.string().optional(),
  type: z.string().optional(),
  data: z.unknown().optional(),
});
export type LooseErrorBody = z.infer<typeof LooseErrorBodySchema>;

/** Wraps a payload in the `{data: ...}` envelope every request body and response uses. */
export function dataEnvelope<T extends z.ZodType>(schema: T) {
  return z.object({ data: schema });
}

/** `{data: {success: boolean}}`, the answer to close/revoke style operations. */
export const SuccessSchema = z.object({ success: z.boolean() });
export type Success = z.infer<typeof SuccessSchema>;
