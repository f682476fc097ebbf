// Deployments: create from SDL, list (skip/limit), get, update SDL, close. The deployment object
// (deployment + leases with provider status + escrow account) is also what deposits and leases return.
import { z } from "zod";
import {
  CoinSchema,
  DseqSchema,
  DseqStringSchema,
  SuccessSchema,
  UsdNumberSchema,
  dataEnvelope,
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

/** A list item: same as the deployment object but leases carry no provider status. */
export const DeploymentListItemSchema = z
  .object({
    deployment: DeploymentInfoSchema,
    leases: z.array(LeaseSchema),
    escrow_account: EscrowAccountSchema,
  })
  .meta({ id: "DeploymentListItem" });
export type DeploymentListItem = z.infer<typeof DeploymentListItemSchema>;

export const PaginationSchema = z.object({
  total: z.number(),
  skip: z.number(),
  limit: z.number(),
  hasMore: z.boolean(),
});
export type Pagination = z.infer<typeof PaginationSchema>;

export const ListDeploymentsQuerySchema = z.object({
  skip: z.coerce.number().int().min(0).optional().meta({ description: "Items to skip (default 0)" }),
  limit: z.coerce.number().int().min(1).optional().meta({ description: "Page size (default: all)" }),
});
export type ListDeploymentsQuery = z.input<typeof ListDeploymentsQuerySchema>;

export const DeploymentPageSchema = z.object({
  deployments: z.array(DeploymentListItemSchema),
  pagination: PaginationSchema,
});
export type DeploymentPage = z.infer<typeof DeploymentPageSchema>;

export const CreateDeploymentBodySchema = dataEnvelope(
  z.object({
    sdl: z.string().min(1).meta({ description: "SDL (YAML) as a string" }),
    deposit: UsdNumberSchema.optional().meta({
      deprecated: true,
      description:
        "Escrow deposit in dollars. Optional on the live API (managed deposits); the reference server requires at least its minimum ($5 by default).",
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

export const UpdateDeploymentBodySchema = dataEnvelope(z.object({ sdl: z.string().min(1) }));
export type UpdateDeploymentBody = z.input<typeof UpdateDeploymentBodySchema>;

export const DeploymentResponseSchema = dataEnvelope(DeploymentSchema);
export const DeploymentPageResponseSchema = dataEnvelope(DeploymentPageSchema);
export const CreatedDeploymentResponseSchema = dataEnvelope(CreatedDeploymentSchema);
export const CloseDeploymentResponseSchema = dataEnvelope(SuccessSchema);
