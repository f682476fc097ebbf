import type { BidListItem, Deployment, LeaseRequest } from "../../sdk/contract";
import { decFromMicro, formatDec } from "../market";
import { findBid, listVisibleBids, setBidState, setOrderBidsState, type BidRow } from "../repositories/bids";
import { findDeployment, updateDeployment } from "../repositories/deployments";
import { insertLease, listLeases } from "../repositories/leases";
import type { DeploymentService } from "./deployments";
import { InvalidInputError } from "./errors";
import { settleAndPersist } from "./escrow-ledger";
import type { MarketContext } from "./market-context";
import { ProviderFaults } from "./refusals";

/** One order of the deployment and the provider whose bid leases it (an entry of the request, less its dseq). */
export type OrderRef = Omit<LeaseRequest, "dseq">;

/** The deposit a provider puts in a bid's escrow on chain (0.5 of the denom), shown on each bid. */
const BID_DEPOSIT_MICRO = 500_000;

/**
 * Bids (planned at order creation, visible after each provider's delay) and leases (one per group;
 * accepting a bid closes the order's other bids; the lease's price is added to the escrow's rate).
 */
export class LeaseService {
  readonly #ctx: MarketContext;
  readonly #deployments: DeploymentService;
  readonly #faults: ProviderFaults;

  constructor(ctx: MarketContext, deployments: DeploymentService) {
    this.#ctx = ctx;
    this.#deployments = deployments;
    this.#faults = new ProviderFaults(ctx.config, ctx.fleet);
  }

  async listBids(userId: string, dseq: number): Promise<BidListItem[]> {
    await this.#deployments.settledOrThrow(userId, dseq);
    const [rows, owner] = await Promise.all([
      listVisibleBids(this.#ctx.db, userId, dseq, this.#ctx.clock.now()),
      this.#ctx.owners.addressOf(userId),
    ]);
    return rows.map((row) => this.#bidView(owner, row));
  }

  /**
   * Creates the leases of deployment `dseq` on `orders` (all in one transaction) as the live API
   * does: if it already has a lease that is not closed, nothing is created (idempotent) and the
   * manifest is only re-sent. The manifest is the one built from the stored definition (a given one
   * must be it); a runtime limit starts counting at the first lease; with automatic funding the
   * escrow is topped up to the target runway at once. Answers the deployment.
   */
  async create(
    userId: string,
    dseq: number,
    manifest: string | undefined,
    orders: readonly OrderRef[],
  ): Promise<Deployment> {
    await this.#deployments.mutate(userId, dseq, async (trx, row) => {
      if (row.state !== "active") throw new InvalidInputError("Failed to create lease: Deployment closed");
      if (manifest !== undefined && normalizeManifest(manifest) !== normalizeManifest(row.manifest)) {
        throw new InvalidInputError(
          `Failed to create lease: the manifest does not match deployment ${dseq}; send the manifest returned when the deployment was created or last updated`,
        );
      }
      const existing = await listLeases(trx, userId, [dseq]);
      if (existing.some((lease) => lease.state === "active")) return;
      this.#faults.checkReachable(
        dseq,
        orders.map((order) => order.provider),
      );

      const now = this.#ctx.clock.now();
      const height = this.#ctx.clock.heightAt(now);
      const seenGroups = new Set<number>();
      let rate = BigInt(row.escrow_rate);
      for (const request of orders) {
        const order = { gseq: request.gseq, oseq: request.oseq };
        if (seenGroups.has(request.gseq)) {
          throw new InvalidInputError(
            `Failed to create lease: group ${request.gseq} appears twice; accept one bid per group`,
          );
        }
        seenGroups.add(request.gseq);
        const bid = await findBid(trx, userId, dseq, order, request.provider);
        if (!bid || bid.visible_at > now || bid.state !== "open") {
          throw new InvalidInputError(
            `Failed to create lease: bid not open (no open bid from ${request.provider} on order ${request.gseq}/${request.oseq} of deployment ${dseq}; list the bids with GET /v1/bids?dseq=${dseq})`,
          );
        }
        await setBidState(trx, userId, dseq, order, request.provider, "active");
        await setOrderBidsState(trx, userId, dseq, order, "closed", { exceptProvider: request.provider });
        await insertLease(trx, {
          user_id: userId,
          dseq,
          gseq: bid.gseq,
          oseq: bid.oseq,
          provider: bid.provider,
          bseq: bid.bseq,
          state: "active",
          price_amount: bid.price_amount,
          created_height: height,
          created_at: now,
          closed_height: null,
          reason: null,
        });
        rate += BigInt(bid.price_amount);
      }
      const anchored =
        row.runtime_limit_hours !== null && row.runtime_ends_at === null
          ? { runtime_ends_at: now + row.runtime_limit_hours * 3_600_000 }
          : {};
      // Settled from the current height on: the next settlement height (dry, top-up, runtime end)
      // follows from the new rate; with automatic funding the first top-up is due at once.
      await updateDeployment(trx, userId, dseq, {
        escrow_rate: rate.toString(),
        escrow_dry_height: row.escrow_settled_height,
        ...anchored,
      });
      const updated = await findDeployment(trx, userId, dseq);
      if (updated) await settleAndPersist(trx, updated, height, this.#ctx.ledger);
    });
    // "Send the manifest to the providers": the simulated provider gets it with secrets resolved.
    await this.#deployments.deliverStored(userId, dseq);
    const deployment = await this.#deployments.get(userId, dseq);
    this.#faults.checkDelivered(
      userId,
      dseq,
      deployment.leases.filter((lease) => lease.state === "active").map((lease) => lease.id.provider),
    );
    return deployment;
  }

  #bidView(owner: string, row: BidRow): BidListItem {
    const { denom } = this.#ctx.config;
    const zero = formatDec(0n);
    return {
      bid: {
        id: {
          owner,
          dseq: String(row.dseq),
          gseq: row.gseq,
          oseq: row.oseq,
          provider: row.provider,
          bseq: row.bseq,
        },
        state: row.state,
        price: { denom, amount: formatDec(BigInt(row.price_amount)) },
        created_at: String(row.created_height),
        resources_offer: JSON.parse(row.resources_json) as BidListItem["bid"]["resources_offer"],
      },
      escrow_account: {
        id: { scope: "bid", xid: `${owner}/${row.dseq}/${row.gseq}/${row.oseq}/${row.provider}/${row.bseq}` },
        state: {
          owner: row.provider,
          state: row.state === "closed" ? "closed" : "open",
          transferred: [{ denom, amount: zero }],
          settled_at: String(row.created_height),
          funds: [{ denom, amount: formatDec(decFromMicro(row.state === "closed" ? 0 : BID_DEPOSIT_MICRO)) }],
          deposits: [
            {
              owner: row.provider,
              height: String(row.created_height),
              source: "balance",
              balance: { denom, amount: formatDec(decFromMicro(BID_DEPOSIT_MICRO)) },
            },
          ],
        },
      },
      isCertificateRequired: false,
    };
  }
}

/**
 * Manifests compare equal when they are the same JSON; the live API also rewrites
 * `"quantity":{"val` to `"size":{"val` before sending, so either spelling is accepted.
 */
function normalizeManifest(manifest: string): string {
  try {
    return JSON.stringify(JSON.parse(manifest.replaceAll('"size":{"val', '"quantity":{"val')));
  } catch {
    throw new InvalidInputError(
      "Failed to create lease: manifest is not valid JSON; pass the manifest string returned by POST /v1/deployments",
    );
  }
}
