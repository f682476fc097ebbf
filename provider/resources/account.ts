// Whose deployment a "not found" is about. Both the reference and the live API answer a closed
// deployment with 200 and `state: closed`, and look deployments up by the key's own wallet: a 404
// for a deployment in state means the key reaches another account (a team key instead of a
// personal one, staging's URL and key instead of production's). Dropping it from state then would
// leave it billing with nothing managing it, and the next `up` would pay for a second one.
import type { AkashApi } from "./api";

/** The API key reaches another account than the one that owns the stack's deployments. */
export class OtherAccountError extends Error {
  override readonly name = "OtherAccountError";
}

/**
 * Returns when `what` (recorded with owner `recordedOwner`) is really gone from its own account, the
 * key's; throws OtherAccountError, changing nothing, when the key reaches another account or the
 * owner cannot be compared.
 */
export async function goneFromThisAccount(
  api: Pick<AkashApi, "keyOwner" | "baseUrl">,
  what: string,
  recordedOwner: string | undefined,
): Promise<void> {
  const reached = await api.keyOwner();
  if (recordedOwner !== undefined && reached === recordedOwner) return;
  const belongs = recordedOwner
    ? `belongs to account ${recordedOwner} (recorded in this stack's state)`
    : "has no owner recorded in this stack's state";
  throw new OtherAccountError(
    `${what} ${belongs}, and the API at ${api.baseUrl} does not find it for the API key, which reaches ` +
      `${reached ? `account ${reached}` : "an account without a wallet"}. The API answers a closed deployment ` +
      "as closed, so this is another account's key (or another environment's URL and key): nothing was " +
      "dropped from state and nothing was closed. Configure the key (and akash:baseUrl) of the account that " +
      "owns the stack; `pulumi refresh` and `pulumi destroy` use the configuration recorded at the last `up` " +
      "unless run with `--run-program`. If the deployment really is gone from that account, remove it from " +
      "state with `pulumi state delete <urn>`.",
  );
}
