// The dynamic-provider adapter, loaded by package name (`pulumi-akash/dynamic`) inside the engine's
// provider process. It turns the engine's calls into handler calls: strips `__provider`, builds the
// API client from run-time settings, maps partial creates to init errors, and keeps secrets out of
// error messages.
import { createHash } from "node:crypto";
import { homedir } from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AkashClient } from "../../sdk";
import { MISSING_KEY_MESSAGE, resolveSettings, type ProviderSettings } from "../config";
import { createApi, type AkashApi } from "../resources/api";
import { fileJournal } from "../resources/creation-journal";
import { apiKeyHandlers } from "../resources/api-key";
import { certificateHandlers } from "../resources/certificate";
import { deploymentHandlers } from "../resources/deployment";
import {
  PartialCreateError,
  type CheckFailure,
  type HandlerContext,
  type ResourceHandlers,
} from "../resources/handler";
import { leaseHandlers } from "../resources/lease";
import { stackIdentityHandlers } from "../resources/stack-identity";

export const handlersByKind = {
  apiKey: apiKeyHandlers,
  certificate: certificateHandlers,
  deployment: deploymentHandlers,
  lease: leaseHandlers,
  stackIdentity: stackIdentityHandlers,
} as const;

export type ResourceKind = keyof typeof handlersByKind;

// Adapter state of this provider process: the settings the engine configured it with, and the API
// client built from them on first use. Handlers get them through their context, never from here.
let settings: ProviderSettings = resolveSettings(undefined);
let api: AkashApi | undefined;

/** Called by the engine with the stack config before any other call. */
export function configure(config: pulumi.dynamic.Config | undefined): void {
  settings = resolveSettings(config);
  api = undefined;
}

/** One small file per stack identity, beside the CLI's own files (PULUMI_HOME). */
function journalFile(scope: string): string {
  const home = process.env.PULUMI_HOME || path.join(homedir(), ".pulumi");
  const name = createHash("sha256").update(scope).digest("hex").slice(0, 32);
  return path.join(home, "pulumi-akash", "created-deployments", `${name}.json`);
}

/** The handlers' context, once the base URL has answered as a managed-wallet API taking the key. */
async function context(): Promise<HandlerContext> {
  if (!api) {
    if (!settings.apiKey) throw new Error(MISSING_KEY_MESSAGE);
    api = createApi(
      new AkashClient({
        apiKey: settings.apiKey,
        ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
        trustIdempotencyKey: settings.trustIdempotencyKey,
        userAgent: "pulumi-akash",
      }),
    );
  }
  await api.verify();
  return {
    api,
    journal: (scope) => fileJournal(journalFile(scope)),
    log: {
      info: (message) => void pulumi.log.info(message),
      warn: (message) => void pulumi.log.warn(message),
    },
  };
}

// Engine payloads carry the serialized provider under __provider; handlers never see it.
function clean<T>(props: T): T {
  if (!props || typeof props !== "object") return props;
  const { __provider: _omit, ...rest } = props as Record<string, unknown>;
  return rest as T;
}

/** Error text without the API key, whatever produced it. */
function scrub(message: string): string {
  const key = settings.apiKey;
  return key ? message.split(key).join("[redacted]") : message;
}

// The Node SDK's dynamic provider prints `${e}: ${e.stack}` to stderr for every error that check,
// diff, read or delete throw, and the engine shows that line beside the error it already reports
// ("Error: X: Error: X" and a trace with source paths). Those lines go to the debug log instead.
const reported = new Set<string>();
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  if (args.length === 1 && typeof args[0] === "string" && reported.delete(args[0])) {
    void pulumi.log.debug(args[0]);
    return;
  }
  consoleError(...args);
};

function reportedOnce(err: Error): Error {
  reported.add(`${String(err)}: ${err.stack}`);
  return err;
}

async function guarded<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const message = scrub(err instanceof Error ? err.message : String(err));
    if (err instanceof PartialCreateError) {
      // The engine keeps id + properties in state for the next up/destroy (ErrorResourceInitFailed).
      throw Object.assign(new Error(message), {
        id: err.id,
        properties: err.properties,
        reasons: err.reasons.map(scrub),
      });
    }
    throw reportedOnce(new Error(`${what}: ${message}`));
  }
}

/**
 * The engine prints a failing property's whole value before the reason ("property sdl value {...}
 * has a problem"): for a document such as an SDL that buries the one sentence that matters. Such a
 * failure is reported without the property, its reason naming it instead.
 */
function withoutEcho(failure: CheckFailure, inputs: Record<string, unknown>): CheckFailure {
  const value = inputs[failure.property];
  if (typeof value !== "string" || (value.length <= 80 && !value.includes("\n"))) return failure;
  const named = failure.reason.toLowerCase().includes(failure.property.toLowerCase());
  return { property: "", reason: named ? failure.reason : `${failure.property}: ${failure.reason}` };
}

/** A dynamic ResourceProvider serving one resource kind's handlers. */
export function providerFor(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  const h = handlersByKind[kind] as ResourceHandlers<object, object>;
  const label = kind;
  return {
    configure: async (req) => configure(req.config),
    check: (olds, news) =>
      guarded(`${label} check`, async () => {
        // A check that cannot reach the API still checks what it can: preview works offline.
        const ctx = settings.apiKey ? await context().catch(() => undefined) : undefined;
        const result = await h.check(olds ? clean(olds) : undefined, clean(news), ctx);
        return { ...result, failures: result.failures.map((f) => withoutEcho(f, news)) };
      }),
    diff: (id, olds, news) =>
      guarded(`${label} ${id} diff`, async () =>
        h.diff(id, clean(olds), clean(news), settings.apiKey ? await context() : undefined),
      ),
    create: (inputs) => guarded(`${label} create`, async () => h.create(await context(), clean(inputs))),
    read: (id, props) =>
      guarded(`${label} ${id} read`, async () => {
        const result = await h.read(await context(), id, clean(props ?? {}));
        return result.id ? { id: result.id, props: result.props } : { id: "", props: {} };
      }),
    update: (id, olds, news) =>
      guarded(`${label} ${id} update`, async () => ({
        outs: await h.update(await context(), id, clean(olds), clean(news)),
      })),
    delete: (id, props) =>
      guarded(`${label} ${id} delete`, async () => h.delete(await context(), id, clean(props))),
  };
}
