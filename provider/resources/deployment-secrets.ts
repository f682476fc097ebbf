// Deployment.secrets: values the SDL references as `ac-secret://NAME`, sealed here to the API's key
// (a compact JWE only the API can open) so that no request, log line or error carries them in
// plain text. Errors name secrets, never values.
import { generateManifest, generateManifestVersion } from "@akashnetwork/chain-sdk/web";
import { parse as parseYaml } from "yaml";
import { resolveSecretReferences, sealSdlSecrets, secretReferencesIn } from "../../sdk";
import type { AkashApi } from "./api";

export type Secrets = Readonly<Record<string, string>>;

/** What is wrong between the SDL's references and the given values, in words naming the secrets. */
export function secretsProblems(sdl: string, secrets: Secrets | undefined): string[] {
  const references = secretReferencesIn(sdl);
  const names = Object.keys(secrets ?? {});
  const missing = references.filter((name) => !names.includes(name));
  const unreferenced = names.filter((name) => !references.includes(name)).sort();
  const problems: string[] = [];
  if (missing.length) {
    problems.push(
      `the SDL references ${missing.map((n) => `ac-secret://${n}`).join(", ")} but secrets has no value for ` +
        `${missing.length > 1 ? "them" : "it"}: add ${missing.map((n) => `secrets.${n}`).join(", ")}`,
    );
  }
  if (unreferenced.length) {
    problems.push(
      `secrets has ${unreferenced.join(", ")}, which the SDL does not reference: use ` +
        `${unreferenced.map((n) => `ac-secret://${n}`).join(", ")} as an env value (NAME=ac-secret://${unreferenced[0]}) or remove ${unreferenced.length > 1 ? "them" : "it"}`,
    );
  }
  return problems;
}

/** The names whose value differs between two maps (added and changed; removed names need no seal). */
export function changedSecrets(before: Secrets | undefined, after: Secrets | undefined): string[] {
  return Object.keys(after ?? {})
    .filter((name) => before?.[name] !== after?.[name])
    .sort();
}

/** `secrets` sealed for the API; with `sdl`, bound to that exact document (a create). */
export async function sealSecrets(api: AkashApi, secrets: Secrets, sdl?: string): Promise<string> {
  return sealSdlSecrets(await api.secretsContext(), secrets, sdl === undefined ? {} : { sdl });
}

/**
 * The on-chain manifest version (base64) of `sdl` with its secret references resolved: what the
 * API records for it, so a create that may have run can be recognised and drift seen.
 */
export async function resolvedManifestVersion(sdl: string, secrets: Secrets | undefined): Promise<string> {
  const result = generateManifest(parseYaml(sdl) as Parameters<typeof generateManifest>[0]);
  if (!result.ok) throw new Error("Invalid SDL");
  const groups = resolveSecretReferences(result.value.groups, secrets ?? {});
  return Buffer.from(await generateManifestVersion(groups)).toString("base64");
}
