// Lease: accepts a bid for one order (gseq/oseq) of a deployment, sends the manifest and waits for
// the services. Id = dseq/gseq/oseq/provider.
// The managed-wallet API cannot close a single lease (only the whole deployment), and it cannot move
// a lease to another provider: such changes are replacements, and creating the replacement fails
// with a clear message while the old lease is still active (give the Deployment the same selection,
// and a change that rules out the current lease replaces the Deployment, so the Lease re-bids).
import {
  AkashApiError,
  manifestGroups,
  nextPollDelay,
  readWhileWaiting,
  serviceReadiness,
  waitForServices,
  type Bid,
  type Deployment,
  type LeaseWithStatus,
  type OrderRef,
} from "../../sdk";
import { isUnknown } from "../engine-values";
import { resource, t, type InputsOf, type OutputsOf } from "../schema/describe";
import {
  bidSelectionType,
  DEFAULT_BID_TIMEOUT_SECONDS,
  DEFAULT_CHEAPEST_WINDOW_SECONDS,
  describeBids,
  ruledOutBecause,
  selectBid,
  type BidTarget,
} from "./bid-selection";
import { goneFromThisAccount } from "./account";
import { certificatePairType } from "./certificate";
import { PartialCreateError, type CheckFailure, type HandlerContext, type ResourceHandlers } from "./handler";
import { trimDecimal } from "./escrow";
import { leaseTogether } from "./lease-batch";
import { leaseFromHeadStart, startHeadStart, type LeaseTerms } from "./lease-head-start";
import { forwardedPortType, ipType, serviceType, statusOutputs } from "./lease-status";

export { DEFAULT_BID_TIMEOUT_SECONDS, DEFAULT_CHEAPEST_WINDOW_SECONDS };
export const DEFAULT_SERVICE_TIMEOUT_SECONDS = 300;

export const leaseDescription = resource({
  name: "Lease",
  description:
    "A lease on one order (gseq/oseq) of a deployment: accepts a bid (an explicit provider, or a selection policy), has the manifest sent (with the request where the API needs it, AEP-63; today's API builds it from the stored definition, secrets resolved) and waits until the services are ready; the id is dseq/gseq/oseq/provider. Manifest changes are re-sent in place; a change of dseq, gseq, oseq or provider, or a selection the current lease no longer satisfies, replaces it. The managed-wallet API cannot close a single lease: a lease ends when its deployment closes.",
  inputs: {
    dseq: t
      .string(
        "The deployment to lease (Deployment.dseq). A new dseq (a replaced Deployment) replaces the lease. In a preview that also changes the Deployment the dseq is not known yet, so the Lease shows as an update; `up` replaces it only if the dseq really changes.",
      )
      .replaceOnChanges(),
    manifest: t.string(
      "The deployment's manifest (Deployment.manifest): sent with lease requests where the API needs it (AEP-63), and its services are the ones waited for. A change (the Deployment's SDL changed in place) has the manifest re-sent to the same provider: the workload restarts with the new images on the same lease.",
    ),
    provider: t
      .string(
        'Accept this provider\'s bid, whatever its price (waits for it); otherwise selection decides. Beside it, selection may only set bidTimeoutSeconds: `{ provider: "akash1...", selection: { bidTimeoutSeconds: 600 } }`.',
      )
      .optional()
      .replaceOnChanges(),
    gseq: t
      .integer(
        "Group sequence. Every group of the deployment needs a Lease in the same program: preview fails naming a group without one.",
      )
      .default(1)
      .replaceOnChanges(),
    oseq: t.integer("Order sequence.").default(1).replaceOnChanges(),
    selection: t
      .object(
        bidSelectionType,
        "Bid selection policy when no provider is given (cheapest by default); beside provider, only bidTimeoutSeconds. A change the current lease still satisfies is recorded in place (a log line says the lease was kept); one it no longer satisfies replaces the lease.",
      )
      .optional(),
    waitForServices: t
      .boolean("Wait until every service of the group reports its replicas ready.")
      .default(true),
    serviceTimeoutSeconds: t
      .number(
        "How long to wait for the services; on timeout the lease is kept in state (an init error) and the next `up` waits again.",
      )
      .default(DEFAULT_SERVICE_TIMEOUT_SECONDS),
    certificate: t
      .object(
        certificatePairType,
        "mTLS certificate for APIs that use one (see Certificate); the live API ignores it.",
      )
      .optional()
      .secret(),
  },
  outputs: {
    provider: t.string("The provider running the lease: the one given, or the one selection chose."),
    gseq: t.integer("Group sequence."),
    oseq: t.integer("Order sequence."),
    bseq: t.integer("Bid sequence."),
    owner: t.string("Owner address."),
    state: t.string("Lease state (`active`)."),
    price: t.string("Price per block in micro-denom (see denom)."),
    denom: t.string("Price denomination, e.g. uact."),
    services: t.array(serviceType, "Services sorted by name, URIs sorted."),
    forwardedPorts: t.array(forwardedPortType, "Forwarded ports sorted by service, port."),
    ips: t.array(ipType, "Leased IPs sorted by service, IP, port."),
  },
});

export type LeaseInputs = InputsOf<typeof leaseDescription>;
export type LeaseOutputs = OutputsOf<typeof leaseDescription>;

/** Timing knobs; tests and the benchmark shorten the poll intervals. */
export const leaseTiming = {
  firstPollMs: 100,
  /** Poll cap while bids are expected soon (a lease follows the first bid within ~this)... */
  maxPollMs: 250,
  /** ...and after `patientAfterMs` of waiting, when polling that often would only load the API. */
  slowPollMs: 2000,
  patientAfterMs: 30_000,
  serviceFirstPollMs: 200,
  /** Services are seen ready within ~this of being ready (slowPollMs after patientAfterMs). */
  serviceMaxPollMs: 1000,
  /** A progress line this often while waiting for bids or for the other groups' picks. */
  progressEveryMs: 10_000,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const leaseId = (dseq: string, gseq: number, oseq: number, provider: string) =>
  `${dseq}/${gseq}/${oseq}/${provider}`;

function targetOf(inputs: LeaseInputs): BidTarget {
  return {
    gseq: inputs.gseq ?? 1,
    oseq: inputs.oseq ?? 1,
    ...(inputs.provider ? { provider: inputs.provider } : {}),
  };
}

const groupNames = (groups: { gseq: number; name: string }[]) =>
  `group${groups.length > 1 ? "s" : ""} ${groups.map((g) => `${g.gseq} "${g.name}"`).join(", ")}`;

function bidWindowSeconds(inputs: LeaseInputs): number {
  if (inputs.provider) return 0;
  const s = inputs.selection ?? {};
  return s.bidWindowSeconds ?? (s.strategy === "first" ? 0 : DEFAULT_CHEAPEST_WINDOW_SECONDS);
}

/** Awaits `work`, calling `report` every progressEveryMs meanwhile. */
async function withProgress<T>(work: Promise<T>, report: () => void): Promise<T> {
  const timer = setInterval(report, leaseTiming.progressEveryMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

const activeGseqs = (deployment: Deployment) =>
  deployment.leases.filter((l) => l.state === "active").map((l) => l.id.gseq);

function findLease(deployment: Deployment, gseq: number, oseq: number, provider?: string) {
  return deployment.leases.find(
    (l) =>
      l.id.gseq === gseq &&
      l.id.oseq === oseq &&
      l.state === "active" &&
      (!provider || l.id.provider === provider),
  );
}

function outputsOf(inputs: LeaseInputs, lease: LeaseWithStatus): LeaseOutputs {
  const { provider: _p, gseq: _g, oseq: _o, ...rest } = inputs;
  return {
    ...rest,
    provider: lease.id.provider,
    gseq: lease.id.gseq,
    oseq: lease.id.oseq,
    bseq: lease.id.bseq,
    owner: lease.id.owner,
    state: lease.state,
    price: trimDecimal(lease.price.amount),
    denom: lease.price.denom,
    ...statusOutputs(lease.status),
  };
}

/**
 * What waiting for a bid ends with: a bid to accept, or the news that the order was leased
 * meanwhile (by an earlier run whose lease request landed after it was killed, or its provider
 * plugin that outlived it), which the caller adopts instead of waiting for a bid that never comes.
 */
type BidOutcome = { bid: Bid } | { leasedTo: string };

async function waitForBid(
  ctx: HandlerContext,
  inputs: LeaseInputs,
  unreachable: ReadonlySet<string> = new Set(),
): Promise<BidOutcome> {
  const target = targetOf(inputs);
  const selection = inputs.selection ?? {};
  // Providers the API could not reach in this lease's earlier attempts are out of the running.
  const policy = unreachable.size
    ? { ...selection, deniedProviders: [...(selection.deniedProviders ?? []), ...unreachable] }
    : selection;
  const timeoutS = policy.bidTimeoutSeconds ?? DEFAULT_BID_TIMEOUT_SECONDS;
  const windowS = bidWindowSeconds(inputs);
  const where = `deployment ${inputs.dseq} group ${target.gseq}`;
  const started = Date.now();
  const deadline = started + timeoutS * 1000;
  let nextProgress = started + leaseTiming.progressEveryMs;
  const schedule = {
    firstMs: leaseTiming.firstPollMs,
    maxMs: leaseTiming.maxPollMs,
    patientAfterMs: leaseTiming.patientAfterMs,
    patientMaxMs: leaseTiming.slowPollMs,
  };
  let firstSeenAt: number | undefined;
  let bids: Bid[] = [];
  for (let poll = 0; ; poll++) {
    const listed = await readWhileWaiting(() => ctx.api.listBids(inputs.dseq), deadline);
    if (listed) bids = listed.map((item) => item.bid);
    const forOrder = bids.filter((b) => b.id.gseq === target.gseq && b.id.oseq === target.oseq);
    // An active bid is an accepted one: the order has a lease, and no bid of it is open any more.
    const accepted = forOrder.find((b) => b.state === "active");
    if (accepted) return { leasedTo: accepted.id.provider };
    const pick = selectBid(bids, target, policy);
    const now = Date.now();
    if (pick) {
      if (firstSeenAt === undefined && windowS > 0) {
        const why = policy.bidWindowSeconds === undefined ? "the default for cheapest" : "its setting";
        ctx.log.info(
          `${where}: first acceptable bid seen, collecting bids for ${windowS} s (selection.bidWindowSeconds, ${why})`,
        );
      }
      firstSeenAt ??= now;
      if (now - firstSeenAt >= windowS * 1000 || now >= deadline) {
        ctx.log.info(
          `${where}: ${forOrder.length} bid(s), picked ${pick.id.provider} at ${trimDecimal(pick.price.amount)} ${pick.price.denom}/block`,
        );
        return { bid: pick };
      }
    }
    if (now >= deadline) throw new Error(noBidMessage(inputs, bids, timeoutS));
    if (now >= nextProgress) {
      const waiting = target.provider
        ? `waiting for a bid from ${target.provider}`
        : firstSeenAt === undefined
          ? "waiting for an acceptable bid"
          : `collecting bids, ${Math.ceil((firstSeenAt + windowS * 1000 - now) / 1000)} s of the window left`;
      ctx.log.info(
        `${where}: ${waiting}; ${Math.round((now - started) / 1000)} s gone, ${Math.ceil((deadline - now) / 1000)} s left ` +
          `(selection.bidTimeoutSeconds ${timeoutS}); ${describeBids(bids, target, policy)}`,
      );
      nextProgress = now + leaseTiming.progressEveryMs;
    }
    // Within the bid window only its end matters: polling until then would load the API, not speed the pick.
    const pause =
      firstSeenAt === undefined
        ? nextPollDelay(schedule, poll, now - started)
        : firstSeenAt + windowS * 1000 - now;
    await sleep(Math.max(0, Math.min(pause, deadline - now, nextProgress - now)));
  }
}

/** Why the bid wait ended empty-handed, with advice that `check` accepts. */
function noBidMessage(inputs: LeaseInputs, bids: Bid[], timeoutS: number): string {
  const target = targetOf(inputs);
  const seen = describeBids(bids, target, inputs.selection ?? {});
  const where = `deployment ${inputs.dseq} group ${target.gseq}`;
  if (target.provider) {
    return (
      `${where}: no bid from ${target.provider} within ${timeoutS} s (${seen}). The provider may be offline, full, ` +
      "or not serving this SDL's placement and pricing. To wait longer, set selection.bidTimeoutSeconds (allowed " +
      "beside provider); to take another provider's bid, remove provider (selection.allowedProviders limits who may win)."
    );
  }
  return (
    `${where}: no acceptable bid within ${timeoutS} s (${seen}). ` +
    "Loosen selection, raise the SDL pricing, or raise selection.bidTimeoutSeconds."
  );
}

/**
 * The manifest to send with a lease request: none where the API builds it from the deployment's
 * stored definition (it must: only the API can resolve the deployment's secrets into it).
 */
async function manifestToSend(ctx: HandlerContext, inputs: LeaseInputs): Promise<string | undefined> {
  return (await ctx.api.offerings()).leaseNeedsManifest ? inputs.manifest : undefined;
}

async function sendManifest(ctx: HandlerContext, inputs: LeaseInputs, order: OrderRef) {
  const manifest = await manifestToSend(ctx, inputs);
  return ctx.api.createLease({
    ...(manifest === undefined ? {} : { manifest }),
    ...(inputs.certificate ? { certificate: inputs.certificate } : {}),
    leases: [{ dseq: inputs.dseq, ...order }],
  });
}

/**
 * Waits until the lease's services are ready, unless told not to wait; a timeout keeps the lease
 * in state (init error), never leaks it.
 */
async function awaitServices(
  ctx: HandlerContext,
  inputs: LeaseInputs,
  lease: LeaseWithStatus,
): Promise<LeaseOutputs> {
  if (inputs.waitForServices === false) return outputsOf(inputs, lease);
  const started = Date.now();
  const { gseq, oseq, provider } = lease.id;
  const id = leaseId(inputs.dseq, gseq, oseq, provider);
  const timeoutS = inputs.serviceTimeoutSeconds ?? DEFAULT_SERVICE_TIMEOUT_SECONDS;
  const { leases, ready } = await waitForServices([lease], {
    manifest: inputs.manifest,
    read: async () => {
      const deployment = await ctx.api.getDeployment(inputs.dseq);
      const again = deployment && findLease(deployment, gseq, oseq, provider);
      if (!again) throw new Error(`lease ${id} closed while starting`);
      return [again];
    },
    timeoutMs: timeoutS * 1000,
    schedule: {
      firstMs: leaseTiming.serviceFirstPollMs,
      maxMs: leaseTiming.serviceMaxPollMs,
      patientAfterMs: leaseTiming.patientAfterMs,
      patientMaxMs: leaseTiming.slowPollMs,
    },
  });
  const last = leases[0] ?? lease;
  const outs = outputsOf(inputs, last);
  if (!ready) {
    // Counted by the rule the wait used: the group's services, ready and wanted replicas.
    const expected = manifestGroups(inputs.manifest).find((g) => g.gseq === gseq)?.services ?? [];
    const counts = last.status
      ? serviceReadiness(last.status, expected).map((s) => `${s.service} ${s.ready}/${s.replicas}`)
      : [];
    throw new PartialCreateError(
      `lease ${id}: services not ready after ${timeoutS} s (${counts.join(", ") || "no status yet"}). ` +
        "The lease is kept; the next `pulumi up` waits again. Set serviceTimeoutSeconds or waitForServices: false to change this.",
      id,
      outs,
    );
  }
  ctx.log.info(`lease ${id}: services ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return outs;
}

/** Takes over an active lease of the order, if it is what the inputs ask for. */
function adopt(ctx: HandlerContext, inputs: LeaseInputs, existing: LeaseWithStatus): LeaseWithStatus {
  const target = targetOf(inputs);
  const accepted = { ...existing.id, price: existing.price.amount, denom: existing.price.denom };
  const reason =
    target.provider && target.provider !== existing.id.provider
      ? "not the requested provider"
      : ruledOutBecause(accepted, inputs.selection);
  if (reason) {
    throw new Error(
      `deployment ${inputs.dseq} group ${target.gseq} already has an active lease with ${existing.id.provider} ` +
        `at ${trimDecimal(existing.price.amount)} ${existing.price.denom}/block (${reason}). ` +
        "The managed-wallet API cannot close a single lease: replace the Deployment (pulumi up --replace <deployment urn>) to bid again.",
    );
  }
  ctx.log.info(
    `deployment ${inputs.dseq} group ${target.gseq}: adopting the active lease with ${existing.id.provider}`,
  );
  return existing;
}

/** The lease behind an order's accepted bid, read from the deployment. */
async function leasedMeanwhile(ctx: HandlerContext, inputs: LeaseInputs, provider: string) {
  const target = targetOf(inputs);
  const deployment = await ctx.api.getDeployment(inputs.dseq);
  const lease = deployment && findLease(deployment, target.gseq, target.oseq, provider);
  if (!lease) {
    throw new Error(
      `deployment ${inputs.dseq} group ${target.gseq}: the bid of ${provider} was accepted elsewhere, but its lease is no longer active; ` +
        "run `pulumi refresh`, then `pulumi up` to lease again",
    );
  }
  return lease;
}

function checkCount(value: unknown, name: string, failures: CheckFailure[]) {
  if (value !== undefined && (typeof value !== "number" || !Number.isInteger(value) || value < 1)) {
    failures.push({
      property: name,
      reason: `${name} must be a whole number >= 1 (got ${JSON.stringify(value)})`,
    });
  }
}

function sameJson(a: unknown, b: unknown) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * The order's active lease: one already there (adopted), or the bid the inputs select, accepted
 * together with the other groups' picks. Services may still be starting.
 */
async function acquireLease(ctx: HandlerContext, inputs: LeaseInputs): Promise<LeaseWithStatus> {
  const target = targetOf(inputs);
  const deployment = await ctx.api.getDeployment(inputs.dseq);
  if (!deployment || deployment.deployment.state !== "active") {
    const what = deployment ? "is closed" : "does not exist on the API (a reset server, another account)";
    throw new Error(
      `deployment ${inputs.dseq} ${what}, so its group cannot be leased. Run \`pulumi up --refresh\`: ` +
        "the refresh drops it from state, then the up creates a new deployment and leases it.",
    );
  }
  const existing = findLease(deployment, target.gseq, target.oseq);
  if (existing) return adopt(ctx, inputs, existing);
  const unreachable = new Set<string>();
  for (;;) {
    try {
      return await leaseABid(ctx, inputs, deployment, unreachable);
    } catch (err) {
      const provider = unreachableProvider(err);
      if (provider === undefined) throw err;
      const where = `deployment ${inputs.dseq} group ${target.gseq}`;
      if (target.provider === provider) {
        throw new Error(
          `${where}: the API cannot reach the requested provider ${provider} (502 provider_unreachable; no lease was made). ` +
            "Try again later, or remove provider so that selection may choose another bid.",
          { cause: err },
        );
      }
      // No lease was made: pick again without that provider (when it was another group's pick in
      // the same request, this group's bid stays the pick and goes out with the next request).
      if (!unreachable.has(provider)) {
        unreachable.add(provider);
        ctx.log.warn(
          `${where}: the API cannot reach provider ${provider} (502 provider_unreachable; no lease was made): moving on to the next acceptable bid`,
        );
      }
    }
  }
}

/** The provider of a 502 `provider_unreachable` (no lease was made), else undefined. */
function unreachableProvider(err: unknown): string | undefined {
  if (!(err instanceof AkashApiError) || err.code !== "provider_unreachable") return undefined;
  const provider = (err.data as { provider?: unknown } | undefined)?.provider;
  return typeof provider === "string" ? provider : undefined;
}

/** Waits for an acceptable bid (none of `unreachable`) and leases it with the other groups' picks. */
async function leaseABid(
  ctx: HandlerContext,
  inputs: LeaseInputs,
  deployment: Deployment,
  unreachable: ReadonlySet<string>,
): Promise<LeaseWithStatus> {
  const target = targetOf(inputs);
  const started = Date.now();
  const outcome = await waitForBid(ctx, inputs, unreachable);
  if ("leasedTo" in outcome) return adopt(ctx, inputs, await leasedMeanwhile(ctx, inputs, outcome.leasedTo));
  const { bid } = outcome;
  // Groups of this deployment still without a lease: their Lease resources are picking too.
  const leasedGseqs = new Set(activeGseqs(deployment));
  const partners = manifestGroups(inputs.manifest).filter(
    (g) => g.gseq !== bid.id.gseq && !leasedGseqs.has(g.gseq),
  );
  const where = `deployment ${inputs.dseq} group ${target.gseq}`;
  const partnerDeadline =
    started + (inputs.selection?.bidTimeoutSeconds ?? DEFAULT_BID_TIMEOUT_SECONDS) * 1000;
  const left = () => Math.max(0, Math.ceil((partnerDeadline - Date.now()) / 1000));
  if (partners.length) {
    ctx.log.info(
      `${where}: waiting up to ${left()} s for ${groupNames(partners)} to pick a bid (the API leases all groups in one request)`,
    );
  }
  const leased = await withProgress(
    leaseTogether(
      ctx.api,
      {
        dseq: inputs.dseq,
        manifest: await manifestToSend(ctx, inputs),
        ...(inputs.certificate ? { certificate: inputs.certificate } : {}),
      },
      { gseq: bid.id.gseq, oseq: bid.id.oseq, provider: bid.id.provider },
      partners.length + 1,
      partnerDeadline - Date.now(),
    ),
    () =>
      ctx.log.info(
        `${where}: still waiting for ${groupNames(partners)} to pick a bid, ${left()} s left; each group needs its Lease in this program`,
      ),
  );
  const lease = findLease(leased, bid.id.gseq, bid.id.oseq);
  // The API skips a lease request once the order is leased: a lease that landed between the
  // pick and the request is adopted like one found up front.
  if (lease && lease.id.provider !== bid.id.provider) return adopt(ctx, inputs, lease);
  if (!lease) {
    throw new Error(
      `deployment ${inputs.dseq} group ${bid.id.gseq}: the API did not lease ${bid.id.provider}. It leases all groups of a ` +
        "deployment in one request and skips it once any group has a lease: declare a Lease for every group in the same " +
        "program (or use Workload), then replace the deployment.",
    );
  }
  const missed = partners.filter(
    (g) => !leased.leases.some((l) => l.id.gseq === g.gseq && l.state === "active"),
  );
  if (missed.length) {
    ctx.log.warn(
      `deployment ${inputs.dseq}: ${groupNames(missed)} got no lease (no pick within the bid timeout). The API skips ` +
        "later lease requests of a deployment that has a lease, so they stay unleased: declare a Lease for every group " +
        "in the same program (or use Workload), then replace the deployment (pulumi up --replace <deployment urn>).",
    );
  }
  return lease;
}

/**
 * Starts leasing every group of a deployment just created, on the terms of its Leases (as the
 * program declared them; see lease-head-start.ts): their creates find the work done or under way.
 */
export function startLeaseHeadStarts(
  ctx: HandlerContext,
  deployment: { dseq: string; manifest: string },
  terms: LeaseTerms[],
): void {
  for (const t of terms) {
    const inputs: LeaseInputs = { ...t, ...deployment };
    startHeadStart(inputs, async () => {
      // Terms the Lease's check refuses never lease: that check stops its create.
      const { failures } = await leaseHandlers.check(undefined, inputs);
      if (failures.length) throw new Error(failures.map((f) => f.reason).join("; "));
      return acquireLease(ctx, inputs);
    });
  }
}

export const leaseHandlers: ResourceHandlers<LeaseInputs, LeaseOutputs> = {
  async check(_olds, raw, ctx) {
    const failures: CheckFailure[] = [];
    // dseq and manifest come from a Deployment: unknown during the preview of its creation.
    const news = Object.fromEntries(Object.entries(raw).filter(([, v]) => !isUnknown(v))) as LeaseInputs;
    // A known dseq comes from a saved Deployment: the engine answers a registration only after saving it.
    if (typeof news.dseq === "string" && /^\d+$/.test(news.dseq)) ctx?.seenInState?.(news.dseq);
    if (!isUnknown(raw.dseq) && (typeof news.dseq !== "string" || !/^\d+$/.test(news.dseq))) {
      failures.push({
        property: "dseq",
        reason: 'dseq must be a deployment sequence number such as "1234567" (use deployment.dseq)',
      });
    }
    if (
      !isUnknown(raw.manifest) &&
      (typeof news.manifest !== "string" || !news.manifest.trim().startsWith("["))
    ) {
      failures.push({
        property: "manifest",
        reason: "manifest must be the JSON manifest string of the deployment (use deployment.manifest)",
      });
    }
    if (news.provider !== undefined && !/^akash1[0-9a-z]{38,58}$/.test(news.provider)) {
      failures.push({
        property: "provider",
        reason: `provider must be an akash1... address (got ${JSON.stringify(news.provider)})`,
      });
    }
    // A pinned provider's bid is taken whatever it costs: only the time to wait for it applies.
    const ignored =
      news.provider !== undefined && news.selection && typeof news.selection === "object"
        ? Object.entries(news.selection)
            .filter(([k, v]) => k !== "bidTimeoutSeconds" && v !== undefined)
            .map(([k]) => `selection.${k}`)
        : [];
    if (ignored.length) {
      failures.push({
        property: "selection",
        reason:
          `beside provider, selection may only hold bidTimeoutSeconds (how long to wait for that provider's bid); ` +
          `${ignored.join(", ")} would be ignored: remove them, or remove provider to choose a bid by policy`,
      });
    }
    checkCount(news.gseq, "gseq", failures);
    checkCount(news.oseq, "oseq", failures);
    const s = news.selection;
    if (s) {
      if (s.strategy !== undefined && s.strategy !== "cheapest" && s.strategy !== "first") {
        failures.push({ property: "selection.strategy", reason: 'strategy must be "cheapest" or "first"' });
      }
      for (const key of ["maxPrice", "bidTimeoutSeconds", "bidWindowSeconds"] as const) {
        const v = s[key];
        if (v !== undefined && (typeof v !== "number" || !(v >= 0))) {
          failures.push({ property: `selection.${key}`, reason: `${key} must be a number >= 0` });
        }
      }
      const overlap = (s.allowedProviders ?? []).filter((p) => s.deniedProviders?.includes(p));
      if (overlap.length) {
        failures.push({
          property: "selection",
          reason: `providers both allowed and denied: ${overlap.join(", ")}`,
        });
      }
    }
    if (news.serviceTimeoutSeconds !== undefined && !(news.serviceTimeoutSeconds > 0)) {
      failures.push({ property: "serviceTimeoutSeconds", reason: "serviceTimeoutSeconds must be > 0" });
    }
    return { inputs: raw, failures };
  },

  async diff(_id, olds, news) {
    const replaces: string[] = [];
    // While a preview updates the Deployment, its dseq is unknown; `up` diffs again with the real
    // value, and only a new dseq (a replaced Deployment) replaces the lease.
    if (olds.dseq !== news.dseq && !isUnknown(news.dseq)) replaces.push("dseq");
    if ((news.gseq ?? 1) !== olds.gseq) replaces.push("gseq");
    if ((news.oseq ?? 1) !== olds.oseq) replaces.push("oseq");
    if (news.provider !== undefined && news.provider !== olds.provider) replaces.push("provider");
    if (news.provider === undefined && ruledOutBecause(olds, news.selection) !== undefined) {
      replaces.push("selection");
    }
    const changes =
      replaces.length > 0 ||
      olds.manifest !== news.manifest ||
      !sameJson(olds.selection, news.selection) ||
      olds.waitForServices !== news.waitForServices ||
      olds.serviceTimeoutSeconds !== news.serviceTimeoutSeconds ||
      !sameJson(olds.certificate, news.certificate);
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && olds.dseq === news.dseq };
  },

  async create(ctx, inputs) {
    // The engine registers a resource only after saving the one it depends on: dseq is in state.
    ctx.seenInState?.(inputs.dseq);
    const lease = await leaseFromHeadStart(inputs, () => acquireLease(ctx, inputs));
    const outs = await awaitServices(ctx, inputs, lease);
    return { id: leaseId(inputs.dseq, lease.id.gseq, lease.id.oseq, lease.id.provider), outs };
  },

  async read(ctx, id, props) {
    ctx.seenInState?.(props.dseq);
    const deployment = await ctx.api.getDeployment(props.dseq);
    if (!deployment) await goneFromThisAccount(ctx.api, `lease ${id}`, props.owner);
    if (!deployment || deployment.deployment.state !== "active") return {};
    const lease = findLease(deployment, props.gseq, props.oseq, props.provider);
    if (!lease) return {};
    return { id, props: { ...props, ...outputsOf(props, lease) } };
  },

  async update(ctx, id, olds, news) {
    const deployment = await ctx.api.getDeployment(olds.dseq);
    const lease = deployment && findLease(deployment, olds.gseq, olds.oseq, olds.provider);
    if (!lease)
      throw new Error(
        `lease ${id} is no longer active; run \`pulumi refresh\`, then \`pulumi up\` to lease again`,
      );
    const inputs = { ...news, gseq: olds.gseq, oseq: olds.oseq };
    if (!sameJson(olds.selection, news.selection)) {
      ctx.log.info(
        `lease ${id}: the current lease (${olds.provider} at ${olds.price} ${olds.denom}/block) satisfies the new selection; kept`,
      );
    }
    if (
      olds.waitForServices !== news.waitForServices ||
      olds.serviceTimeoutSeconds !== news.serviceTimeoutSeconds
    ) {
      ctx.log.info(`lease ${id}: new service wait settings recorded; they apply from now on`);
    }
    if (olds.manifest !== news.manifest || !sameJson(olds.certificate, news.certificate)) {
      // The API skips creation for an existing lease and re-sends the manifest to the provider.
      const resent = await sendManifest(ctx, inputs, {
        gseq: olds.gseq,
        oseq: olds.oseq,
        provider: olds.provider,
      });
      ctx.log.info(`lease ${id}: manifest re-sent to ${olds.provider}`);
      return awaitServices(ctx, inputs, findLease(resent, olds.gseq, olds.oseq, olds.provider) ?? lease);
    }
    return outputsOf(inputs, lease);
  },

  async delete(ctx, id, props) {
    const deployment = await ctx.api.getDeployment(props.dseq);
    if (!deployment) await goneFromThisAccount(ctx.api, `lease ${id}`, props.owner);
    if (
      deployment?.deployment.state === "active" &&
      findLease(deployment, props.gseq, props.oseq, props.provider)
    ) {
      ctx.log.info(
        `lease ${id} ends when deployment ${props.dseq} closes (the managed-wallet API has no call to close a single lease)`,
      );
    }
  },
};
