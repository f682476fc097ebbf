// Leases: POST /v1/leases accepts bids. Its body is NOT wrapped in `data` (live API quirk) and it is
// idempotent on the live API (an existing non-closed lease for the dseq makes it skip creation).
// `manifest` is optional since the live API stores each deployment's definition (#3662).
import { z } from "zod";
import { AkashAddressSchema, DseqSchema } from "./common";

export const LeaseRequestSchema = z.object({
  dseq: DseqSchema,
  gseq: z.number().int().min(1),
  oseq: z.number().int().min(1),
  provider: AkashAddressSchema,
});
export type LeaseRequest = z.input<typeof LeaseRequestSchema>;

export const CreateLeaseBodySchema = z.object({
  manifest: z.string().min(1).optional().meta({
    deprecated: true,
    description:
      "The manifest string returned by POST /v1/deployments. Optional and deprecated: the server sends the manifest it built from the stored definition (secrets resolved); when given, it must be that manifest.",
  }),
  certificate: z
    .object({ certPem: z.string(), keyPem: z.string() })
    .optional()
    .meta({ description: "Seeds only (mTLS); ignored by the live API since 2026-03-10" }),
  leases: z
    .array(LeaseRequestSchema)
    .min(1)
    .meta({ description: "One entry per accepted bid (one per group)" }),
});
export type CreateLeaseBody = z.input<typeof CreateLeaseBodySchema>;
