// The provider's configuration as the engine hands it to a plugin: `Configure` carries the default
// provider's stack config (`akash:apiKey`, ...) or an explicit provider resource's inputs, keyed by
// setting name in `args` (older engines: `variables`, keyed `akash:config:<name>`). Environment
// fallbacks and defaults are those of the one description (../config.ts).
import { CONFIG_KEYS, configDescription, resolveSettings, type ProviderSettings } from "../config";
import type { CheckFailure } from "../resources/handler";
import { PACKAGE } from "../schema/describe";

/** A configured value by name: from Configure's args (already unwrapped) or, without args, its variables. */
export function configuredValue(
  args: Record<string, unknown>,
  variables: Map<string, string>,
  key: string,
): string | undefined {
  const v = args[key] ?? variables.get(`${PACKAGE}:config:${key}`) ?? variables.get(`${PACKAGE}:${key}`);
  return v === undefined || v === null ? undefined : String(v);
}

/** Settings from Configure's args or variables. */
export function settingsFrom(
  args: Record<string, unknown>,
  variables: Map<string, string>,
): ProviderSettings {
  return resolveSettings({ get: (name) => configuredValue(args, variables, name.slice(PACKAGE.length + 1)) });
}

/** Problems `CheckConfig` reports before anything runs: settings of the wrong kind. */
export function configFailures(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const key of CONFIG_KEYS) {
    const v = news[key];
    if (v === undefined || v === null || typeof v !== "string" || !v) continue;
    if (key === "baseUrl" && !/^https?:\/\/[^\s/]+/.test(v)) {
      failures.push({ property: key, reason: `akash:baseUrl must be an http(s) URL, got "${v}"` });
    }
    if (configDescription[key].spec.kind === "boolean" && v !== "true" && v !== "false") {
      failures.push({ property: key, reason: `akash:${key} must be true or false, got "${v}"` });
    }
  }
  return failures;
}

/** The settings whose value differs between two configurations (DiffConfig). */
export function changedSettings(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  return CONFIG_KEYS.filter((key) => String(olds[key] ?? "") !== String(news[key] ?? ""));
}
