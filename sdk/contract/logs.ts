// Logs (AEP-63 draft, GET /v1/logs/{dseq}): what the providers' containers printed, oldest first.
// Not served by the live API (it hands out provider JWTs instead); the reference server serves it.
import { z } from "zod";
import { DateTimeStringSchema, dataEnvelope } from "./common";

export const LogsQuerySchema = z.object({
  service: z.string().min(1).optional().meta({ description: "Only this SDL service" }),
  tail: z.coerce.number().int().min(1).max(10_000).optional().meta({ description: "Only the last N lines" }),
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: "Only lines at or after this time" }),
});
export type LogsQuery = z.input<typeof LogsQuerySchema>;

export const LogEntrySchema = z
  .object({
    timestamp: DateTimeStringSchema,
    service: z.string(),
    replica: z.number().optional().meta({ description: "Replica index within the service" }),
    provider: z.string().optional(),
    gseq: z.number().optional(),
    oseq: z.number().optional(),
    message: z.string(),
  })
  .meta({ id: "LogEntry" });
export type LogEntry = z.infer<typeof LogEntrySchema>;

export const LogsResponseSchema = dataEnvelope(z.array(LogEntrySchema));
