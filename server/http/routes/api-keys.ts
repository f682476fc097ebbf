import type { ApiKeyService } from "../../services/api-keys";
import { callerId } from "../authentication";
import { notFound } from "../errors";
import type { HandlerGroup } from "../route-handler";

type ApiKeyOperations =
  | "listApiKeys"
  | "createApiKey"
  | "getApiKey"
  | "updateApiKey"
  | "deleteApiKey"
  | "listUserApiKeys"
  | "createUserApiKey"
  | "getUserApiKey"
  | "updateUserApiKey"
  | "deleteUserApiKey";

const KEY_NOT_FOUND = "API key not found";

/** API keys at the live path and at AEP-63's `/v1/users/api-keys`: same behaviour at both. */
export function apiKeyRoutes(apiKeys: ApiKeyService): HandlerGroup<ApiKeyOperations> {
  const list: HandlerGroup<"listApiKeys">["listApiKeys"] = async ({ c }) => ({
    data: await apiKeys.list(callerId(c)),
  });
  const create: HandlerGroup<"createApiKey">["createApiKey"] = async ({ c, body }) => {
    const { name, expiresAt } = body.data;
    const created = await apiKeys.create(callerId(c), {
      name,
      ...(expiresAt !== undefined ? { expiresAt: Date.parse(expiresAt) } : {}),
    });
    return { data: created };
  };
  const get: HandlerGroup<"getApiKey">["getApiKey"] = async ({ c, params }) => {
    const key = await apiKeys.get(callerId(c), params.id);
    if (!key) throw notFound(KEY_NOT_FOUND);
    return { data: key };
  };
  const update: HandlerGroup<"updateApiKey">["updateApiKey"] = async ({ c, params, body }) => {
    const key = await apiKeys.rename(callerId(c), params.id, body.data.name);
    if (!key) throw notFound(KEY_NOT_FOUND);
    return { data: key };
  };
  const remove: HandlerGroup<"deleteApiKey">["deleteApiKey"] = async ({ c, params }) => {
    if (!(await apiKeys.revoke(callerId(c), params.id))) throw notFound(KEY_NOT_FOUND);
  };
  return {
    listApiKeys: list,
    createApiKey: create,
    getApiKey: get,
    updateApiKey: update,
    deleteApiKey: remove,
    listUserApiKeys: list,
    createUserApiKey: create,
    getUserApiKey: get,
    updateUserApiKey: update,
    deleteUserApiKey: remove,
  };
}
