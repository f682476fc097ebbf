// Deployment: an SDL placed on the market with an escrow deposit. Id = dseq.
// - SDL changes update in place while every group's resources stay the same (PATCH guarded by the
//   manifest version where the API has it, PUT otherwise); otherwise the deployment is replaced (the
//   chain cannot change a group's resources). Names, secrets and runtime limits change in place too.
// - Raising `deposit` tops up exactly the difference; lowering it is refused (escrow cannot be
//   withdrawn, only refunded on close).
// - Drift: closed deployments disappear on refresh; an SDL changed elsewhere shows as an `sdl` change;
//   escrow figures refresh freely but only the funding status (against `minEscrowUsd`) counts as drift.
import { createHash, randomUUID } from "node:crypto";
import {
  AkashApiError,
  MAX_DEPLOYMENT_NAME_LENGTH,
  MAX_RUNTIME_LIMIT_HOURS,
  MAX_RUNTIME_LIMIT_INCREMENT_HOURS,
  type CreatedDeployment,
  type DeploymentDetail,
} from "../../sdk";
import { isUnknown } from "../engine-values";
import { objectType, resource, t, type InputsOf, type OutputsOf, type ShapeOf } from "../schema/describe";
import { mayHaveRun, type DeploymentRequest } from "./api";
import { bidSelectionType, ruledOutBecause } from "./bid-selection";
import { depositIgnoredNotice, unsupportedInputs } from "./deployment-offerings";
import { fundingOf, leaseSummaries, outputsOf, SDL_DRIFT_PREFIX } from "./deployment-outputs";
import { stillRunning, type CreationJournal } from "./creation-journal";
import { changedSecrets, resolvedManifestVersion, sealSecrets, secretsProblems } from "./deployment-secrets";
import { extendRuntime, namesMissingNotice, updateInPlace, warnIfDepositIgnored } from "./deployment-update";
import { escrowType } from "./escrow";
import {
  PartialCreateError,
  type CheckFailure,
  type CreateResult,
  type HandlerContext,
  type ResourceHandlers,
} from "./handler";
import { formatUsd, toMicro, usdProblem } from "./money";
import { startLeaseHeadStarts } from "./lease";
import type { LeaseTerms } from "./lease-head-start";
import { goneFromThisAccount } from "./account";
import { processMemory } from "./process-memory";
import { localManifest, parseSdl, requireSdl } from "./sdl";

export { SDL_DRIFT_PREFIX } from "./deployment-outputs";

export const deploymentGroupType = objectType("DeploymentGroup", "A placement group of the SDL.", {
  gseq: t.integer("Group sequence number (lease it with Lease.gseq)."),
  name: t.string("Placement name."),
  services: t.array("string", "Services of the group, sorted."),
});

export const leaseSummaryType = objectType("LeaseSummary", "A lease of the deployment as the API lists it.", {
  gseq: t.integer("Group sequence."),
  oseq: t.integer("Order sequence."),
  provider: t.string("Provider address."),
  state: t.string("active | insufficient_funds | closed."),
  price: t.string("Price per block, micro-denom."),
  denom: t.string("Price denomination."),
});

export const deploymentDescription = resource({
  name: "Deployment",
  description:
    "An Akash deployment created from an SDL with an escrow deposit in US dollars; the id is its deployment sequence number (dseq). SDL changes update in place while every group's resources stay the same (PATCH guarded by the manifest version where the API has it, PUT otherwise), otherwise they replace it; name, secrets and a raised runtime limit change in place. Raising deposit tops up exactly the difference; lowering it is refused; an API with automatic funding ignores it (said once). Refresh drops a closed deployment (closed by hand, out of funds or at its runtime limit) and shows a definition or secrets changed elsewhere as an sdl change and a name changed elsewhere as a name change. Delete closes it (the remaining escrow is refunded).",
  inputs: {
    sdl: t.string(
      'The SDL (YAML) as a string. Validated with `@akashnetwork/chain-sdk` at check, so `pulumi preview` fails on a bad SDL and names the problem (`Invalid SDL: "units" at "/profiles/compute/web/resources/cpu" must be greater than 0.`). A change is applied in place while every group\'s resources, counts, pricing and placement stay the same; otherwise it replaces the deployment. After a refresh that found the on-chain manifest changed elsewhere, the output is a comment saying so.',
    ),
    deposit: t
      .number(
        "Escrow deposit in US dollars: the total this resource puts in escrow. Raising it tops up exactly the difference; it cannot go down (escrow is refunded only when the deployment closes). Omit it to let the API choose; an API with automatic top-ups may ignore it (a warning says so).",
      )
      .optional(),
    name: t
      .string(
        "The deployment's name as the Console shows it (1 to 256 characters), renamed in place. Omit it to let the API choose (the SDL's service names joined with `+`). An API without names (AEP-63) keeps it in state only, and says so once.",
      )
      .optional(),
    runtimeLimitHours: t
      .integer(
        "Hours the deployment may run, counted from its first lease start (1 to 8760); then the API closes it and refunds the rest. Raised in place (the API extends a limit by at most 48 hours per request; more is done in steps); it cannot be lowered or removed (preview fails, as for deposit). Needs an API with runtime limits (the live Console since 2026-09): preview fails on one without.",
      )
      .optional(),
    minRuntimeLeftHours: t
      .number(
        "Optional policy (hours): with less runtime than this left before the runtime limit ends, refresh and preview report the deployment as drifted (runtimeStatus ending) and `up` says to raise runtimeLimitHours.",
      )
      .optional(),
    secrets: t
      .map(
        "string",
        "Secret values by name, referenced in the SDL as `ac-secret://NAME` (an env entry `NAME=ac-secret://NAME`). Sealed on this machine to the API's key (a JWE only the API can open): never sent, logged or stored in plain text (encrypted in state). Changing a value updates the deployment in place. Every reference needs a value and every value a reference (preview names which). Needs an API with sealed secrets (the live Console since 2026-09).",
      )
      .optional()
      .secret(),
    minEscrowUsd: t
      .number(
        "Optional funding policy (USD): with less escrow than this, refresh and preview report the deployment as drifted (fundingStatus underfunded) and `up` says how much to raise deposit by. Changing it is recorded in place.",
      )
      .optional(),
    selection: t
      .object(
        bidSelectionType,
        "The bid policy of its leases (give the Leases the same, as Workload does). A change that rules out a current lease (its provider denied or not allowed, its price above maxPrice) replaces the deployment, since the API cannot move a lease; its Leases then bid again on the new dseq. A change the current leases still satisfy is recorded in place.",
      )
      .optional()
      .replaceOnChanges(),
  },
  internalInputs: {
    creationKey: t
      .string(
        "Set by the resource class (stack identity/resource name), or by the plugin provider (its stack scope/resource name): makes create retries and re-runs reuse one Idempotency-Key.",
      )
      .optional(),
    leaseTerms: t
      .string(
        "Set by the resource class: the terms (gseq, oseq, provider, selection) of the program's Leases of this deployment, as JSON, so create starts leasing at once (lease-head-start.ts).",
      )
      .optional(),
  },
  outputs: {
    dseq: t.string("Deployment sequence number (the resource id)."),
    owner: t.string("Owner address (the managed wallet)."),
    state: t.string("Deployment state (`active`)."),
    manifest: t.string("Manifest JSON: pass it to Lease.manifest."),
    manifestHash: t.string("On-chain manifest version (base64)."),
    resourcesFingerprint: t.string(
      "sha256 of every group's resources, counts, pricing and placement: a change means replacement.",
    ),
    groups: t.array(
      deploymentGroupType,
      "Placement groups in gseq order: each needs its Lease in the same program (preview fails naming a group without one).",
    ),
    escrow: t.object(
      escrowType,
      "Escrow figures: `balance` is what is left, `deposited` everything ever put in, `fundedUntilHeight` the block at which escrow runs dry at current lease prices. Refreshed on every read; never drift.",
    ),
    fundingStatus: t.oneOf(
      ["funded", "underfunded"],
      "`funded`, or `underfunded` when the balance is below minEscrowUsd (reported as drift).",
    ),
    leases: t.array(leaseSummaryType, "The deployment's leases, sorted by gseq, oseq, provider."),
    manifestVersion: t.string(
      "The API's version of the deployment's definition, secrets resolved (base64): an update in place expects it (PATCH ifManifestVersion), and a change made outside Pulumi moves it.",
    ),
    funding: t.oneOf(
      ["deposit", "automatic"],
      "How the API funds the deployment: `deposit` (escrow is what deposit puts in; AEP-63) or `automatic` (from the account credit, deposit ignored; the live Console since 2026-09).",
    ),
    runtimeEndsAt: t
      .string(
        "When the runtime limit ends (RFC 3339), once a lease has started the clock; absent without a limit.",
      )
      .optional(),
    runtimeStatus: t.oneOf(
      ["unlimited", "running", "ending"],
      "`unlimited` without runtimeLimitHours, `running`, or `ending` when less than minRuntimeLeftHours is left (reported as drift).",
    ),
  },
});

export type DeploymentInputs = InputsOf<typeof deploymentDescription>;
export type DeploymentOutputs = OutputsOf<typeof deploymentDescription>;
export type LeaseSummary = ShapeOf<typeof leaseSummaryType>;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The API answers 422 to a creation key used before with another body: sealed secrets differ per seal. */
const keyReusedElsewhere = (err: unknown) =>
  err instanceof AkashApiError && err.status === 422 && err.code === "idempotency_key_reused";

/** How long a lost create's recovery waits for another stack's create of the same SDL on this machine. */
const TWIN_SETTLE_MS = 20_000;
/** The live API's dseq is its clock in ms at creation; ours may be off by this much. */
const CLOCK_SKEW_MS = 60_000;

/** Why a look-alike deployment is, or may be, not this create's. */
interface LookAlike {
  dseq: string;
  why?: string;
  /** The reason is a doubt, not a fact: it may still be this create's. */
  doubt?: true;
}

/**
 * Active deployments with this SDL and secrets (same resolved manifest version) that are in no state
 * this process saw, made since the request was sent (or, after a 422, at any time), each with the
 * reason it is not this create's where one is known: another stack on this machine made it or may be
 * making it, or it has a lease (a create that just failed has none). Not bounded above: the API's clock
 * (a simulated one on the reference API) may run ahead of this machine's.
 */
async function lookAlikes(
  ctx: HandlerContext,
  hash: string,
  window: { sentAt: number } | undefined,
  scope: string | undefined,
): Promise<LookAlike[]> {
  const listed = (await ctx.api.listDeployments().catch(() => [])).filter(
    (d) =>
      d.deployment.hash === hash &&
      !processMemory.deploymentsInState.has(d.deployment.id.dseq) &&
      (!window || Number(d.deployment.id.dseq) >= window.sentAt - CLOCK_SKEW_MS),
  );
  if (!listed.length) return [];
  const others = async () => {
    const deadline = Date.now() + TWIN_SETTLE_MS;
    for (;;) {
      const creates = (ctx.machineCreates?.list() ?? []).filter((c) => c.scope !== scope && c.hash === hash);
      const pending = creates.filter((c) => c.dseq === undefined && stillRunning(c.pid));
      if (!pending.length || Date.now() >= deadline) return { creates, pending };
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  const { creates, pending } = await others();
  const madeElsewhere = new Set(creates.flatMap((c) => (c.dseq ? [c.dseq] : [])));
  return listed.map(({ deployment, leases }) => {
    const dseq = deployment.id.dseq;
    if (madeElsewhere.has(dseq)) return { dseq, why: "made by another stack on this machine" };
    // A create that just failed has no lease yet (an interrupted run's, found after a 422, may have).
    if (window && leases.length) return { dseq, why: `already leased to ${leases[0]!.id.provider}` };
    if (pending.length) {
      const why = "may be another stack's: a create of the same SDL on this machine has not finished";
      return { dseq, why, doubt: true };
    }
    return { dseq };
  });
}

/**
 * Creates the deployment. When the request fails in a way that it may still have run, finds out
 * what it made, adopting only what is provably this create's:
 * - a server that replays answers by Idempotency-Key (the reference API) is asked again with the
 *   same key, which gives this create's deployment and nobody else's; never a look-alike;
 * - an API that ignores the key (the live Console) has only look-alikes: an active deployment with
 *   the same resolved manifest version made since the request was sent (its dseq is the creation
 *   time in ms), not in state, not leased and not made by another stack on this machine. Exactly
 *   one is adopted; any doubt fails, naming each candidate and what is known of it.
 * A 422 for a key used before with another seal of the same secrets (an interrupted run on another
 * machine) looks for that run's deployment the same way; none means the key's deployment is gone,
 * and the next key is used.
 */
async function createOrRecover(
  ctx: HandlerContext,
  inputs: DeploymentInputs,
  request: DeploymentRequest,
  key: string,
  scope: string | undefined,
): Promise<CreatedDeployment | "key used"> {
  const sentAt = Date.now();
  const replays = ctx.api.replaysIdempotencyKey;
  const hash = replays ? undefined : await resolvedManifestVersion(inputs.sdl, inputs.secrets);
  const inFlight = hash && scope ? ctx.machineCreates?.begin(scope, hash) : undefined;
  let err: unknown;
  try {
    const created = await ctx.api.createDeployment(request, key);
    inFlight?.made(created.dseq);
    return created;
  } catch (failure) {
    err = failure;
  }
  const reused = keyReusedElsewhere(err);
  if (!reused && !mayHaveRun(err)) {
    inFlight?.abandon();
    throw err;
  }
  const message = (err as Error).message;
  if (replays && !reused) {
    // The server keeps what the key made: ask again, as the client's retries did.
    for (const pauseMs of [1_000, 3_000]) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      try {
        return await ctx.api.createDeployment(request, key);
      } catch (again) {
        if (!mayHaveRun(again)) throw again;
      }
    }
    throw new Error(
      `creating the deployment failed (${message}); the API may still have made it. Nothing was adopted: ` +
        "run `pulumi up` again when the API answers: it asks with the same Idempotency-Key and gets that " +
        "deployment, or makes it once",
      { cause: err },
    );
  }
  const version = hash ?? (await resolvedManifestVersion(inputs.sdl, inputs.secrets));
  const found = await lookAlikes(ctx, version, reused ? undefined : { sentAt }, scope);
  const mine = found.filter((c) => c.why === undefined);
  const doubtful = found.some((c) => c.doubt);
  if (mine.length === 1 && !doubtful) {
    const dseq = mine[0]!.dseq;
    inFlight?.made(dseq);
    const others = found.filter((c) => c.why).map((c) => `${c.dseq}: ${c.why}`);
    ctx.log.warn(
      `creating the deployment failed (${message}) but deployment ${dseq} with this SDL appeared meanwhile ` +
        `(not leased, made by no other stack on this machine${others.length ? `; not ${others.join(", ")}` : ""}); adopting it`,
    );
    return { dseq, manifest: localManifest(inputs.sdl) };
  }
  if (mine.length === 0 && !doubtful) {
    if (reused) return "key used";
    inFlight?.abandon();
    throw err;
  }
  const listing = found
    .map((c) => `${c.dseq} (${c.why ?? "made since this request was sent: possibly this stack's"})`)
    .join(", ");
  const cause = reused
    ? "The Idempotency-Key was used before with another seal of these secrets (a run interrupted on another machine), so what it made"
    : "The API ignores Idempotency-Key, so what it made";
  throw new Error(
    `creating the deployment failed (${message}). ${cause} can only be recognised by its SDL and secrets, ` +
      `and here it cannot be told apart: ${found.length} active deployment(s) with this SDL and secrets are ` +
      `in no state this run saw: ${listing}. Nothing was adopted. Check each in the Console ` +
      "(or `GET /v1/deployments`): close one this stack made, or import it (`pulumi import " +
      "akash:index:Deployment <name> <dseq>`), then run `pulumi up` again",
    { cause: err },
  );
}

/**
 * The sealed secrets to send with `key`: those an earlier run on this machine sent with it for the
 * same resolved manifest `version` (a re-run after a kill: the same body, which the API replays),
 * else `fresh`, recorded before it is sent.
 */
function sameSealAsBefore(journal: CreationJournal, key: string, version: string, fresh: string): string {
  const sent = journal.sealedSent(key, version);
  if (sent) return sent;
  journal.recordSealed(key, version, fresh);
  return fresh;
}

/**
 * Whether a run killed during this resource's replacement (`pulumi up --replace`, after the API made
 * the new deployment and before the engine saved it) left that deployment active: then this update
 * completes the replacement, whose create adopts it (same creation key chain), instead of leaving it
 * to bill unmanaged. Only the journal of this machine knows.
 */
async function interruptedReplacement(
  ctx: HandlerContext,
  id: string,
  news: DeploymentInputs,
): Promise<boolean> {
  const scope = news.creationKey?.split("/")[0];
  const journal = scope && !isUnknown(news.sdl) ? ctx.journal?.(scope) : undefined;
  if (!journal) return false;
  for (const dseq of journal.unsavedOf(creationIdempotencyKey(news))) {
    if (dseq === id) continue;
    const left = await ctx.api.getDeployment(dseq).catch(() => undefined);
    if (left?.deployment.state !== "active") continue;
    ctx.log.warn(
      `deployment ${dseq} was made to replace deployment ${id} by a run that was interrupted before the ` +
        "engine saved it; this update completes that replacement (it takes over the new deployment, then closes the old)",
    );
    return true;
  }
  return false;
}

/** The engine showed deployment `dseq` in state: no longer a create's unsaved result (creation-journal.ts). */
function seenInState(ctx: HandlerContext | undefined, dseq: string): void {
  processMemory.deploymentsInState.add(dseq);
  ctx?.seenInState?.(dseq);
}

function creationIdempotencyKey(inputs: DeploymentInputs): string {
  const scope = inputs.creationKey ?? randomUUID();
  return `pulumi-akash-deployment-${sha256(`${scope}\n${inputs.sdl}\n${inputs.deposit ?? ""}`).slice(0, 40)}`;
}

/** The key after `key` replayed deployment `dseq` (closed, or the one being replaced). */
const nextGenerationKey = (key: string, dseq: string) =>
  `pulumi-akash-deployment-${sha256(`${key}\nafter ${dseq}`).slice(0, 40)}`;

const MAX_KEY_GENERATIONS = 100;

/** What POST /v1/deployments gets: the inputs the API offers, a runtime limit within one request's reach. */
async function creationRequest(ctx: HandlerContext, inputs: DeploymentInputs): Promise<DeploymentRequest> {
  const offerings = await ctx.api.offerings();
  const unsupported = unsupportedInputs(inputs, offerings, ctx.api.baseUrl);
  if (unsupported.length) throw new Error(unsupported.map((f) => f.reason).join(" "));
  const secrets = inputs.secrets ?? {};
  return {
    sdl: inputs.sdl,
    ...(inputs.deposit === undefined ? {} : { depositUsd: inputs.deposit }),
    ...(inputs.name !== undefined && offerings.createFields.has("name") ? { name: inputs.name } : {}),
    ...(inputs.runtimeLimitHours === undefined
      ? {}
      : { runtimeLimitHours: Math.min(inputs.runtimeLimitHours, MAX_RUNTIME_LIMIT_INCREMENT_HOURS) }),
    ...(Object.keys(secrets).length
      ? { sealedSecrets: await sealSecrets(ctx.api, secrets, inputs.sdl) }
      : {}),
  };
}

async function finishCreate(
  ctx: HandlerContext,
  inputs: DeploymentInputs,
  deployment: DeploymentDetail,
  request: DeploymentRequest,
  manifest: string,
  parsed: ReturnType<typeof requireSdl>,
): Promise<CreateResult<DeploymentOutputs>> {
  const dseq = deployment.deployment.id.dseq;
  const fundingConfig = await ctx.api.fundingConfig();
  if (inputs.runtimeLimitHours !== undefined && inputs.runtimeLimitHours > (request.runtimeLimitHours ?? 0)) {
    await extendRuntime(ctx, dseq, request.runtimeLimitHours, inputs.runtimeLimitHours);
    deployment = (await ctx.api.getDeployment(dseq)) ?? deployment;
  }
  const outs = outputsOf(
    inputs,
    deployment,
    manifest,
    parsed.groups,
    parsed.resourcesFingerprint,
    fundingConfig ? "automatic" : "deposit",
  );
  if (inputs.deposit !== undefined && fundingConfig) {
    ctx.log.warn(depositIgnoredNotice(dseq, inputs.deposit, fundingConfig));
  } else if (inputs.deposit !== undefined) {
    warnIfDepositIgnored(ctx, dseq, toMicro(inputs.deposit), BigInt(outs.escrow.deposited));
  }
  if (inputs.name !== undefined && request.name === undefined)
    ctx.log.warn(namesMissingNotice(dseq, ctx.api.baseUrl));
  ctx.log.info(
    `deployment ${dseq} created (${parsed.groups.length} group(s), escrow ${formatUsd(BigInt(outs.escrow.balance))})`,
  );
  return { id: dseq, outs };
}

/** Problems of the inputs alone (no API call): the SDL, amounts, the runtime limit and the secrets. */
function inputProblems(olds: Partial<DeploymentInputs> | undefined, news: DeploymentInputs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const parsed = parseSdl(news.sdl);
  if (!parsed.ok) failures.push({ property: "sdl", reason: `Invalid SDL: ${parsed.errors.join("; ")}` });
  for (const name of ["deposit", "minEscrowUsd"] as const) {
    const problem = isUnknown(news[name]) ? undefined : usdProblem(news[name], name);
    if (problem) failures.push({ property: name, reason: problem });
  }
  if (
    !isUnknown(news.name) &&
    news.name !== undefined &&
    (typeof news.name !== "string" || news.name.length < 1 || news.name.length > MAX_DEPLOYMENT_NAME_LENGTH)
  ) {
    failures.push({
      property: "name",
      reason: `name must be 1 to ${MAX_DEPLOYMENT_NAME_LENGTH} characters long`,
    });
  }
  const limit = news.runtimeLimitHours;
  if (
    !isUnknown(limit) &&
    limit !== undefined &&
    (!Number.isInteger(limit) || limit < 1 || limit > MAX_RUNTIME_LIMIT_HOURS)
  ) {
    failures.push({
      property: "runtimeLimitHours",
      reason: `runtimeLimitHours must be a whole number of hours from 1 to ${MAX_RUNTIME_LIMIT_HOURS} (got ${JSON.stringify(limit)})`,
    });
  }
  const left = news.minRuntimeLeftHours;
  if (!isUnknown(left) && left !== undefined && (typeof left !== "number" || !(left > 0))) {
    failures.push({
      property: "minRuntimeLeftHours",
      reason: `minRuntimeLeftHours must be a positive number of hours (got ${JSON.stringify(left)})`,
    });
  }
  if (parsed.ok && !isUnknown(news.secrets)) {
    for (const reason of secretsProblems(news.sdl, news.secrets))
      failures.push({ property: "secrets", reason });
  }
  if (parsed.ok && olds?.sdl !== undefined) {
    const old = parseSdl(olds.sdl);
    const replacing = old.ok && old.value.resourcesFingerprint !== parsed.value.resourcesFingerprint;
    if (
      !replacing &&
      !failures.some((f) => f.property === "deposit") &&
      toMicro(news.deposit) < toMicro(olds.deposit)
    ) {
      failures.push({
        property: "deposit",
        reason:
          `deposit cannot go down from ${formatUsd(toMicro(olds.deposit))} to ${formatUsd(toMicro(news.deposit))}: ` +
          "escrow cannot be withdrawn, only refunded when the deployment closes. Keep the old value, or " +
          "replace the deployment (pulumi up --replace <urn>) to start over with a smaller deposit.",
      });
    }
    const before = olds.runtimeLimitHours;
    if (!replacing && before !== undefined && !isUnknown(limit) && (limit === undefined || limit < before)) {
      failures.push({
        property: "runtimeLimitHours",
        reason:
          `runtimeLimitHours cannot ${limit === undefined ? "be removed" : `go down from ${before} to ${limit}`}: ` +
          "the API only extends a runtime limit. Keep it at least " +
          `${before}, close the deployment sooner with pulumi destroy, or replace it (pulumi up --replace <urn>).`,
      });
    }
  }
  return failures;
}

export const deploymentHandlers: ResourceHandlers<DeploymentInputs, DeploymentOutputs> = {
  async check(olds, news, ctx) {
    // Values computed by other resources are unknown during preview; they are checked at update time.
    if (isUnknown(news.sdl)) return { inputs: news, failures: [] };
    const failures = inputProblems(olds, news);
    // Where the API can be asked, what it cannot honour fails here, before anything is created.
    const offerings = await ctx?.api.offeringsIfReachable();
    if (ctx && offerings) {
      // Only inputs that are well-formed are weighed against the API: a deposit that is not a number
      // already has its failure, and comparing it with the API's minimum would throw instead.
      const usable = (name: string, value: unknown) =>
        !isUnknown(value) && !failures.some((f) => f.property === name);
      const asked = {
        ...(usable("deposit", news.deposit) ? { deposit: news.deposit } : {}),
        ...(usable("runtimeLimitHours", news.runtimeLimitHours)
          ? { runtimeLimitHours: news.runtimeLimitHours }
          : {}),
        ...(usable("secrets", news.secrets) ? { secrets: news.secrets } : {}),
      };
      for (const failure of unsupportedInputs(asked, offerings, ctx.api.baseUrl)) {
        if (!failures.some((f) => f.property === failure.property)) failures.push(failure);
      }
    }
    return { inputs: news, failures };
  },

  async diff(id, olds, news, ctx) {
    seenInState(ctx, id);
    const parsed = parseSdl(news.sdl);
    const replaces =
      parsed.ok &&
      olds.resourcesFingerprint &&
      parsed.value.resourcesFingerprint !== olds.resourcesFingerprint
        ? ["sdl"]
        : [];
    if (!replaces.length && ctx && (await interruptedReplacement(ctx, id, news))) replaces.push("id");
    const selectionChanged =
      JSON.stringify(olds.selection ?? null) !== JSON.stringify(news.selection ?? null);
    // Leases are created after the deployment, so recorded outputs may not list them: ask the API.
    const live = selectionChanged && ctx ? await ctx.api.getDeployment(id) : undefined;
    const leases = live ? leaseSummaries(live) : (olds.leases ?? []);
    const ruledOut = leases.filter(
      (l) => l.state === "active" && ruledOutBecause(l, news.selection) !== undefined,
    );
    if (selectionChanged && ruledOut.length && !isUnknown(news.selection)) replaces.push("selection");
    // name and runtimeLimitHours count only where the program sets them (the API picks a name otherwise).
    const changes =
      replaces.length > 0 ||
      selectionChanged ||
      olds.sdl !== news.sdl ||
      toMicro(olds.deposit) !== toMicro(news.deposit) ||
      olds.minEscrowUsd !== news.minEscrowUsd ||
      (news.name !== undefined && news.name !== olds.name) ||
      (news.runtimeLimitHours !== undefined && news.runtimeLimitHours !== olds.runtimeLimitHours) ||
      olds.minRuntimeLeftHours !== news.minRuntimeLeftHours ||
      changedSecrets(olds.secrets, news.secrets).length > 0 ||
      Object.keys(olds.secrets ?? {}).length !== Object.keys(news.secrets ?? {}).length ||
      olds.fundingStatus === "underfunded" ||
      olds.runtimeStatus === "ending";
    return { changes, replaces };
  },

  async create(ctx, inputs) {
    const parsed = requireSdl(inputs.sdl);
    const request = await creationRequest(ctx, inputs);
    const partial = (dseq: string, manifest: string, message: string) =>
      new PartialCreateError(message, dseq, {
        ...inputs,
        dseq,
        manifest,
        resourcesFingerprint: parsed.resourcesFingerprint,
      });
    const scope = inputs.creationKey?.split("/")[0];
    const journal = scope ? ctx.journal?.(scope) : undefined;
    const sealedVersion =
      request.sealedSecrets && journal
        ? await resolvedManifestVersion(inputs.sdl, inputs.secrets)
        : undefined;
    const rootKey = creationIdempotencyKey(inputs);
    let key = rootKey;
    for (let generation = 0; ; generation++) {
      if (request.sealedSecrets && journal && sealedVersion) {
        request.sealedSecrets = sameSealAsBefore(journal, key, sealedVersion, request.sealedSecrets);
      }
      const created = await createOrRecover(ctx, inputs, request, key, scope);
      let deployment: DeploymentDetail | undefined;
      if (created !== "key used") {
        try {
          deployment = await ctx.api.getDeployment(created.dseq);
        } catch (err) {
          // It exists: keep it in state (init error) so the next up or destroy handles it, never leak it.
          throw partial(
            created.dseq,
            created.manifest,
            `deployment ${created.dseq} was created but could not be read back (${(err as Error).message}); ` +
              "the next `pulumi up` or `pulumi destroy` picks it up",
          );
        }
        if (!deployment) {
          throw partial(
            created.dseq,
            created.manifest,
            `deployment ${created.dseq} was created but the API does not find it; run \`pulumi refresh\` then \`pulumi up\``,
          );
        }
        // An active deployment the engine never saved is this resource's: just made, or made by a
        // run that was killed before the engine saved its answer (the key replayed it). A closed one
        // (a destroy, then an up within the key's lifetime) or one the engine saved (the one this
        // create replaces) is an earlier use of the key: the next key in its chain asks for a new
        // deployment, and a re-run of this create walks the same chain to the same answer.
        const earlier =
          processMemory.deploymentsInState.has(created.dseq) || journal?.earlierLife(created.dseq) === true;
        if (deployment.deployment.state === "active" && !earlier) {
          let result: CreateResult<DeploymentOutputs>;
          try {
            result = await finishCreate(ctx, inputs, deployment, request, created.manifest, parsed);
          } catch (err) {
            throw partial(
              created.dseq,
              created.manifest,
              `deployment ${created.dseq}: ${(err as Error).message}`,
            );
          }
          if (journal?.unsavedOf(rootKey).includes(created.dseq)) {
            ctx.log.warn(
              `deployment ${created.dseq} was made for this resource by a run that was interrupted before the engine saved it; adopting it ` +
                "(afterwards `pulumi refresh --yes --clear-pending-creates` clears the engine's warning about that interrupted create)",
            );
          }
          journal?.record(created.dseq, rootKey);
          processMemory.deploymentsCreated.add(created.dseq);
          if (inputs.leaseTerms) {
            const terms = JSON.parse(inputs.leaseTerms) as LeaseTerms[];
            startLeaseHeadStarts(ctx, { dseq: created.dseq, manifest: result.outs.manifest }, terms);
          }
          return result;
        }
      }
      if (generation >= MAX_KEY_GENERATIONS) {
        throw new Error(
          `creating deployment: ${MAX_KEY_GENERATIONS} earlier deployments of this resource were made ` +
            "within the API's Idempotency-Key lifetime (24 hours); wait, or rename the resource",
        );
      }
      key = nextGenerationKey(key, created === "key used" ? "unknown" : created.dseq);
      if (created === "key used")
        request.sealedSecrets &&= await sealSecrets(ctx.api, inputs.secrets ?? {}, inputs.sdl);
    }
  },

  async read(ctx, id, props) {
    seenInState(ctx, id);
    const deployment = await ctx.api.getDeployment(id);
    if (!deployment) {
      await goneFromThisAccount(ctx.api, `deployment ${id}`, props.owner);
      return {};
    }
    if (deployment.deployment.state !== "active") return {};
    const groups = props.groups?.map((g) => ({ ...g, fingerprint: "" })) ?? [];
    // Recorded inputs stand for what the API cannot say (secrets) or did not say (a name it lacks).
    const outs = outputsOf(
      props,
      deployment,
      props.manifest,
      groups,
      props.resourcesFingerprint,
      await fundingOf(ctx),
    );
    const recorded = props.manifestVersion ?? props.manifestHash;
    if (recorded && outs.manifestVersion !== recorded) {
      outs.sdl =
        `${SDL_DRIFT_PREFIX}: its definition or secrets changed (manifest version ${recorded} is now ` +
        `${outs.manifestVersion}; on-chain hash ${deployment.deployment.hash}).\n`;
    }
    return { id, props: outs };
  },

  update: updateInPlace,

  async delete(ctx, id, props) {
    if (ctx.journal && processMemory.deploymentsCreated.has(id)) {
      ctx.log.warn(
        `deployment ${id} is also the replacement's (the API replayed it for the resource's creation key); not closing it`,
      );
      return;
    }
    const current = await ctx.api.getDeployment(id);
    if (!current) {
      await goneFromThisAccount(ctx.api, `deployment ${id}`, props.owner);
      ctx.log.info(`deployment ${id} no longer exists on the API; nothing to close`);
      return;
    }
    if (current.deployment.state !== "active") {
      ctx.log.info(
        `deployment ${id} was already closed; nothing to close (its escrow was returned when it closed)`,
      );
      return;
    }
    await ctx.api.closeDeployment(id);
    ctx.log.info(`deployment ${id} closed; the rest of its escrow is refunded`);
  },
};
