// Wallets: GET /v1/wallets?userId= -> the caller's managed wallet(s).
import { z } from "zod";
import { DateTimeStringSchema, dataEnvelope } from "./common";

export const WalletsQuerySchema = z.object({
  userId: z.string().min(1).meta({ description: "The user id (see GET /v1/user/me)" }),
});
export type WalletsQuery = z.input<typeof WalletsQuerySchema>;

export const WalletSchema = z
  .object({
    id: z.number(),
    userId: z.string(),
    creditAmount: z.number().meta({ description: "Remaining deployment credit, micro-denom" }),
    address: z.string(),
    denom: z.string().meta({ example: "uact" }),
    isTrialing: z.boolean(),
    topUpMinAmountUsd: z.number(),
    createdAt: DateTimeStringSchema,
  })
  .meta({ id: "Wallet" });
export type Wallet = z.infer<typeof WalletSchema>;

export const WalletListResponseSchema = dataEnvelope(z.array(WalletSchema));
