// Deployment settings (auto top-up): v1 addressed by {userId}/{dseq}, v2 by {dseq} (+ optional userId).
import { z } from "zod";
import { DateTimeStringSchema, DseqSchema, DseqStringSchema, dataEnvelope } from "./common";
import { CloseReasonSchema, MAX_RUNTIME_LIMIT_HOURS } from "./deployments";

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
    runtimeLimitHours: z
      .number()
      .int()
      .nullable()
      .optional()
      .meta({ description: "Runtime limit in hours, or null for always-on funding" }),
    runtimeEndsAt: DateTimeStringSchema.nullable()
      .optional()
      .meta({ description: "When the runtime limit ends; null until a lease anchors it" }),
    closeReason: CloseReasonSchema.optional(),
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

const AutoTopUpSchema = z.boolean().optional().meta({
  description:
    "Read-only with automatic funding (the live API, `--funding auto`): true is accepted, false refused. Writable with `--funding deposit` (default false).",
});

export const CreateDeploymentSettingV1BodySchema = dataEnvelope(
  z.object({
    userId: z.string().min(1),
    dseq: DseqSchema,
    autoTopUpEnabled: AutoTopUpSchema,
  }),
);
export type CreateDeploymentSettingV1Body = z.input<typeof CreateDeploymentSettingV1BodySchema>;

export const CreateDeploymentSettingV2BodySchema = dataEnvelope(
  z.object({
    dseq: DseqSchema,
    autoTopUpEnabled: AutoTopUpSchema,
    userId: z.string().min(1).optional(),
  }),
);
export type CreateDeploymentSettingV2Body = z.input<typeof CreateDeploymentSettingV2BodySchema>;

export const UpdateDeploymentSettingBodySchema = dataEnvelope(z.object({ autoTopUpEnabled: z.boolean() }));
export type UpdateDeploymentSettingBody = z.input<typeof UpdateDeploymentSettingBodySchema>;

/** PATCH /v2/deployment-settings/{dseq}: extend the runtime limit (never lower it), or the legacy flag. */
export const UpdateDeploymentSettingV2BodySchema = dataEnvelope(
  z
    .object({
      autoTopUpEnabled: AutoTopUpSchema,
      runtimeLimitHours: z
        .number()
        .int()
        .min(1)
        .max(MAX_RUNTIME_LIMIT_HOURS)
        .optional()
        .meta({
          description: `The new total runtime limit in hours: at most 48 more than today's (48 for a deployment without one), ${MAX_RUNTIME_LIMIT_HOURS} overall; never lower`,
        }),
    })
    .refine(
      (data) => data.autoTopUpEnabled !== undefined || data.runtimeLimitHours !== undefined,
      "Send runtimeLimitHours (or autoTopUpEnabled)",
    ),
);
export type UpdateDeploymentSettingV2Body = z.input<typeof UpdateDeploymentSettingV2BodySchema>;

export const DeploymentSettingResponseSchema = dataEnvelope(DeploymentSettingSchema);
