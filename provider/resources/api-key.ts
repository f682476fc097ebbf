// ApiKey: a Console API key. The full key is returned once at creation and kept in state as a
// secret. Renaming updates in place; a new expiry replaces the key (the API cannot change it).
import type { ApiKey } from "../../sdk";
import type { CheckFailure, ResourceFields, ResourceHandlers } from "./handler";

export interface ApiKeyInputs {
  name: string;
  /** ISO 8601 date-time in the future, e.g. 2027-01-01T00:00:00Z. */
  expiresAt?: string;
}

export interface ApiKeyOutputs extends ApiKeyInputs {
  key: string;
  keyFormat: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export const apiKeyFields = {
  token: "akash:index:ApiKey",
  inputs: ["name", "expiresAt"],
  outputs: ["key", "keyFormat", "createdAt", "lastUsedAt"],
  secretOutputs: ["key"],
} as const satisfies ResourceFields;

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
