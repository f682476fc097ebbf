// What a Deployment reports: its outputs from the API's view of it plus the recorded inputs, and
// the two policies that count as drift (funding below minEscrowUsd, runtime ending within
// minRuntimeLeftHours).
import type { Deployment, DeploymentDetail } from "../../sdk";
import type { DeploymentInputs, DeploymentOutputs, LeaseSummary } from "./deployment";
import { escrowOutputs, trimDecimal, type EscrowOutputs } from "./escrow";
import type { HandlerContext } from "./handler";
import { toMicro } from "./money";
import type { SdlGroup } from "./sdl";

/** What `sdl` becomes in refreshed state when the on-chain manifest no longer matches it. */
export const SDL_DRIFT_PREFIX = "# SDL changed outside Pulumi";

export function leaseSummaries(deployment: Deployment): LeaseSummary[] {
  return deployment.leases
    .map((l) => ({
      gseq: l.id.gseq,
      oseq: l.id.oseq,
      provider: l.id.provider,
      state: l.state,
      price: trimDecimal(l.price.amount),
      denom: l.price.denom,
    }))
    .sort((a, b) => a.gseq - b.gseq || a.oseq - b.oseq || a.provider.localeCompare(b.provider));
}

function fundingStatus(
  escrow: EscrowOutputs,
  minEscrowUsd: number | undefined,
): DeploymentOutputs["fundingStatus"] {
  if (minEscrowUsd === undefined) return "funded";
  return BigInt(escrow.balance) < toMicro(minEscrowUsd) ? "underfunded" : "funded";
}

const HOUR_MS = 3_600_000;

function runtimeStatus(
  limitHours: number | null | undefined,
  endsAt: string | undefined,
  minLeftHours: number | undefined,
): DeploymentOutputs["runtimeStatus"] {
  if (limitHours === undefined || limitHours === null) return "unlimited";
  if (minLeftHours === undefined || endsAt === undefined) return "running";
  return Date.parse(endsAt) - Date.now() < minLeftHours * HOUR_MS ? "ending" : "running";
}

export const fundingOf = async (ctx: HandlerContext): Promise<DeploymentOutputs["funding"]> =>
  (await ctx.api.fundingConfig()) ? "automatic" : "deposit";

export function outputsOf(
  inputs: DeploymentInputs,
  deployment: DeploymentDetail,
  manifest: string,
  groups: SdlGroup[],
  resourcesFingerprint: string,
  funding: DeploymentOutputs["funding"],
): DeploymentOutputs {
  const escrow = escrowOutputs(deployment);
  const settings = deployment.settings ?? undefined;
  const name = deployment.name ?? inputs.name;
  const runtimeLimitHours = settings?.runtimeLimitHours ?? inputs.runtimeLimitHours;
  const runtimeEndsAt = settings?.runtimeEndsAt ?? undefined;
  return {
    sdl: inputs.sdl,
    ...(inputs.deposit === undefined ? {} : { deposit: inputs.deposit }),
    ...(name === undefined ? {} : { name }),
    ...(runtimeLimitHours === undefined ? {} : { runtimeLimitHours }),
    ...(inputs.minRuntimeLeftHours === undefined ? {} : { minRuntimeLeftHours: inputs.minRuntimeLeftHours }),
    ...(inputs.secrets === undefined ? {} : { secrets: inputs.secrets }),
    ...(inputs.minEscrowUsd === undefined ? {} : { minEscrowUsd: inputs.minEscrowUsd }),
    ...(inputs.selection === undefined ? {} : { selection: inputs.selection }),
    ...(inputs.creationKey === undefined ? {} : { creationKey: inputs.creationKey }),
    dseq: deployment.deployment.id.dseq,
    owner: deployment.deployment.id.owner,
    state: deployment.deployment.state,
    manifest,
    manifestHash: deployment.deployment.hash,
    resourcesFingerprint,
    groups: groups.map(({ gseq, name, services }) => ({ gseq, name, services })),
    escrow,
    fundingStatus: fundingStatus(escrow, inputs.minEscrowUsd),
    leases: leaseSummaries(deployment),
    manifestVersion: deployment.consoleSettings?.manifestVersion ?? deployment.deployment.hash,
    funding,
    ...(runtimeEndsAt === undefined ? {} : { runtimeEndsAt }),
    runtimeStatus: runtimeStatus(runtimeLimitHours, runtimeEndsAt, inputs.minRuntimeLeftHours),
  };
}
