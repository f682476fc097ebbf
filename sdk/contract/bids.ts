// Bids: GET /v1/bids?dseq= and GET /v1/bids/{dseq} (same answer): raw chain bids with their escrow.
import { z } from "zod";
import { CoinSchema, DseqSchema, DseqStringSchema, dataEnvelope } from "./common";
import { EscrowAccountSchema } from "./deployments";

export const BidsQuerySchema = z.object({ dseq: DseqSchema });

export const BidIdSchema = z.object({
  owner: z.string(),
  dseq: DseqStringSchema,
  gseq: z.number(),
  oseq: z.number(),
  provider: z.string(),
  bseq: z.number(),
});
export type BidId = z.infer<typeof BidIdSchema>;

const AttributeSchema = z.object({ key: z.string(), value: z.string() });
const ResourceValueSchema = z.object({ val: z.string() });

export const ResourcesSchema = z.object({
  cpu: z.object({ units: ResourceValueSchema, attributes: z.array(AttributeSchema) }),
  gpu: z.object({ units: ResourceValueSchema, attributes: z.array(AttributeSchema) }),
  memory: z.object({ quantity: ResourceValueSchema, attributes: z.array(AttributeSchema) }),
  storage: z.array(
    z.object({ name: z.string(), quantity: ResourceValueSchema, attributes: z.array(AttributeSchema) }),
  ),
  endpoints: z.array(z.object({ kind: z.string(), sequence_number: z.number() })),
});
export type Resources = z.infer<typeof ResourcesSchema>;

export const BidSchema = z
  .object({
    id: BidIdSchema,
    state: z.string().meta({ description: "open | active | lost | closed" }),
    price: CoinSchema.meta({ description: "Price per block in micro-denom (may be a decimal string)" }),
    created_at: z.string(),
    resources_offer: z.array(z.object({ resources: ResourcesSchema, count: z.number() })),
    reclamation_window: z.string().optional(),
  })
  .meta({ id: "Bid" });
export type Bid = z.infer<typeof BidSchema>;

export const BidListItemSchema = z
  .object({
    bid: BidSchema,
    escrow_account: EscrowAccountSchema,
    isCertificateRequired: z
      .boolean()
      .optional()
      .meta({ description: "Seeds only; removed from the live API" }),
  })
  .meta({ id: "BidListItem" });
export type BidListItem = z.infer<typeof BidListItemSchema>;

export const BidListResponseSchema = dataEnvelope(z.array(BidListItemSchema));
