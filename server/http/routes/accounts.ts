import type { AccountService } from "../../services/accounts";
import { callerId } from "../authentication";
import { ApiError } from "../errors";
import type { HandlerGroup } from "../route-handler";

/** Balances (also by `?address=` without credentials, as live), wallets and the current user. */
export function accountRoutes(
  accounts: AccountService,
): HandlerGroup<"getBalances" | "listWallets" | "getCurrentUser"> {
  return {
    getBalances: async ({ c, query }) => {
      if (query.address) return { data: await accounts.balances({ address: query.address }) };
      const userId = c.get("userId");
      if (!userId) throw new ApiError(401, "Unauthorized");
      return { data: await accounts.balances({ userId }) };
    },
    listWallets: async ({ c, query }) => ({ data: await accounts.wallets(callerId(c), query.userId) }),
    getCurrentUser: async ({ c }) => ({ data: await accounts.me(callerId(c)) }),
  };
}
