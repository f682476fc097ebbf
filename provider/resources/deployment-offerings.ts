// What a Deployment's inputs ask of the API, against what the API offers (its OpenAPI document):
// checked at preview where credentials are configured, and again before anything is created, so an
// input the API cannot honour fails before money is spent instead of being silently dropped.
import type { ApiOfferings, DeploymentFundingConfig } from "../../sdk";
import type { DeploymentInputs } from "./deployment";
import type { CheckFailure } from "./handler";
import { formatUsd, toMicro } from "./money";

/** The inputs an API may not offer (a check leaves out those not known yet). */
type AskedOf = Pick<DeploymentInputs, "deposit" | "runtimeLimitHours" | "secrets">;

export function unsupportedInputs(inputs: AskedOf, offerings: ApiOfferings, baseUrl: string): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const how = offerings.documented
    ? `its OpenAPI document (${baseUrl}/v1/doc) does not offer`
    : `it publishes no OpenAPI document (${baseUrl}/v1/doc), so only the AEP-63 surface is assumed, without`;
  if (inputs.runtimeLimitHours !== undefined && !offerings.runtimeLimits) {
    failures.push({
      property: "runtimeLimitHours",
      reason: `the API at ${baseUrl} cannot enforce runtimeLimitHours: ${how} runtime limits. Remove runtimeLimitHours (and close the deployment yourself), or point akash:baseUrl at an API that has them.`,
    });
  }
  if (Object.keys(inputs.secrets ?? {}).length > 0 && !offerings.sealedSecrets) {
    failures.push({
      property: "secrets",
      reason: `the API at ${baseUrl} cannot take sealed secrets: ${how} GET /v1/sdl-secrets-context. Nothing was sent; remove secrets (and the SDL's ac-secret:// references), or point akash:baseUrl at an API that has them.`,
    });
  }
  const minimum = offerings.minDepositUsd;
  if (inputs.deposit !== undefined && minimum !== undefined && toMicro(inputs.deposit) < toMicro(minimum)) {
    failures.push({
      property: "deposit",
      reason: `deposit ${formatUsd(toMicro(inputs.deposit))} is below the minimum of ${formatUsd(toMicro(minimum))} that the API at ${baseUrl} publishes (${baseUrl}/v1/doc); raise deposit to at least ${minimum}.`,
    });
  }
  return failures;
}

/** The once-only notice for a deposit an API with automatic funding ignores. */
export function depositIgnoredNotice(
  dseq: string,
  deposit: number,
  funding: DeploymentFundingConfig,
): string {
  return (
    `deployment ${dseq}: this API funds deployments automatically from your account credit (each starts with ` +
    `${formatUsd(toMicro(funding.defaultDepositUsd))} and is topped up toward ${funding.targetRunwayHours} hours of runtime), ` +
    `so deposit ${formatUsd(toMicro(deposit))} is ignored and only kept in state. Remove deposit to drop this notice.`
  );
}
