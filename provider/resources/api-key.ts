// ApiKey: a Console API key. The full key is returned once at creation and kept in state as a
// secret. Renaming updates in place; a new expiry replaces the key (the API cannot change it).
import type { ApiKey } from "../../sdk";
import { resource, t, type InputsOf, type OutputsOf } from "../schema/describe";
import type { CheckFailure, ResourceHandlers } from "./handler";

export const apiKeyDescription = resource({
  name: "ApiKey",
  description:
    "A Console API key. The full key is returned once by the API and kept in state as a secret. Renaming updates in place; a new expiry replaces the key; delete revokes it.",
  inputs: {
    name: t.string("A label for the key, e.g. `ci-pipeline`. Renaming updates the key in place (PATCH)."),
    expiresAt: t
      .string(
        "Optional expiry, an ISO 8601 date-time such as 2027-01-01T00:00:00Z, in the future when set. Changing it replaces the key: the API cannot change an expiry, so a new key is created and the old one revoked.",
      )
      .optional()
      .replaceOnChanges(),
  },
  outputs: {
    key: t.string("The full API key (secret), shown once by the API.").secret(),
    keyFormat: t.string("Obfuscated key, e.g. ac.sk.production.abcdef***uvwxyz."),
    createdAt: t.string("Creation time (ISO 8601)."),
    lastUsedAt: t
      .string(
        "Last use; null when never used. The API updates it at most every 30 minutes: it is informational and never counts as drift.",
      )
      .nullable(),
  },
});

export type ApiKeyInputs = InputsOf<typeof apiKeyDescription>;
export type ApiKeyOutputs = OutputsOf<typeof apiKeyDescription>;

function outputsOf(inputs: ApiKeyInputs, key: string, apiKey: ApiKey): ApiKeyOutputs {
  return {
    name: apiKey.name,
    ...(inputs.expiresAt === undefined ? {} : { expiresAt: inputs.expiresAt }),
    key,
    keyFormat: apiKey.keyFormat,
    createdAt: apiKey.createdAt,
    lastUsedAt: apiKey.lastUsedAt,
  };
}

const sameInstant = (a: string | undefined | null, b: string | undefined | null) =>
  (a ? Date.parse(a) : null) === (b ? Date.parse(b) : null);

export const apiKeyHandlers: ResourceHandlers<ApiKeyInputs, ApiKeyOutputs> = {
  async check(olds, news) {
    const failures: CheckFailure[] = [];
    if (typeof news.name !== "string" || news.name.trim() === "") {
      failures.push({ property: "name", reason: 'name must be a non-empty string, e.g. "ci-pipeline"' });
    }
    if (news.expiresAt !== undefined) {
      const at = Date.parse(news.expiresAt);
      if (typeof news.expiresAt !== "string" || Number.isNaN(at)) {
        failures.push({
          property: "expiresAt",
          reason: `expiresAt must be an ISO 8601 date-time such as 2027-01-01T00:00:00Z (got ${JSON.stringify(news.expiresAt)})`,
        });
      } else if (at <= Date.now() && !sameInstant(olds?.expiresAt, news.expiresAt)) {
        failures.push({
          property: "expiresAt",
          reason: `expiresAt ${news.expiresAt} is in the past; a new key must expire in the future`,
        });
      }
    }
    return { inputs: news, failures };
  },

  async diff(_id, olds, news) {
    const replaces = sameInstant(olds.expiresAt, news.expiresAt) ? [] : ["expiresAt"];
    return { changes: replaces.length > 0 || olds.name !== news.name, replaces };
  },

  async create(ctx, inputs) {
    const created = await ctx.api.createApiKey(inputs.name, inputs.expiresAt);
    ctx.log.info(`API key "${created.name}" created (${created.keyFormat})`);
    return { id: created.id, outs: outputsOf(inputs, created.apiKey, created) };
  },

  async read(ctx, id, props) {
    const current = await ctx.api.getApiKey(id);
    if (!current) return {};
    const expiresAt = current.expiresAt ?? undefined;
    return {
      id,
      props: outputsOf(
        {
          name: current.name,
          ...(expiresAt
            ? {
                expiresAt:
                  props.expiresAt && sameInstant(props.expiresAt, expiresAt) ? props.expiresAt : expiresAt,
              }
            : {}),
        },
        props.key,
        current,
      ),
    };
  },

  async update(ctx, id, olds, news) {
    const renamed = await ctx.api.renameApiKey(id, news.name);
    ctx.log.info(`API key ${renamed.keyFormat} renamed from "${olds.name}" to "${renamed.name}"`);
    return outputsOf(news, olds.key, renamed);
  },

  async delete(ctx, id) {
    await ctx.api.deleteApiKey(id);
  },
};
