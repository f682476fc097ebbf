// Deployment: an SDL placed on the market with an escrow deposit. Id = dseq.
// - SDL changes update in place (PUT) while every group's resources stay the same; otherwise the
//   deployment is replaced (the chain cannot change a group's resources).
// - Raising `deposit` tops up exactly the difference; lowering it is refused (escrow cannot be
//   withdrawn, only refunded on close).
// - Drift: closed deployments disappear on refresh; an SDL changed elsewhere shows as an `sdl` change;
//   escrow figures refresh freely but only the funding status (against `minEscrowUsd`) counts as drift.
import { createHash, randomUUID } from "node:crypto";
import { generateManifest, generateManifestVersion, manifestToSortedJSON } from "@akashnetwork/chain-sdk";
import { parse as parseYaml } from "yaml";
import type { CreatedDeployment, Deployment } from "../../sdk";
import { isUnknown } from "../engine-values";
import { objectType, resource, t, type InputsOf, type OutputsOf, type ShapeOf } from "../schema/describe";
import { mayHaveRun } from "./api";
import { bidSelectionType, ruledOutBecause } from "./bid-selection";
import { escrowOutputs, escrowType, trimDecimal, type EscrowOutputs } from "./escrow";
import {
  PartialCreateError,
  type CheckFailure,
  type CreateResult,
  type HandlerContext,
  type ResourceHandlers,
} from "./handler";
import { formatUsd, toMicro, toUsdNumber, usdProblem } from "./money";
import { startLeaseHeadStarts } from "./lease";
import type { LeaseTerms } from "./lease-head-start";
import { processMemory } from "./process-memory";
import { parseSdl, requireSdl, type SdlGroup } from "./sdl";

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
    "An Akash deployment created from an SDL with an escrow deposit in US dollars; the id is its deployment sequence number (dseq). SDL changes update in place (PUT) while every group's resources stay the same, otherwise they replace it. Raising deposit tops up exactly the difference; lowering it is refused. Refresh drops a closed deployment and shows an SDL changed elsewhere as an sdl change. Delete closes it (the remaining escrow is refunded).",
  inputs: {
    sdl: t.string(
      'The SDL (YAML) as a string. Validated with `@akashnetwork/chain-sdk` at check, so `pulumi preview` fails on a bad SDL and names the problem (`Invalid SDL: "units" at "/profiles/compute/web/resources/cpu" must be greater than 0.`). A change is applied in place while every group\'s resources, counts, pricing and placement stay the same; otherwise it replaces the deployment. After a refresh that found the on-chain manifest changed elsewhere, the output is a comment saying so.',
    ),
    deposit: t
      .number(
        "Escrow deposit in US dollars: the total this resource puts in escrow. Raising it tops up exactly the difference; it cannot go down (escrow is refunded only when the deployment closes). Omit it to let the API choose; an API with automatic top-ups may ignore it (a warning says so).",
      )
      .optional(),
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
        "Set by the resource class (stack identity/resource name): makes create retries and re-runs reuse one Idempotency-Key.",
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
  },
});

export type DeploymentInputs = InputsOf<typeof deploymentDescription>;
export type DeploymentOutputs = OutputsOf<typeof deploymentDescription>;
export type LeaseSummary = ShapeOf<typeof leaseSummaryType>;

/** What `sdl` becomes in refreshed state when the on-chain manifest no longer matches it. */
export const SDL_DRIFT_PREFIX = "# SDL changed outside Pulumi";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Creates the deployment; when the request fails in a way that it may still have run (the live API
 * ignores Idempotency-Key, so the client cannot retry it blindly), looks for the deployment it would
 * have made: same manifest version, created after the request was sent (the live API's dseq is the
 * creation time in ms), not in state. Exactly one such deployment is adopted instead of leaked.
 */
async function createOrRecover(
  ctx: HandlerContext,
  inputs: DeploymentInputs,
  key: string,
): Promise<CreatedDeployment> {
  const sentAt = Date.now();
  try {
    return await ctx.api.createDeployment(inputs.sdl, inputs.deposit, key);
  } catch (err) {
    if (!mayHaveRun(err)) throw err;
    const groups = manifestGroups(inputs.sdl);
    const hash = Buffer.from(await generateManifestVersion(groups)).toString("base64");
    const clockSkewMs = 60_000;
    const candidates = (await ctx.api.listDeployments().catch(() => [])).filter(
      (d) =>
        d.deployment.hash === hash &&
        Number(d.deployment.id.dseq) >= sentAt - clockSkewMs &&
        !processMemory.deploymentsInState.has(d.deployment.id.dseq),
    );
    if (candidates.length !== 1) throw err;
    const dseq = candidates[0]!.deployment.id.dseq;
    ctx.log.warn(
      `creating the deployment failed (${(err as Error).message}) but deployment ${dseq} with this SDL appeared meanwhile; adopting it`,
    );
    return { dseq, manifest: manifestToSortedJSON(groups) };
  }
}

function manifestGroups(sdl: string) {
  const result = generateManifest(parseYaml(sdl) as Parameters<typeof generateManifest>[0]);
  if (!result.ok) throw new Error("Invalid SDL");
  return result.value.groups;
}

function localManifest(sdl: string): string {
  return manifestToSortedJSON(manifestGroups(sdl));
}

function leaseSummaries(deployment: Deployment): LeaseSummary[] {
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

function outputsOf(
  inputs: DeploymentInputs,
  deployment: Deployment,
  manifest: string,
  groups: SdlGroup[],
  resourcesFingerprint: string,
): DeploymentOutputs {
  const escrow = escrowOutputs(deployment);
  return {
    sdl: inputs.sdl,
    ...(inputs.deposit === undefined ? {} : { deposit: inputs.deposit }),
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
  };
}

function creationIdempotencyKey(inputs: DeploymentInputs): string {
  const scope = inputs.creationKey ?? randomUUID();
  return `pulumi-akash-deployment-${sha256(`${scope}\n${inputs.sdl}\n${inputs.deposit ?? ""}`).slice(0, 40)}`;
}

/** The key after `key` replayed deployment `dseq` (closed, or the one being replaced). */
const nextGenerationKey = (key: string, dseq: string) =>
  `pulumi-akash-deployment-${sha256(`${key}\nafter ${dseq}`).slice(0, 40)}`;

const MAX_KEY_GENERATIONS = 100;

function finishCreate(
  ctx: HandlerContext,
  inputs: DeploymentInputs,
  deployment: Deployment,
  manifest: string,
  parsed: ReturnType<typeof requireSdl>,
): CreateResult<DeploymentOutputs> {
  const dseq = deployment.deployment.id.dseq;
  const outs = outputsOf(inputs, deployment, manifest, parsed.groups, parsed.resourcesFingerprint);
  if (inputs.deposit !== undefined) {
    warnIfDepositIgnored(ctx, dseq, toMicro(inputs.deposit), BigInt(outs.escrow.deposited));
  }
  ctx.log.info(
    `deployment ${dseq} created (${parsed.groups.length} group(s), escrow ${formatUsd(BigInt(outs.escrow.balance))})`,
  );
  return { id: dseq, outs };
}

function warnIfDepositIgnored(ctx: HandlerContext, dseq: string, expectedMicro: bigint, addedMicro: bigint) {
  if (expectedMicro !== addedMicro) {
    ctx.log.warn(
      `deployment ${dseq}: asked to deposit ${formatUsd(expectedMicro)} but escrow grew by ${formatUsd(addedMicro)}; ` +
        "this API manages deposits itself (automatic top-ups), so `deposit` is only a request there.",
    );
  }
}

export const deploymentHandlers: ResourceHandlers<DeploymentInputs, DeploymentOutputs> = {
  async check(olds, news) {
    const failures: CheckFailure[] = [];
    // Values computed by other resources are unknown during preview; they are checked at update time.
    if (isUnknown(news.sdl)) return { inputs: news, failures };
    const parsed = parseSdl(news.sdl);
    if (!parsed.ok) failures.push({ property: "sdl", reason: `Invalid SDL: ${parsed.errors.join("; ")}` });
    for (const name of ["deposit", "minEscrowUsd"] as const) {
      const problem = isUnknown(news[name]) ? undefined : usdProblem(news[name], name);
      if (problem) failures.push({ property: name, reason: problem });
    }
    if (parsed.ok && olds?.sdl !== undefined && !failures.some((f) => f.property === "deposit")) {
      const old = parseSdl(olds.sdl);
      const replacing = old.ok && old.value.resourcesFingerprint !== parsed.value.resourcesFingerprint;
      if (!replacing && toMicro(news.deposit) < toMicro(olds.deposit)) {
        failures.push({
          property: "deposit",
          reason:
            `deposit cannot go down from ${formatUsd(toMicro(olds.deposit))} to ${formatUsd(toMicro(news.deposit))}: ` +
            "escrow cannot be withdrawn, only refunded when the deployment closes. Keep the old value, or " +
            "replace the deployment (pulumi up --replace <urn>) to start over with a smaller deposit.",
        });
      }
    }
    return { inputs: news, failures };
  },

  async diff(id, olds, news, ctx) {
    processMemory.deploymentsInState.add(id);
    const parsed = parseSdl(news.sdl);
    const replaces =
      parsed.ok &&
      olds.resourcesFingerprint &&
      parsed.value.resourcesFingerprint !== olds.resourcesFingerprint
        ? ["sdl"]
        : [];
    const selectionChanged =
      JSON.stringify(olds.selection ?? null) !== JSON.stringify(news.selection ?? null);
    // Leases are created after the deployment, so recorded outputs may not list them: ask the API.
    const live = selectionChanged && ctx ? await ctx.api.getDeployment(id) : undefined;
    const leases = live ? leaseSummaries(live) : (olds.leases ?? []);
    const ruledOut = leases.filter(
      (l) => l.state === "active" && ruledOutBecause(l, news.selection) !== undefined,
    );
    if (selectionChanged && ruledOut.length && !isUnknown(news.selection)) replaces.push("selection");
    const changes =
      replaces.length > 0 ||
      selectionChanged ||
      olds.sdl !== news.sdl ||
      toMicro(olds.deposit) !== toMicro(news.deposit) ||
      olds.minEscrowUsd !== news.minEscrowUsd ||
      olds.fundingStatus === "underfunded";
    return { changes, replaces };
  },

  async create(ctx, inputs) {
    const parsed = requireSdl(inputs.sdl);
    const partial = (dseq: string, manifest: string, message: string) =>
      new PartialCreateError(message, dseq, {
        ...inputs,
        dseq,
        manifest,
        resourcesFingerprint: parsed.resourcesFingerprint,
      });
    let key = creationIdempotencyKey(inputs);
    for (let generation = 0; ; generation++) {
      const created = await createOrRecover(ctx, inputs, key);
      let deployment: Deployment | undefined;
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
      // An active deployment never handed to the engine is this resource's: just made, or made by a
      // run that was interrupted before its answer was recorded (the key replayed it). A closed one
      // (a destroy, then an up within the key's lifetime) or the one this create replaces is an
      // earlier use of the key: the next key in its chain asks for a new deployment, and a re-run of
      // this create walks the same chain to the same answer.
      const journal = inputs.creationKey ? ctx.journal?.(inputs.creationKey.split("/")[0]!) : undefined;
      const earlier =
        processMemory.deploymentsInState.has(created.dseq) || journal?.handedOver(created.dseq) === true;
      if (deployment.deployment.state === "active" && !earlier) {
        const result = finishCreate(ctx, inputs, deployment, created.manifest, parsed);
        journal?.record(created.dseq);
        processMemory.deploymentsCreated.add(created.dseq);
        if (inputs.leaseTerms) {
          const terms = JSON.parse(inputs.leaseTerms) as LeaseTerms[];
          startLeaseHeadStarts(ctx, { dseq: created.dseq, manifest: created.manifest }, terms);
        }
        return result;
      }
      if (generation >= MAX_KEY_GENERATIONS) {
        throw new Error(
          `creating deployment: ${MAX_KEY_GENERATIONS} earlier deployments of this resource were made ` +
            "within the API's Idempotency-Key lifetime (24 hours); wait, or rename the resource",
        );
      }
      key = nextGenerationKey(key, created.dseq);
    }
  },

  async read(ctx, id, props) {
    processMemory.deploymentsInState.add(id);
    const deployment = await ctx.api.getDeployment(id);
    if (!deployment || deployment.deployment.state !== "active") return {};
    const groups = props.groups?.map((g) => ({ ...g, fingerprint: "" })) ?? [];
    const outs = outputsOf(props, deployment, props.manifest, groups, props.resourcesFingerprint);
    if (props.manifestHash && deployment.deployment.hash !== props.manifestHash) {
      outs.sdl = `${SDL_DRIFT_PREFIX}: the on-chain manifest hash is now ${deployment.deployment.hash}.\n`;
    }
    return { id, props: outs };
  },

  async update(ctx, id, olds, news) {
    processMemory.deploymentsInState.add(id);
    const parsed = requireSdl(news.sdl);
    if (parsed.resourcesFingerprint !== olds.resourcesFingerprint) {
      throw new Error(
        `deployment ${id}: the groups' resources changed, which needs a replacement, not an update`,
      );
    }
    let deployment: Deployment | undefined;
    let manifest = olds.manifest;
    if (olds.sdl !== news.sdl) {
      deployment = await ctx.api.updateDeployment(id, news.sdl);
      manifest = localManifest(news.sdl);
      ctx.log.info(`deployment ${id}: SDL updated in place (manifest hash ${deployment.deployment.hash})`);
    }
    const from = toMicro(olds.deposit);
    const to = toMicro(news.deposit);
    if (to < from) {
      throw new Error(`deployment ${id}: deposit cannot go down from ${formatUsd(from)} to ${formatUsd(to)}`);
    }
    if (to > from) {
      const before = deployment ?? (await ctx.api.getDeployment(id));
      if (!before)
        throw new Error(`deployment ${id} no longer exists; run \`pulumi refresh\`, then \`pulumi up\``);
      const beforeMicro = BigInt(escrowOutputs(before).deposited);
      // The key names the target total, so a retried or re-run update never tops up twice.
      deployment = await ctx.api.deposit(id, toUsdNumber(to - from), `pulumi-akash-deposit-${id}-${to}`);
      warnIfDepositIgnored(ctx, id, to - from, BigInt(escrowOutputs(deployment).deposited) - beforeMicro);
      ctx.log.info(`deployment ${id}: escrow topped up by ${formatUsd(to - from)}`);
    }
    deployment ??= await ctx.api.getDeployment(id);
    if (!deployment || deployment.deployment.state !== "active") {
      throw new Error(
        `deployment ${id} is closed or gone; run \`pulumi refresh\`, then \`pulumi up\` to re-create it`,
      );
    }
    const outs = outputsOf(news, deployment, manifest, parsed.groups, parsed.resourcesFingerprint);
    if (outs.fundingStatus === "underfunded") {
      const short = toMicro(news.minEscrowUsd) - BigInt(outs.escrow.balance);
      ctx.log.warn(
        `deployment ${id}: escrow ${formatUsd(BigInt(outs.escrow.balance))} is below minEscrowUsd; raise deposit by at least ${formatUsd(short)}`,
      );
    }
    return outs;
  },

  async delete(ctx, id) {
    if (ctx.journal && processMemory.deploymentsCreated.has(id)) {
      ctx.log.warn(
        `deployment ${id} is also the replacement's (the API replayed it for the resource's creation key); not closing it`,
      );
      return;
    }
    const current = await ctx.api.getDeployment(id);
    if (!current) {
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
