// Every custom resource the adapters serve: its description and its handlers, under a kind key.
// The Node dynamic adapter writes the kind key into every resource's state (the serialized provider
// calls `providerFor(kind)`): never rename one. The plugin adapter finds a kind by its schema token.
// `adopt` (what an import by id starts from) lives beside the handlers, in ../resources/adopt.ts.
// Unknown properties are refused here, for every kind and both adapters (servedKind).
import { adoptApiKey, adoptDeployment, adoptLease } from "../resources/adopt";
import { apiKeyDescription, apiKeyHandlers } from "../resources/api-key";
import { certificateDescription, certificateHandlers } from "../resources/certificate";
import { deploymentDescription, deploymentHandlers } from "../resources/deployment";
import type { ResourceHandlers } from "../resources/handler";
import { leaseDescription, leaseHandlers } from "../resources/lease";
import { stackIdentityDescription, stackIdentityHandlers } from "../resources/stack-identity";
import type { ResourceDescription } from "../schema/describe";
import { unknownProperties } from "../schema/unknown-properties";

export const resourceKinds = {
  apiKey: { description: apiKeyDescription, handlers: { ...apiKeyHandlers, adopt: adoptApiKey } },
  certificate: { description: certificateDescription, handlers: certificateHandlers },
  deployment: {
    description: deploymentDescription,
    handlers: { ...deploymentHandlers, adopt: adoptDeployment },
  },
  lease: { description: leaseDescription, handlers: { ...leaseHandlers, adopt: adoptLease } },
  // Calls no API: served without a key or a verified URL (ServedKind.offline).
  stackIdentity: { description: stackIdentityDescription, handlers: stackIdentityHandlers, offline: true },
} as const;

export type ResourceKind = keyof typeof resourceKinds;

/** A kind's handlers over plain objects, as adapters call them (they hold no static types). */
export interface ServedKind {
  description: ResourceDescription;
  handlers: ResourceHandlers<object, object>;
  /**
   * Its handlers call no API: the adapters give them a context without one, so an error of the
   * API (a wrong key or URL) is reported by the first resource that calls it, which made the call.
   */
  offline: boolean;
}

/**
 * A kind's handlers as both adapters serve them: `check` also refuses properties the resource does
 * not have (a misspelled input would otherwise be dropped without a word), each named with the
 * nearest known one.
 */
export function servedKind(kind: ResourceKind): ServedKind {
  const entry = resourceKinds[kind];
  const { description, handlers } = entry;
  const served = handlers as unknown as ResourceHandlers<object, object>;
  return {
    description,
    offline: "offline" in entry && entry.offline,
    handlers: {
      ...served,
      async check(olds, news, ctx) {
        const unknown = unknownProperties(description, news as Record<string, unknown>).map((reason) => ({
          property: "",
          reason,
        }));
        const result = await served.check(olds, news, ctx);
        return { ...result, failures: [...unknown, ...result.failures] };
      },
    },
  };
}
