// The drift check's reads, over the sdk client: the same answers the provider's handlers get
// ("not found" only when the API says so), plus the optional ones (events, newer API fields).
import "../../sdk/node-guard";
import { request } from "undici";
import { z } from "zod";
import { AkashApiError, type AkashClient, type ApiKey } from "../../sdk";
import { goneFromThisAccount } from "../resources/account";
import { createApi } from "../resources/api";
import type { DriftReader, NewerDeploymentFields } from "./inspect";

export interface ApiReader extends DriftReader {
  /** Fails, naming the URL, unless it answers as a managed-wallet API that takes the key. */
  verify(): Promise<void>;
  /** The record of the key the check runs with (for its expiry), when the API lists it. */
  ownKey(): Promise<ApiKey | undefined>;
  /** The API's clock (its Date header), which deadlines are compared with; this machine's without one. */
  serverNow(): Promise<number>;
}

// Newer Console API generations add these to a deployment (names, the stored SDL) and to its
// settings (runtime limits). The sdk's contract does not know them yet, so they are read raw.
const NewerDeploymentSchema = z.object({
  data: z.looseObject({
    name: z.string().nullish(),
    consoleSettings: z.looseObject({ sdl: z.string().nullish() }).nullish(),
    settings: z
      .looseObject({
        runtimeLimitHours: z.number().nullish(),
        runtimeEndsAt: z.string().nullish(),
        closeReason: z.string().nullish(),
      })
      .nullish(),
  }),
});
const NewerSettingsSchema = z.object({
  data: z.looseObject({ runtimeLimitHours: z.number().nullish(), runtimeEndsAt: z.string().nullish() }),
});

const eventsUnavailable = (err: unknown) =>
  err instanceof AkashApiError && err.kind === "http" && [404, 405, 501].includes(err.status ?? 0);

export function apiReader(client: AkashClient, apiKey: string): ApiReader {
  const api = createApi(client);
  // Decided by the first deployment read: a server without any of the newer fields is asked no more.
  let newerServer: boolean | undefined;

  const getJson = async (path: string): Promise<unknown> => {
    const answer = await request(`${client.baseUrl}${path}`, {
      headers: { "x-api-key": apiKey, accept: "application/json", "user-agent": "pulumi-akash-drift" },
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const text = await answer.body.text();
    if (answer.statusCode !== 200) {
      throw new Error(`GET ${client.baseUrl}${path} answered ${answer.statusCode}: ${text.slice(0, 200)}`);
    }
    return JSON.parse(text) as unknown;
  };

  return {
    verify: () => api.verify(),
    getDeployment: (dseq) => api.getDeployment(dseq),
    goneFromThisAccount: (what, owner) => goneFromThisAccount(api, what, owner),
    getApiKey: (id) => api.getApiKey(id),
    async getEvents(dseq) {
      try {
        return await client.getEvents(dseq);
      } catch (err) {
        if (eventsUnavailable(err)) return undefined;
        throw err;
      }
    },
    async newerFields(dseq): Promise<NewerDeploymentFields | undefined> {
      if (newerServer === false) return undefined;
      const parsed = NewerDeploymentSchema.safeParse(await getJson(`/v1/deployments/${dseq}`));
      const data = parsed.success ? parsed.data.data : undefined;
      newerServer ??= !!data && ("name" in data || "consoleSettings" in data || "settings" in data);
      if (!newerServer || !data) return undefined;
      let settings = data.settings;
      if (!settings?.runtimeEndsAt) {
        const answer = NewerSettingsSchema.safeParse(await getJson(`/v2/deployment-settings/${dseq}`));
        if (answer.success) settings = answer.data.data;
      }
      return {
        ...(data.name ? { name: data.name } : {}),
        ...(data.consoleSettings?.sdl ? { sdl: data.consoleSettings.sdl } : {}),
        ...(settings?.runtimeLimitHours ? { runtimeLimitHours: settings.runtimeLimitHours } : {}),
        ...(settings?.runtimeEndsAt ? { runtimeEndsAt: settings.runtimeEndsAt } : {}),
        ...(data.settings?.closeReason ? { closeReason: data.settings.closeReason } : {}),
      };
    },
    async serverNow() {
      const answer = await request(`${client.baseUrl}/v1/deployments?limit=1`, {
        headers: { "x-api-key": apiKey, accept: "application/json", "user-agent": "pulumi-akash-drift" },
        headersTimeout: 30_000,
        bodyTimeout: 30_000,
      });
      await answer.body.dump();
      const date = Date.parse(String(answer.headers.date ?? ""));
      return Number.isFinite(date) ? date : Date.now();
    },
    async ownKey() {
      // Keys are listed obfuscated (`ac.sk.production.abcdef***uvwxyz`): the one whose ends match.
      const matches = (await client.listApiKeys()).filter((k) => {
        const [head, tail] = k.keyFormat.split("***");
        return head !== undefined && tail !== undefined && apiKey.startsWith(head) && apiKey.endsWith(tail);
      });
      return matches.length === 1 ? matches[0] : undefined;
    },
  };
}
