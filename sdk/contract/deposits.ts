// Deposits into a deployment's escrow: the live (deprecated) POST /v1/deposit-deployment and
// AEP-63's POST /v1/deployments/deposit/{dseq}. Both answer with the re-read deployment object.
import { z } from "zod";
import { DseqSchema, UsdNumberSchema, dataEnvelope } from "./common";

export const DepositDeploymentBodySchema = dataEnvelope(
  z.object({
    dseq: DseqSchema,
    deposit: UsdNumberSchema.meta({ description: "Amount to deposit in dollars (e.g. 5.5)" }),
  }),
);
export type DepositDeploymentBody = z.input<typeof DepositDeploymentBodySchema>;

/** AEP-63 form: dseq in the path, only the amount in the body. */
export const DepositByPathBodySchema = dataEnvelope(
  z.object({ deposit: UsdNumberSchema.meta({ description: "Amount to deposit in dollars (e.g. 5.5)" }) }),
);
export type DepositByPathBody = z.input<typeof DepositByPathBodySchema>;
