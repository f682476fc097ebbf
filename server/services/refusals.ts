// The refusals the live API gives since autumn 2026 (console-api-2026-12.md, "Refusals the API now
// gives") that a service decides: the 402 with the shortfall, the 422 for a change PATCH cannot
// make, and the provider faults of lease creation. Which answer is given follows the server's
// options (config.refusals, config.faults); the seeds' answers stay the default.
import type { Kysely } from "kysely";
import type { ServerConfig } from "../config";
import type { Database } from "../db/schema";
import { findProvider, type Fleet } from "../market";
import { findUserById } from "../repositories/users";
import { InsufficientFundsError, InvalidInputError, UnprocessableError, UpstreamFailedError } from "./errors";

/** The live API's 402 message when the credit cannot cover a deposit. */
export const INSUFFICIENT_BALANCE_MESSAGE =
  "Not enough balance to cover the deployment deposit. Add credits or turn on auto recharge to continue.";

const usd = (micro: number) => Math.round(micro) / 1_000_000;

/**
 * The 402 of a spend the credit cannot cover. With the live codes: `insufficient_balance` and the
 * amounts in dollars, so a client can say how much is missing.
 */
export async function insufficientBalance(
  db: Kysely<Database>,
  config: ServerConfig,
  userId: string,
  requiredMicro: number,
): Promise<InsufficientFundsError> {
  if (!config.refusals.codes) return new InsufficientFundsError(INSUFFICIENT_BALANCE_MESSAGE);
  const user = await findUserById(db, userId);
  const available = Math.max(0, user?.credit_micro ?? 0);
  return new InsufficientFundsError(
    `${INSUFFICIENT_BALANCE_MESSAGE} Required: $${usd(requiredMicro)}, available: $${usd(available)}.`,
    {
      code: "insufficient_balance",
      data: { requiredAmountUsd: usd(requiredMicro), availableAmountUsd: usd(available) },
    },
  );
}

/** The refusal of an SDL whose resources differ from the deployment's (PATCH: 422 with the live codes). */
export function resourcesChanged(config: ServerConfig, changed: readonly string[], via: "patch" | "put") {
  const message =
    `Invalid SDL update: the resources of a deployment cannot change in place (${changed.join("; ")}). ` +
    "Keep the groups' resources as they are, or close this deployment and create a new one (inheritSecretsFrom carries its secrets over).";
  if (via === "patch" && config.refusals.codes) {
    return new UnprocessableError(message, { code: "deployment_resources_changed", data: { changed } });
  }
  return new InvalidInputError(message);
}

function named(fleet: Fleet, fault: boolean | readonly string[], provider: string): boolean {
  if (typeof fault === "boolean") return fault;
  return fault.some((name) => findProvider(fleet, name)?.address === provider || name === provider);
}

/**
 * The provider faults of lease creation: a provider the API cannot reach (502 before any lease is
 * made) and a manifest that fails to reach its provider once per deployment (502 after the lease
 * exists; the re-sent request delivers it). Failed deliveries are kept in memory: one per
 * deployment and provider for the life of the process.
 */
export class ProviderFaults {
  readonly #config: ServerConfig;
  readonly #fleet: Fleet;
  readonly #failedOnce = new Set<string>();

  constructor(config: ServerConfig, fleet: Fleet) {
    this.#config = config;
    this.#fleet = fleet;
  }

  /** Throws 502 `provider_unreachable` when a lease would go to a provider the fault names. */
  checkReachable(dseq: number, providers: readonly string[]): void {
    const unreachable = providers.find((p) =>
      named(this.#fleet, this.#config.faults.providersUnreachable, p),
    );
    if (unreachable === undefined) return;
    throw new UpstreamFailedError(
      `Failed to create lease: provider ${unreachable} is unreachable (fault injection); no lease was made. Accept another provider's bid.`,
      { code: "provider_unreachable", data: { dseq: String(dseq), provider: unreachable } },
    );
  }

  /** Throws 502 `manifest_not_delivered` the first time a deployment's manifest goes to such a provider. */
  checkDelivered(userId: string, dseq: number, providers: readonly string[]): void {
    for (const provider of providers) {
      if (!named(this.#fleet, this.#config.faults.manifestNotDelivered, provider)) continue;
      const key = `${userId} ${dseq} ${provider}`;
      if (this.#failedOnce.has(key)) continue;
      this.#failedOnce.add(key);
      const reason = "the provider closed the connection before accepting the manifest (fault injection)";
      throw new UpstreamFailedError(
        `The lease exists but its manifest was not delivered to ${provider}: ${reason}. Send the identical request again.`,
        { code: "manifest_not_delivered", data: { dseq: String(dseq), provider, reason } },
      );
    }
  }
}
