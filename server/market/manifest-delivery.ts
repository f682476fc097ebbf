/**
 * The simulated provider receiving a lease's manifest: the one place secret values are resolved.
 * Like a real provider, it checks what it receives against the deployment's version on chain (a
 * manifest with an unresolved reference, or other values than the ones the hash was computed with,
 * is refused) and it keeps nothing: lease status, events and logs never see a value.
 */
import { compileSdl, type CompileSdlOptions } from "./sdl";

/** The provider refused the manifest (a server bug: the stored definition and hash disagree). */
export class ManifestRejectedError extends Error {
  override readonly name = "ManifestRejectedError";
}

export async function deliverManifest(
  sdl: string,
  options: CompileSdlOptions & { secrets: Readonly<Record<string, string>> },
  expectedHash: string,
): Promise<void> {
  const compiled = await compileSdl(sdl, options);
  const unresolved = compiled.references.filter((name) => !Object.hasOwn(options.secrets, name));
  if (unresolved.length > 0) {
    throw new ManifestRejectedError(
      `provider refused the manifest: unresolved secret references ${unresolved.join(", ")}`,
    );
  }
  if (compiled.hash !== expectedHash) {
    throw new ManifestRejectedError(
      "provider refused the manifest: its version does not match the deployment's hash",
    );
  }
}
