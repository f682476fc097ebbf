// A Deployment changed in place: its definition (PATCH per service guarded by the manifest version
// where the API has it, PUT otherwise), name, secrets (only the changed ones, sealed here), runtime
// limit (raised in the API's steps) and deposit (topped up by the difference, or ignored where the
// API funds deployments itself). A definition that moved on outside Pulumi is never overwritten
// blindly: the API answers 409 and the error says to refresh first.
import {
  MAX_RUNTIME_LIMIT_INCREMENT_HOURS,
  type DeploymentDetail,
  type PatchDeploymentBody,
} from "../../sdk";
import { ManifestConflictError } from "./api";
import type { DeploymentInputs, DeploymentOutputs } from "./deployment";
import { depositIgnoredNotice, unsupportedInputs } from "./deployment-offerings";
import { SDL_DRIFT_PREFIX, fundingOf, outputsOf } from "./deployment-outputs";
import { changedSecrets, sealSecrets } from "./deployment-secrets";
import { escrowOutputs } from "./escrow";
import type { HandlerContext } from "./handler";
import { formatUsd, toMicro, toUsdNumber } from "./money";
import { processMemory } from "./process-memory";
import { localManifest, requireSdl } from "./sdl";
import { servicesPatch } from "./sdl-patch";

/** Extends the runtime limit to `target` hours total, in the API's steps of at most 48 hours. */
export async function extendRuntime(
  ctx: HandlerContext,
  dseq: string,
  from: number | undefined,
  target: number,
) {
  for (let current = from; current === undefined || current < target;) {
    const next = Math.min(target, (current ?? 0) + MAX_RUNTIME_LIMIT_INCREMENT_HOURS);
    await ctx.api.extendRuntime(dseq, next);
    current = next;
  }
  ctx.log.info(
    `deployment ${dseq}: runtime limit ${from === undefined ? "set to" : `raised from ${from} to`} ${target} hours`,
  );
}

export const namesMissingNotice = (dseq: string, baseUrl: string) =>
  `deployment ${dseq}: the API at ${baseUrl} has no deployment names (AEP-63), so name is kept in Pulumi state only`;

export function warnIfDepositIgnored(
  ctx: HandlerContext,
  dseq: string,
  expectedMicro: bigint,
  addedMicro: bigint,
) {
  if (expectedMicro !== addedMicro) {
    ctx.log.warn(
      `deployment ${dseq}: asked to deposit ${formatUsd(expectedMicro)} but escrow grew by ${formatUsd(addedMicro)}; ` +
        "this API manages deposits itself (automatic top-ups), so `deposit` is only a request there.",
    );
  }
}

const pick = (secrets: Readonly<Record<string, string>>, names: string[]) =>
  Object.fromEntries(names.map((name) => [name, secrets[name]!]));

function conflict(id: string, expected: string | undefined): Error {
  return new Error(
    `deployment ${id} changed outside Pulumi since the last refresh: its definition or secrets are no longer ` +
      `manifest version ${expected}, so nothing was changed. Run \`pulumi refresh\` to see what changed, then ` +
      "`pulumi up` to apply the program's definition over it.",
  );
}

/** The SDL, name and changed secrets sent in one PATCH, or with PUT where PATCH cannot carry them. */
async function applyDefinition(
  ctx: HandlerContext,
  id: string,
  live: DeploymentDetail,
  olds: DeploymentOutputs,
  news: DeploymentInputs,
): Promise<void> {
  const offerings = await ctx.api.offerings();
  const sdlChanged = olds.sdl !== news.sdl;
  const renamed = news.name !== undefined && news.name !== (live.name ?? olds.name);
  // After a refresh found the definition or secrets changed elsewhere, every secret is sealed again.
  const secretNames = olds.sdl.startsWith(SDL_DRIFT_PREFIX)
    ? Object.keys(news.secrets ?? {})
    : changedSecrets(olds.secrets, news.secrets);
  if (!sdlChanged && !renamed && secretNames.length === 0) return;
  const expected = olds.manifestVersion ?? olds.manifestHash;
  const sealed = secretNames.length
    ? await sealSecrets(ctx.api, pick(news.secrets ?? {}, secretNames))
    : undefined;
  const patch = async (body: PatchDeploymentBody["data"]) => {
    try {
      return await ctx.api.patchDeployment(id, body);
    } catch (err) {
      if (err instanceof ManifestConflictError) throw conflict(id, body.ifManifestVersion);
      throw err;
    }
  };
  const stored = live.consoleSettings;
  const services =
    offerings.patchDeployment && stored ? (sdlChanged ? servicesPatch(stored.sdl, news.sdl) : {}) : undefined;
  if (services) {
    const body = {
      ...(Object.keys(services).length ? { services } : {}),
      ...(renamed ? { name: news.name } : {}),
      ...(sealed ? { sealedSecrets: sealed } : {}),
      ...(expected ? { ifManifestVersion: expected } : {}),
    };
    if (body.services || body.name || body.sealedSecrets) {
      const answer = await patch(body);
      ctx.log.info(
        `deployment ${id}: updated in place (${[
          ...(body.services ? [`services ${Object.keys(services).join(", ")}`] : []),
          ...(body.name ? ["name"] : []),
          ...(secretNames.length ? [`secrets ${secretNames.join(", ")}`] : []),
        ].join("; ")})${answer.manifestVersion ? `, manifest version ${answer.manifestVersion}` : ""}`,
      );
    }
    return;
  }
  // PUT: an API without PATCH, a deployment without a stored definition, or a change beyond PATCH.
  // PUT has no version guard: the one read just now stands in for it.
  if (expected && (live.consoleSettings?.manifestVersion ?? live.deployment.hash) !== expected) {
    throw conflict(id, expected);
  }
  const name = renamed && offerings.createFields.has("name") ? news.name : undefined;
  const answer = await ctx.api.updateDeployment(id, news.sdl, name);
  ctx.log.info(`deployment ${id}: SDL replaced in place (manifest hash ${answer.deployment.hash})`);
  if (renamed && name === undefined) ctx.log.warn(namesMissingNotice(id, ctx.api.baseUrl));
  if (sealed) {
    if (!offerings.patchDeployment)
      throw new Error(unsupportedInputs({ secrets: news.secrets }, offerings, ctx.api.baseUrl)[0]!.reason);
    await patch({ sealedSecrets: sealed, ifManifestVersion: answer.deployment.hash });
    ctx.log.info(`deployment ${id}: secrets ${secretNames.join(", ")} updated`);
  }
}

export async function updateInPlace(
  ctx: HandlerContext,
  id: string,
  olds: DeploymentOutputs,
  news: DeploymentInputs,
): Promise<DeploymentOutputs> {
  processMemory.deploymentsInState.add(id);
  const parsed = requireSdl(news.sdl);
  if (parsed.resourcesFingerprint !== olds.resourcesFingerprint) {
    throw new Error(
      `deployment ${id}: the groups' resources changed, which needs a replacement, not an update`,
    );
  }
  const offerings = await ctx.api.offerings();
  const unsupported = unsupportedInputs(
    { runtimeLimitHours: news.runtimeLimitHours, secrets: news.secrets },
    offerings,
    ctx.api.baseUrl,
  );
  if (unsupported.length) throw new Error(unsupported.map((f) => f.reason).join(" "));
  const gone = () =>
    new Error(
      `deployment ${id} is closed or gone; run \`pulumi refresh\`, then \`pulumi up\` to re-create it`,
    );
  const live = await ctx.api.getDeployment(id);
  if (!live || live.deployment.state !== "active") throw gone();

  await applyDefinition(ctx, id, live, olds, news);
  const manifest = olds.sdl === news.sdl ? olds.manifest : localManifest(news.sdl);

  const limitNow = live.settings?.runtimeLimitHours ?? olds.runtimeLimitHours;
  const limit = news.runtimeLimitHours;
  if (limit !== undefined && limitNow !== undefined && limitNow !== null && limit < limitNow) {
    throw new Error(
      `deployment ${id}: its runtime limit is ${limitNow} hours on the API and cannot go down to ${limit}; ` +
        `set runtimeLimitHours to at least ${limitNow}, or close the deployment sooner with pulumi destroy`,
    );
  }
  if (limit !== undefined && (limitNow === undefined || limitNow === null || limit > limitNow)) {
    await extendRuntime(ctx, id, limitNow ?? undefined, limit);
  }

  const funding = await ctx.api.fundingConfig();
  const from = toMicro(olds.deposit);
  const to = toMicro(news.deposit);
  if (to < from) {
    throw new Error(`deployment ${id}: deposit cannot go down from ${formatUsd(from)} to ${formatUsd(to)}`);
  }
  if (to > from && funding) {
    ctx.log.warn(depositIgnoredNotice(id, news.deposit ?? 0, funding));
  } else if (to > from) {
    const beforeMicro = BigInt(escrowOutputs(live).deposited);
    // The key names the target total, so a retried or re-run update never tops up twice.
    const topped = await ctx.api.deposit(id, toUsdNumber(to - from), `pulumi-akash-deposit-${id}-${to}`);
    warnIfDepositIgnored(ctx, id, to - from, BigInt(escrowOutputs(topped).deposited) - beforeMicro);
    ctx.log.info(`deployment ${id}: escrow topped up by ${formatUsd(to - from)}`);
  }

  const after = await ctx.api.getDeployment(id);
  if (!after || after.deployment.state !== "active") throw gone();
  const outs = outputsOf(
    news,
    after,
    manifest,
    parsed.groups,
    parsed.resourcesFingerprint,
    await fundingOf(ctx),
  );
  if (outs.fundingStatus === "underfunded") {
    const short = toMicro(news.minEscrowUsd) - BigInt(outs.escrow.balance);
    ctx.log.warn(
      `deployment ${id}: escrow ${formatUsd(BigInt(outs.escrow.balance))} is below minEscrowUsd; raise deposit by at least ${formatUsd(short)}`,
    );
  }
  if (outs.runtimeStatus === "ending") {
    ctx.log.warn(
      `deployment ${id}: its runtime limit ends at ${outs.runtimeEndsAt}, within minRuntimeLeftHours (${news.minRuntimeLeftHours} h); raise runtimeLimitHours to keep it running`,
    );
  }
  return outs;
}
