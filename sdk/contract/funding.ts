// Automatic funding (live since 2026-09): the constants it runs on, public and cacheable.
import { z } from "zod";
import { dataEnvelope } from "./common";

export const DeploymentFundingConfigSchema = z
  .object({
    targetRunwayHours: z
      .number()
      .meta({ description: "Hours of runtime automatic funding keeps in escrow once a lease runs" }),
    balanceHeadroomUsd: z
      .number()
      .meta({ description: "Credit automatic funding leaves untouched, so new deployments can be created" }),
    defaultDepositUsd: z
      .number()
      .meta({ description: "What every deployment is funded with at creation, before top-ups" }),
  })
  .meta({ id: "DeploymentFundingConfig" });
export type DeploymentFundingConfig = z.infer<typeof DeploymentFundingConfigSchema>;

export const DeploymentFundingConfigResponseSchema = dataEnvelope(DeploymentFundingConfigSchema);
