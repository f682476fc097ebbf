// What an object that exists on the API but not in a stack looks like as recorded properties, for
// `pulumi import <type> <name> <id>`: the handlers' `read` starts from these (as it starts from state
// on a refresh), and the inputs among them become the imported resource's code. Each reads only
// the API: a deployment made in the Console or by a script is adopted as it is.
import { generateManifest, manifestToSortedJSON } from "@akashnetwork/chain-sdk/web";
import { parse as parseYaml } from "yaml";
import type { ApiKeyOutputs } from "./api-key";
import type { DeploymentOutputs } from "./deployment";
import { escrowOutputs } from "./escrow";
import type { HandlerContext } from "./handler";
import type { LeaseOutputs } from "./lease";
import { requireSdl } from "./sdl";

/** The SDL the API stored for a deployment, with what the handlers derive from it. */
async function storedDefinition(ctx: HandlerContext, dseq: string) {
  const deployment = await ctx.api.getDeployment(dseq);
  if (!deployment) return undefined;
  const sdl = deployment.consoleSettings?.sdl;
  if (!sdl) {
    throw new Error(
      `deployment ${dseq}: the API at ${ctx.api.baseUrl} does not answer its stored SDL, which the import needs as the sdl input`,
    );
  }
  const parsed = requireSdl(sdl);
  const manifest = generateManifest(parseYaml(sdl) as Parameters<typeof generateManifest>[0]);
  if (!manifest.ok) throw new Error(`deployment ${dseq}: its stored SDL does not make a manifest`);
  return { deployment, sdl, parsed, manifest: manifestToSortedJSON(manifest.value.groups) };
}

export async function adoptDeployment(
  ctx: HandlerContext,
  dseq: string,
): Promise<Partial<DeploymentOutputs>> {
  const found = await storedDefinition(ctx, dseq);
  if (!found) return {};
  const { deployment, sdl, parsed, manifest } = found;
  // Everything deposited so far is the deposit the resource stands for: raising it tops up the
  // difference. In cents: escrow figures carry sub-cent remainders of per-block payments.
  const deposited = Math.round(Number(escrowOutputs(deployment).depositedUsd) * 100) / 100;
  return {
    sdl,
    deposit: deposited,
    manifest,
    manifestHash: deployment.deployment.hash,
    // What read compares to tell a definition changed elsewhere: the version of the stored SDL.
    manifestVersion: deployment.consoleSettings?.manifestVersion ?? deployment.deployment.hash,
    resourcesFingerprint: parsed.resourcesFingerprint,
    groups: parsed.groups.map(({ gseq, name, services }) => ({ gseq, name, services })),
  };
}

/** A lease's id is `dseq/gseq/oseq/provider`, as the Lease resource makes it. */
export async function adoptLease(ctx: HandlerContext, id: string): Promise<Partial<LeaseOutputs>> {
  const [dseq = "", gseq, oseq, provider = ""] = id.split("/");
  if (!dseq || !Number.isInteger(Number(gseq)) || !Number.isInteger(Number(oseq)) || !provider) {
    throw new Error(`"${id}" is not a lease id: use <dseq>/<gseq>/<oseq>/<provider address>`);
  }
  const found = await storedDefinition(ctx, dseq);
  if (!found) return {};
  return { dseq, gseq: Number(gseq), oseq: Number(oseq), provider, manifest: found.manifest };
}

export async function adoptApiKey(ctx: HandlerContext, id: string): Promise<Partial<ApiKeyOutputs>> {
  ctx.log.warn(
    `API key ${id}: the API shows a key's secret only when it is created, so the imported ApiKey has no \`key\` output; ` +
      "its name and expiry are managed from now on",
  );
  return {};
}
