// The dynamic-provider adapter, loaded by package name (`pulumi-akash/dynamic`) inside the engine's
// provider process. It turns the engine's calls into handler calls: strips `__provider`, builds the
// API client from run-time settings, maps partial creates to init errors, and keeps secrets out of
// error messages (those mechanics are shared with the plugin adapter, in ../adapter/).
import "../../sdk/node-guard";
import * as pulumi from "@pulumi/pulumi";
import { resolveSettings } from "../config";
import { ApiSession } from "../adapter/api-session";
import { engineError, withoutEcho } from "../adapter/errors";
import { servedKind, type ResourceKind } from "../adapter/kinds";
import type { HandlerContext } from "../resources/handler";

export type { ResourceKind } from "../adapter/kinds";

// Adapter state of this provider process: the settings the engine configured it with, and the API
// client built from them on first use. Handlers get them through their context, never from here.
let session = new ApiSession(resolveSettings(undefined));

/** Called by the engine with the stack config before any other call. */
export function configure(config: pulumi.dynamic.Config | undefined): void {
  session = new ApiSession(resolveSettings(config));
}

const engineLog = {
  info: (message: string) => void pulumi.log.info(message),
  warn: (message: string) => void pulumi.log.warn(message),
};

// Engine payloads carry the serialized provider under __provider; handlers never see it.
function clean<T>(props: T): T {
  if (!props || typeof props !== "object") return props;
  const { __provider: _omit, ...rest } = props as Record<string, unknown>;
  return rest as T;
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
    const failure = engineError(err, what, (text) => session.scrub(text));
    // An init failure: the engine keeps id + properties in state for the next up/destroy.
    if (failure.kind === "init") throw Object.assign(new Error(failure.failure.message), failure.failure);
    throw reportedOnce(new Error(failure.message));
  }
}

/** A dynamic ResourceProvider serving one resource kind's handlers. */
export function providerFor(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  const served = servedKind(kind);
  const h = served.handlers;
  const label = kind;
  const context = async (): Promise<HandlerContext> =>
    served.offline ? session.offlineContext(engineLog) : session.context(engineLog);
  return {
    configure: async (req) => configure(req.config),
    check: (olds, news) =>
      guarded(`${label} check`, async () => {
        session.announce(engineLog);
        // No API request here: a check that asks the API does so briefly, and works offline.
        const ctx = session.hasKey
          ? await session.context(engineLog, { verify: false }).catch(() => undefined)
          : undefined;
        const result = await h.check(olds ? clean(olds) : undefined, clean(news), ctx);
        return { ...result, failures: result.failures.map((f) => withoutEcho(f, news)) };
      }),
    diff: (id, olds, news) =>
      guarded(`${label} ${id} diff`, async () =>
        h.diff(id, clean(olds), clean(news), session.hasKey ? await context() : undefined),
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
