// Deployment settings (auto top-up): v1 addressed by {userId}/{dseq}, v2 by {dseq} (+ optional userId).
import { z } from "zod";
import { DateTimeStringSchema, DseqSchema, DseqStringSchema, dataEnvelope } from "./common";

export const DeploymentSettingSchema = z
  .object({
    id: z.string().meta({ format: "uuid" }),
    userId: z.string(),
    dseq: DseqStringSchema,
    autoTopUpEnabled: z.boolean(),
    estimatedTopUpAmount: z.number().meta({ description: "Dollars per top-up; 0 when disabled" }),
    topUpFrequencyMs: z.number(),
    createdAt: DateTimeStringSchema,
    updatedAt: DateTimeStringSchema,
    closed: z.boolean().optional().meta({ description: "Undocumented on the live API; present in practice" }),
  })
  .meta({ id: "DeploymentSetting" });
export type DeploymentSetting = z.infer<typeof DeploymentSettingSchema>;

export const DeploymentSettingV1ParamsSchema = z.object({
  userId: z.string().min(1).meta({ description: "User ID" }),
  dseq: DseqSchema,
});

export const DeploymentSettingV2QuerySchema = z.object({
  userId: z.string().min(1).optional().meta({ description: "User ID (uuid). Defaults to the caller" }),
});

export const CreateDeploymentSettingV1BodySchema = dataEnvelope(
  z.object({
    userId: z.string().min(1),
    dseq: DseqSchema,
    autoTopUpEnabled: z.boolean().default(false),
  }),
);
export type CreateDeploymentSettingV1Body = z.input<typeof CreateDeploymentSettingV1BodySchema>;

export const CreateDeploymentSettingV2BodySchema = dataEnvelope(
  z.object({
    dseq: DseqSchema,
    autoTopUpEnabled: z.boolean().default(false),
    userId: z.string().min(1).optional(),
  }),
);
export type CreateDeploymentSettingV2Body = z.input<typeof CreateDeploymentSettingV2BodySchema>;

export const UpdateDeploymentSettingBodySchema = dataEnvelope(z.object({ autoTopUpEnabled: z.boolean() }));
export type UpdateDeploymentSettingBody = z.input<typeof UpdateDeploymentSettingBodySchema>;

export const DeploymentSettingResponseSchema = dataEnvelope(DeploymentSettingSchema);
