// Balances: GET /v1/balances[?address=] -> micro-denom numbers (total = balance + deployments).
import { z } from "zod";
import { AkashAddressSchema, dataEnvelope } from "./common";

export const BalancesQuerySchema = z.object({
  address: AkashAddressSchema.optional().meta({
    description: "Another wallet address instead of the caller's",
  }),
});
export type BalancesQuery = z.input<typeof BalancesQuerySchema>;

export const BalancesSchema = z
  .object({
    balance: z.number().meta({ description: "Spendable credit, micro-denom" }),
    deployments: z.number().meta({ description: "Sum of escrow funds of active deployments, micro-denom" }),
    total: z.number().meta({ description: "balance + deployments, micro-denom" }),
  })
  .meta({ id: "Balances" });
export type Balances = z.infer<typeof BalancesSchema>;

export const BalancesResponseSchema = dataEnvelope(BalancesSchema);
