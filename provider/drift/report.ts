// What `pulumi-akash drift` reports: the causes it names, the JSON it prints with --json (a stable,
// versioned schema documented in docs/gitops.md) and the text lines for a CI log.

/** Bumped only for a change a consumer of the JSON would notice (a removed or renamed field). */
export const DRIFT_SCHEMA_VERSION = 1 as const;

/**
 * Why a resource drifted. New codes may be added in a minor version; existing ones keep their
 * meaning. Codes marked "newer API" need fields that only newer Console API generations return.
 */
export type CauseCode =
  | "closed_outside_pulumi"
  | "closed_escrow_dry"
  /** newer API: runtime limits */
  | "closed_runtime_limit"
  | "lease_lost"
  | "provider_offline"
  | "services_not_ready"
  | "sdl_changed"
  /** API keys today; deployments with the newer API's names */
  | "name_changed"
  | "underfunded"
  /** newer API: runtime limits */
  | "runtime_ending"
  | "api_key_revoked"
  | "api_key_expired"
  | "api_key_expiring";

export interface DriftCause {
  cause: CauseCode;
  /** One sentence: what differs, with the figures that matter. */
  message: string;
  /** What `pulumi up --refresh` would do about it (or that it would do nothing, and what would). */
  up: string;
  /** Cause-specific figures (heights, times, amounts, services); see docs/gitops.md. */
  details: Record<string, unknown>;
}

/** `Deployment`, `Lease`, `ApiKey`, or `StackConfig` for the stack's own API key. */
export type ResourceKind = "Deployment" | "Lease" | "ApiKey" | "StackConfig";

export interface DriftedResource {
  urn: string;
  type: ResourceKind;
  name: string;
  id: string;
  causes: DriftCause[];
}

export type DriftStatus = "in_sync" | "drift" | "error";

export interface DriftReport {
  schemaVersion: typeof DRIFT_SCHEMA_VERSION;
  status: DriftStatus;
  /** The stack's fully qualified name when known. */
  stack: string;
  apiUrl: string;
  checkedAt: string;
  thresholdHours: number;
  /** Resources of this package in the stack's state, and how many of them drifted. */
  resources: { checked: number; drifted: number };
  drift: DriftedResource[];
  /** Set when status is `error`: why nothing could be decided. */
  error?: string;
  /** Set with --remediate. */
  remediation?: {
    command: string;
    succeeded: boolean;
    error?: string;
    /** The check after `up`; absent when `up` failed. */
    after?: DriftReport;
  };
}

/** Exit codes, as Pulumi's CLI uses them (0 success, 1 error, 2 flags, 7 --expect-no-changes). */
export const EXIT = { inSync: 0, error: 1, usage: 2, drift: 7 } as const;

export function exitCodeOf(report: DriftReport): number {
  const final = report.remediation ? (report.remediation.after ?? { status: "error" as const }) : report;
  return final.status === "in_sync" ? EXIT.inSync : final.status === "drift" ? EXIT.drift : EXIT.error;
}

/** One line per drifted resource: `<type> <name> (<id>): <cause> -> up: <action>[; ...]`. */
export function driftLines(report: DriftReport): string[] {
  return report.drift.map((r) => {
    const causes = r.causes.map((c) => `${c.message} -> up: ${c.up}`).join("; ");
    return `${r.type} ${r.name}${r.id ? ` (${r.id})` : ""}: ${causes}`;
  });
}

export function textReport(report: DriftReport): string {
  if (report.status === "error") return `drift check failed: ${report.error}\n`;
  const lines = driftLines(report);
  const summary =
    report.status === "in_sync"
      ? `in sync: ${report.resources.checked} resource(s) of stack ${report.stack} match ${report.apiUrl}`
      : `${report.resources.drifted} of ${report.resources.checked} resource(s) of stack ${report.stack} drifted from ${report.apiUrl}`;
  return [...lines, summary].join("\n") + "\n";
}
