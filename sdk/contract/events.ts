// Events (AEP-63 draft, GET /v1/events/{dseq}): what happened to a deployment and its leases
// (scheduling, image pull, start, restarts, lease closed), oldest first, like provider kube events.
import { z } from "zod";
import { DateTimeStringSchema, dataEnvelope } from "./common";

export const EventsQuerySchema = z.object({
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: "Only events at or after this time" }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .meta({ description: "At most N (the latest)" }),
});
export type EventsQuery = z.input<typeof EventsQuerySchema>;

export const DeploymentEventSchema = z
  .object({
    timestamp: DateTimeStringSchema,
    type: z.string().meta({ description: "Normal | Warning" }),
    reason: z
      .string()
      .meta({ description: "Short machine-friendly reason, e.g. Scheduled, Pulling, Started, LeaseClosed" }),
    message: z.string(),
    service: z.string().optional(),
    provider: z.string().optional(),
    gseq: z.number().optional(),
    oseq: z.number().optional(),
  })
  .meta({ id: "DeploymentEvent" });
export type DeploymentEvent = z.infer<typeof DeploymentEventSchema>;

export const EventsResponseSchema = dataEnvelope(z.array(DeploymentEventSchema));
