// Deployments: create from SDL, list (state/search/reverse, skip/limit), get, patch, update SDL
// (deprecated), close, names. The deployment object (deployment + leases with provider status +
// escrow account) is also what deposits and leases return. Fields the live API added after 2026-08
// (name, consoleSettings, settings, ...) are optional in responses, so the client reads servers of
// both generations.
import { z } from "zod";
import {
  CoinSchema,
  DseqSchema,
  DseqStringSchema,
  SuccessSchema,
  UsdNumberSchema,
  dataEnvelope,
  withoutNul,
} from "./common";

export const DseqParamsSchema = z.object({ dseq: DseqSchema });

export const DeploymentIdSchema = z.object({ owner: z.string(), dseq: DseqStringSchema });

export const DeploymentInfoSchema = z.object({
  id: DeploymentIdSchema,
  state: z.string().meta({ description: "active | closed" }),
  hash: z.string().meta({ description: "Manifest version (base64)" }),
  created_at: z.string().meta({ description: "Block height at creation" }),
});
export type DeploymentInfo = z.infer<typeof DeploymentInfoSchema>;

/** Why a closed deployment closed (reference server): by its owner, escrow dry, or its runtime limit. */
export const CloseReasonSchema = z
  .enum(["owner", "insufficient_funds", "runtime_limit"])
  .nullable()
  .meta({ description: "Why the deployment closed (null while active)" });
export type CloseReason = z.infer<typeof CloseReasonSchema>;

/** The name a deployment carries (null: created before names were recorded). */
export const DeploymentNameResponseSchema = z
  .string()
  .nullable()
  .meta({ description: "The deployment's name, or null for one that has none" });

/** What the console holds about a listed deployment (live: `settings` of a list item). */
export const ListedDeploymentSettingsSchema = z.object({
  name: DeploymentNameResponseSchema,
  runtimeLimitHours: z
    .number()
    .int()
    .nullable()
    .meta({ description: "Runtime limit in hours, or null for always-on funding" }),
  runtimeEndsAt: z
    .string()
    .nullable()
    .meta({ format: "date-time", description: "When the runtime limit ends; null until a lease anchors it" }),
  closed: z.boolean(),
  closeReason: CloseReasonSchema.optional(),
});
export type ListedDeploymentSettings = z.infer<typeof ListedDeploymentSettingsSchema>;

export const LeaseIdSchema = z.object({
  owner: z.string(),
  dseq: DseqStringSchema,
  gseq: z.number(),
  oseq: z.number(),
  provider: z.string(),
  bseq: z.number(),
});
export type LeaseId = z.infer<typeof LeaseIdSchema>;

export const ForwardedPortSchema = z.object({
  port: z.number(),
  externalPort: z.number(),
  host: z.string().optional(),
  available: z.number().optional(),
});

export const LeaseIpSchema = z.object({
  IP: z.string(),
  Port: z.number(),
  ExternalPort: z.number(),
  Protocol: z.string(),
});

export const ServiceStatusSchema = z.object({
  name: z.string(),
  available: z.number(),
  total: z.number(),
  uris: z.array(z.string()),
  observed_generation: z.number(),
  replicas: z.number(),
  updated_replicas: z.number(),
  ready_replicas: z.number(),
  available_replicas: z.number(),
});
export type ServiceStatus = z.infer<typeof ServiceStatusSchema>;

/** What the provider reports for a lease; the live API answers null when the provider is unreachable. */
export const LeaseStatusSchema = z
  .object({
    forwarded_ports: z.record(z.string(), z.array(ForwardedPortSchema)),
    ips: z.record(z.string(), z.array(LeaseIpSchema)),
    services: z.record(z.string(), ServiceStatusSchema),
  })
  .meta({ id: "LeaseStatus" });
export type LeaseStatus = z.infer<typeof LeaseStatusSchema>;

/** A lease as listed (no provider status). */
export const LeaseSchema = z.object({
  id: LeaseIdSchema,
  state: z.string().meta({ description: "active | insufficient_funds | closed" }),
  price: CoinSchema.meta({ description: "Price per block in micro-denom" }),
  created_at: z.string(),
  closed_on: z.string(),
  reason: z.string().optional(),
});
export type Lease = z.infer<typeof LeaseSchema>;

/** A lease with the provider's live status (null when the provider could not be reached). */
export const LeaseWithStatusSchema = LeaseSchema.extend({ status: LeaseStatusSchema.nullable() });
export type LeaseWithStatus = z.infer<typeof LeaseWithStatusSchema>;

export const EscrowDepositSchema = z.object({
  owner: z.string(),
  height: z.string(),
  source: z.string(),
  balance: CoinSchema,
});

/** The raw chain escrow account (micro-denom strings, no dollar conversion). */
export const EscrowAccountSchema = z
  .object({
    id: z.object({ scope: z.string(), xid: z.string() }),
    state: z.object({
      owner: z.string(),
      state: z.string(),
      transferred: z.array(CoinSchema),
      settled_at: z.string(),
      funds: z.array(CoinSchema),
      deposits: z.array(EscrowDepositSchema),
    }),
  })
  .meta({ id: "EscrowAccount" });
export type EscrowAccount = z.infer<typeof EscrowAccountSchema>;

/** The deployment object returned by get, update, deposit and lease creation. */
export const DeploymentSchema = z
  .object({
    deployment: DeploymentInfoSchema,
    leases: z.array(LeaseWithStatusSchema),
    escrow_account: EscrowAccountSchema,
  })
  .meta({ id: "Deployment" });
export type Deployment = z.infer<typeof DeploymentSchema>;

/** The definition the console stored for a deployment (the SDL keeps `ac-secret://` references). */
export const ConsoleSettingsSchema = z
  .object({
    sdl: z.string().meta({ description: "The stored SDL; secret values appear as ac-secret:// references" }),
    manifestVersion: z
      .string()
      .meta({ description: "Base64 manifest version: what PATCH takes as ifManifestVersion" }),
  })
  .meta({ id: "ConsoleSettings" });
export type ConsoleSettings = z.infer<typeof ConsoleSettingsSchema>;

/** GET /v1/deployments/{dseq}: the deployment object plus its name and stored definition. */
export const DeploymentDetailSchema = DeploymentSchema.extend({
  name: DeploymentNameResponseSchema.optional(),
  consoleSettings: ConsoleSettingsSchema.nullable().optional(),
  settings: ListedDeploymentSettingsSchema.nullable().optional(),
}).meta({ id: "DeploymentDetail" });
export type DeploymentDetail = z.infer<typeof DeploymentDetailSchema>;

/** PATCH answers the deployment, its name and the manifest version it recorded (none for a rename). */
export const PatchedDeploymentSchema = DeploymentSchema.extend({
  name: DeploymentNameResponseSchema.optional(),
  manifestVersion: z
    .string()
    .optional()
    .meta({ description: "Base64 manifest version this patch recorded; absent for a rename alone" }),
}).meta({ id: "PatchedDeployment" });
export type PatchedDeployment = z.infer<typeof PatchedDeploymentSchema>;

/** A list item: same as the deployment object but leases carry no provider status. */
export const DeploymentListItemSchema = z
  .object({
    deployment: DeploymentInfoSchema,
    leases: z.array(LeaseSchema),
    escrow_account: EscrowAccountSchema,
    name: DeploymentNameResponseSchema.optional(),
    groups: z
      .array(z.unknown())
      .optional()
      .meta({ description: "The resource groups the deployment declares, as recorded for it" }),
    settings: ListedDeploymentSettingsSchema.nullable().optional(),
  })
  .meta({ id: "DeploymentListItem" });
export type DeploymentListItem = z.infer<typeof DeploymentListItemSchema>;

export const PaginationSchema = z.object({
  total: z.number().nullable().meta({
    description: "Deployments matching the query; null when the count is unknown (page on hasMore)",
  }),
  skip: z.number(),
  limit: z.number(),
  hasMore: z.boolean(),
});
export type Pagination = z.infer<typeof PaginationSchema>;

/** Page size cap of GET /v1/deployments (live since #3955). */
export const MAX_DEPLOYMENT_PAGE = 100;
/** Longest deployment name (and search string). */
export const MAX_DEPLOYMENT_NAME_LENGTH = 256;

export const ListDeploymentsQuerySchema = z.object({
  state: z
    .enum(["active", "closed"])
    .optional()
    .meta({ description: "Which deployments to list (default active); closed serves the archive" }),
  search: withoutNul(z.string().trim().max(MAX_DEPLOYMENT_NAME_LENGTH)).optional().meta({
    description: "Case-insensitive substring of the name or the dseq; total/hasMore describe the matches",
  }),
  reverse: z
    .union([z.boolean(), z.enum(["true", "false"])])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === true || value === "true"))
    .meta({ description: "Newest first when true; oldest first by default" }),
  skip: z.coerce.number().int().min(0).optional().meta({ description: "Items to skip (default 0)" }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_DEPLOYMENT_PAGE)
    .optional()
    .meta({
      description: `Page size, 1 to ${MAX_DEPLOYMENT_PAGE} (default ${MAX_DEPLOYMENT_PAGE}): page on hasMore`,
    }),
});
export type ListDeploymentsQuery = z.input<typeof ListDeploymentsQuerySchema>;

export const DeploymentPageSchema = z.object({
  deployments: z.array(DeploymentListItemSchema),
  pagination: PaginationSchema,
});
export type DeploymentPage = z.infer<typeof DeploymentPageSchema>;

/** A deployment name as requests carry it: trimmed, 1 to 256 characters. */
export const DeploymentNameSchema = withoutNul(z.string().trim().min(1).max(MAX_DEPLOYMENT_NAME_LENGTH)).meta(
  { description: "Name shown wherever the deployment is listed" },
);

/** The longest runtime limit a create (or one extension) can ask for, in hours. */
export const MAX_RUNTIME_LIMIT_INCREMENT_HOURS = 48;
/** The longest runtime limit reachable by extensions, in hours. */
export const MAX_RUNTIME_LIMIT_HOURS = 8760;

/** A compact JWE (RSA-OAEP-256 / A256GCM) sealing a flat name -> value map to the server's key. */
export const SealedSecretsSchema = z
  .string()
  .min(1)
  .meta({ description: "Compact JWE sealing a flat name-to-value map; see GET /v1/sdl-secrets-context" });

export const CreateDeploymentBodySchema = dataEnvelope(
  z.object({
    sdl: z.string().min(1).meta({ description: "SDL (YAML) as a string" }),
    deposit: UsdNumberSchema.optional().meta({
      deprecated: true,
      description:
        "Escrow deposit in dollars. With automatic funding (the live API, `--funding auto`) it is accepted and ignored: every deployment starts with the default deposit and is topped up from the credit. With `--funding deposit` (AEP-63) it is required and at least the minimum ($5 by default).",
    }),
    name: DeploymentNameSchema.optional().meta({
      description: "Name of the deployment; default: the SDL's service names joined with `+`",
    }),
    runtimeLimitHours: z
      .number()
      .int()
      .min(1)
      .max(MAX_RUNTIME_LIMIT_INCREMENT_HOURS)
      .optional()
      .meta({
        description: `Runtime limit in hours (1 to ${MAX_RUNTIME_LIMIT_INCREMENT_HOURS}) counted from lease start; the deployment is then closed and its escrow refunded. Extend with PATCH /v2/deployment-settings/{dseq}. Omit for always-on funding.`,
      }),
    sealedSecrets: SealedSecretsSchema.optional(),
    inheritSecretsFrom: DseqSchema.optional().meta({
      description:
        "Dseq of one of your deployments (closed ones too) whose stored secrets this one starts from; a name also in sealedSecrets takes that value",
    }),
  }),
);
export type CreateDeploymentBody = z.input<typeof CreateDeploymentBodySchema>;

export const SignTxSchema = z.object({
  code: z.number(),
  transactionHash: z.string(),
  rawLog: z.string(),
});

export const CreatedDeploymentSchema = z
  .object({
    dseq: DseqStringSchema,
    manifest: z
      .string()
      .meta({ description: "Manifest JSON string; pass it back verbatim to POST /v1/leases" }),
    signTx: SignTxSchema.optional(),
  })
  .meta({ id: "CreatedDeployment" });
export type CreatedDeployment = z.infer<typeof CreatedDeploymentSchema>;

export const UpdateDeploymentBodySchema = dataEnvelope(
  z.object({
    sdl: z.string().min(1),
    name: DeploymentNameSchema.optional().meta({
      description: "Renames the deployment; omitted keeps the name",
    }),
  }),
);
export type UpdateDeploymentBody = z.input<typeof UpdateDeploymentBodySchema>;

/** Environment variable names as Kubernetes (and the SDL) accept them. */
const ENV_VARIABLE_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const PortNumberSchema = z.number().int().min(1).max(65535);

export const PatchHttpOptionsSchema = z
  .object({
    maxBodySize: z.number().int().min(1).max(104_857_600),
    readTimeout: z.number().int().min(1).max(4_294_967_295),
    sendTimeout: z.number().int().min(1).max(4_294_967_295),
    nextTries: z.number().int().min(0).max(4_294_967_295),
    nextTimeout: z.number().int().min(0).max(4_294_967_295),
    nextCases: z
      .array(z.enum(["error", "timeout", "500", "502", "503", "504", "403", "404", "429", "off"]))
      .min(1)
      .refine(
        (cases) => cases.length === 1 || !cases.includes("off"),
        '"off" cannot be combined with other cases',
      ),
  })
  .partial();

export const PatchExposeSchema = z
  .object({
    port: PortNumberSchema.meta({ description: "New container port (the entry is addressed by today's)" }),
    as: PortNumberSchema.meta({ description: "New port the endpoint is reached on" }),
    accept: z.array(z.string()).meta({ description: "Custom domains; replaces the list" }),
    httpOptions: PatchHttpOptionsSchema,
  })
  .partial();

/** What PATCH can change in one service; sizes, protocols and counts are fixed at create. */
export const PatchServiceSchema = z
  .object({
    image: z.string().min(1),
    command: z.array(z.string()).nullable(),
    args: z.array(z.string()).nullable(),
    env: z
      .record(z.string().regex(ENV_VARIABLE_NAME), z.string().nullable())
      .meta({ description: "Merged into the service's env; null removes a variable" }),
    credentials: z
      .object({ host: z.string(), username: z.string(), password: z.string() })
      .nullable()
      .meta({ description: "Private registry credentials; null clears them" }),
    expose: z
      .record(z.string(), PatchExposeSchema)
      .meta({ description: "Keyed by the container port the stored SDL declares" }),
    storage: z
      .record(z.string(), z.object({ mount: z.string(), readOnly: z.boolean() }).partial())
      .meta({ description: "Keyed by volume name: mount point and read-only flag only" }),
  })
  .partial();
export type PatchService = z.infer<typeof PatchServiceSchema>;

function isEmptyRecord(value: unknown): boolean {
  return !!value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0;
}

export const PatchDeploymentBodySchema = dataEnvelope(
  z
    .object({
      services: z
        .record(z.string(), PatchServiceSchema)
        .refine((services) => Object.keys(services).length > 0, "At least one service must be patched")
        .optional()
        .meta({ description: "Keyed by service name; only the named services are touched" }),
      name: DeploymentNameSchema.optional().meta({
        description: "Renames the deployment; alone, it touches no definition",
      }),
      sealedSecrets: SealedSecretsSchema.optional().meta({
        description:
          "Compact JWE holding only the secret names this patch replaces (sealed without sdlHash, or bound to the stored SDL)",
      }),
      ifManifestVersion: z.string().min(1).max(64).optional().meta({
        description:
          "Base64 manifest version expected current: 409 if the deployment moved on, unless it moved on to the version this very patch produces (an identical retry succeeds). Omitted: guarded on the version the server read.",
      }),
    })
    .refine(
      (data) =>
        !!data.sealedSecrets ||
        !!data.name ||
        Object.values(data.services ?? {}).some((service) =>
          Object.values(service).some((value) => value !== undefined && !isEmptyRecord(value)),
        ),
      "At least one field must be patched, or sealed secrets supplied",
    ),
);
export type PatchDeploymentBody = z.input<typeof PatchDeploymentBodySchema>;

/** Most names one GET /v1/deployment-names resolves. */
export const MAX_DEPLOYMENT_NAMES_PER_REQUEST = 100;

export const DeploymentNamesQuerySchema = z.object({
  dseq: z
    .preprocess(
      (value) => (Array.isArray(value) ? value : [value]),
      z
        .array(z.string().regex(/^[1-9]\d*$/, "must be a dseq without leading zeros"))
        .min(1)
        .max(MAX_DEPLOYMENT_NAMES_PER_REQUEST),
    )
    .meta({
      description: `Dseqs to name, repeated (dseq=1&dseq=2), at most ${MAX_DEPLOYMENT_NAMES_PER_REQUEST}`,
    }),
});
export type DeploymentNamesQuery = z.input<typeof DeploymentNamesQuerySchema>;

export const DeploymentNamesSchema = z
  .record(z.string(), DeploymentNameResponseSchema)
  .meta({ description: "Keyed by the dseqs asked; null for one without a name (or not yours)" });
export type DeploymentNames = z.infer<typeof DeploymentNamesSchema>;

export const DeploymentResponseSchema = dataEnvelope(DeploymentSchema);
export const DeploymentDetailResponseSchema = dataEnvelope(DeploymentDetailSchema);
export const PatchedDeploymentResponseSchema = dataEnvelope(PatchedDeploymentSchema);
export const DeploymentNamesResponseSchema = dataEnvelope(DeploymentNamesSchema);
export const DeploymentPageResponseSchema = dataEnvelope(DeploymentPageSchema);
export const CreatedDeploymentResponseSchema = dataEnvelope(CreatedDeploymentSchema);
export const CloseDeploymentResponseSchema = dataEnvelope(SuccessSchema);
