// The plugin adapter: Pulumi's resource-provider gRPC service (pulumirpc.ResourceProvider) over the
// same handlers as the Node dynamic adapter. Served here rather than through `@pulumi/pulumi/provider`
// because that one drops provider configuration (CheckConfig, DiffConfig, Configure) and detailed
// diffs. Each engine call becomes one handler call: values unwrapped (./values.ts), the API session
// built from Configure (../adapter/api-session.ts), failures mapped as the dynamic adapter maps them
// (../adapter/errors.ts).
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { ResourceProviderService, type IResourceProviderServer } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as rpc from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { ApiSession } from "../adapter/api-session";
import { engineError, withoutEcho, type EngineError } from "../adapter/errors";
import type { ServedKind } from "../adapter/kinds";
import { configDescription, resolveSettings } from "../config";
import { UNKNOWN } from "../engine-values";
import { propertiesOf, secretOutputsOf } from "../schema/describe";
import { changedSettings, configFailures, configuredValue, settingsFrom } from "./config";
import { detailedDiff } from "./diff";
import { EngineLog } from "./engine-log";
import { inputNames, internalInputs, servedByToken } from "./resources";
import { checkedScope, scopeChanges, STACK_SCOPE } from "./stack-scope";
import { fromStruct, toStruct, type Properties } from "./values";
import { ConstructError, constructWorkload, WORKLOAD } from "./construct";
import { packageFile } from "./package-files";

const version = (JSON.parse(packageFile("package.json")) as { version: string }).version;

/** An error the engine shows as the call's failure (grpc UNKNOWN carries the message as is). */
class CallError extends Error {}

function unsupported(method: string, why: string): grpc.ServerErrorResponse {
  return {
    name: "Unimplemented",
    code: grpc.status.UNIMPLEMENTED,
    message: `the akash provider does not support ${method}: ${why}`,
    details: `the akash provider does not support ${method}: ${why}`,
  };
}

function toGrpcError(failure: EngineError): grpc.ServerErrorResponse {
  if (failure.kind === "error") {
    return { name: "Error", code: grpc.status.UNKNOWN, message: failure.message, details: failure.message };
  }
  // Structured detail in `grpc-status-details-bin`: the engine records id and properties in state.
  const { message, id, properties, reasons } = failure.failure;
  const detail = new rpc.ErrorResourceInitFailed()
    .setId(id)
    .setProperties(toStruct(properties))
    .setReasonsList(reasons);
  const any = new Any();
  any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
  const status = new Status().setCode(grpc.status.UNKNOWN).setMessage(message);
  status.addDetails(any);
  const metadata = new grpc.Metadata();
  metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  return { name: "Error", code: grpc.status.UNKNOWN, message, details: message, metadata };
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` → type token (its last, own part) and name. */
function fromUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  return { type: (parts[2] ?? "").split("$").pop() ?? "", name: parts[3] ?? "" };
}

/** Kept secret in state: what arrived secret, and what the description marks secret. */
const secretNames = (served: ServedKind, ...from: Properties[]) =>
  new Set([...secretOutputsOf(served.description), ...from.flatMap((p) => [...p.secrets])]);

export class AkashPluginProvider {
  private session = new ApiSession(resolveSettings(undefined));
  /** The stack's scope for creation keys, from Configure (./stack-scope.ts). */
  private stackScope: string | undefined;
  private cancelled = false;
  readonly log = new EngineLog();

  /** Runs one resource call: the resource's handlers, its logger, failures in the engine's terms. */
  private async resource<T>(
    request: { getUrn(): string; getType?(): string },
    op: string,
    run: (
      served: ServedKind,
      ctx: (options?: { verify?: boolean }) => ReturnType<ApiSession["context"]>,
    ) => Promise<T>,
  ): Promise<T> {
    const urn = request.getUrn();
    const { type: urnType, name } = fromUrn(urn);
    const type = request.getType?.() || urnType;
    const served = servedByToken(type);
    try {
      if (this.cancelled) throw new CallError("the engine cancelled this run; no further calls are served");
      if (!served) {
        throw new CallError(`unknown resource type ${type}`);
      }
      const session = this.session;
      const log = this.log.forResource(urn, (t) => session.scrub(t));
      return await run(served, async (options) =>
        served.offline ? session.offlineContext(log) : session.context(log, options),
      );
    } catch (err) {
      if (err instanceof CallError) throw toGrpcError({ kind: "error", message: err.message });
      throw toGrpcError(
        engineError(err, `${served?.description.name ?? type} ${name} ${op}`, (t) => this.session.scrub(t)),
      );
    }
  }

  /** The service implementation handed to grpc-js. */
  service(): IResourceProviderServer {
    const unary =
      <Req, Res>(handle: (req: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> =>
      (call, callback) => {
        handle(call.request).then(
          (res) => callback(null, res),
          (err: grpc.ServerErrorResponse) => callback(err),
        );
      };
    const refuse =
      (method: string, why: string): grpc.handleUnaryCall<unknown, never> =>
      (_call, callback) =>
        callback(unsupported(method, why));
    return {
      handshake: unary(async (req: rpc.ProviderHandshakeRequest) => {
        this.log.connect(req.getEngineAddress());
        return new rpc.ProviderHandshakeResponse().setAcceptSecrets(true);
      }),
      attach: unary(async (req) => {
        this.log.connect(req.getAddress());
        return new Empty();
      }),
      getPluginInfo: unary(async () => new PluginInfo().setVersion(version)),
      getSchema: unary(async () => new rpc.GetSchemaResponse().setSchema(packageFile("schema.json"))),
      checkConfig: unary(async (req: rpc.CheckRequest) => {
        const news = fromStruct(req.getNews());
        const secret = new Set([
          ...news.secrets,
          ...Object.keys(configDescription).filter(
            (k) => configDescription[k as keyof typeof configDescription].spec.secret,
          ),
        ]);
        const { scope, failures } = checkedScope(fromStruct(req.getOlds()).values, news.values);
        const res = new rpc.CheckResponse().setInputs(
          toStruct({ ...news.values, [STACK_SCOPE]: scope }, secret),
        );
        for (const f of [...configFailures(news.values), ...failures])
          res.addFailures(new rpc.CheckFailure().setProperty(f.property).setReason(f.reason));
        return res;
      }),
      diffConfig: unary(async (req: rpc.DiffRequest) => {
        const [olds, news] = [fromStruct(req.getOlds()).values, fromStruct(req.getNews()).values];
        const changed = [...changedSettings(olds, news), ...scopeChanges(olds, news)];
        const res = new rpc.DiffResponse().setChanges(
          changed.length ? rpc.DiffResponse.DiffChanges.DIFF_SOME : rpc.DiffResponse.DiffChanges.DIFF_NONE,
        );
        res.setDiffsList(changed).setHasdetaileddiff(true);
        for (const key of changed) {
          res
            .getDetaileddiffMap()
            .set(key, new rpc.PropertyDiff().setKind(rpc.PropertyDiff.Kind.UPDATE).setInputdiff(true));
        }
        return res;
      }),
      configure: unary(async (req: rpc.ConfigureRequest) => {
        const variables = new Map(req.getVariablesMap().toArray());
        const args = fromStruct(req.getArgs()).values;
        this.session = new ApiSession(settingsFrom(args, variables));
        this.stackScope = configuredValue(args, variables, STACK_SCOPE);
        return new rpc.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true);
      }),
      check: unary((req: rpc.CheckRequest) =>
        this.resource(req, "check", async (served, ctx) => {
          const olds = fromStruct(req.getOlds());
          const news = fromStruct(req.getNews());
          const isNew = Object.keys(olds.values).length === 0;
          // Once per run, not attributed to one resource (an empty URN).
          this.session.announce(this.log.forResource("", (t) => this.session.scrub(t)));
          // No API request here: a check that asks the API does so briefly, and works offline.
          const context = this.session.hasKey
            ? await ctx({ verify: false }).catch(() => undefined)
            : undefined;
          const result = await served.handlers.check(isNew ? undefined : olds.values, news.values, context);
          const inputs = {
            ...result.inputs,
            ...internalInputs(served, this.stackScope, req.getUrn(), olds.values),
          };
          const res = new rpc.CheckResponse().setInputs(toStruct(inputs, secretNames(served, news)));
          for (const f of result.failures.map((f) => withoutEcho(f, news.values))) {
            res.addFailures(new rpc.CheckFailure().setProperty(f.property).setReason(f.reason));
          }
          return res;
        }),
      ),
      diff: unary((req: rpc.DiffRequest) =>
        this.resource(req, `${req.getId()} diff`, async (served, ctx) => {
          const olds = fromStruct(req.getOlds()).values;
          const news = fromStruct(req.getNews()).values;
          const verdict = await served.handlers.diff(
            req.getId(),
            olds,
            news,
            this.session.hasKey ? await ctx() : undefined,
          );
          // Per property, inputs against inputs: the recorded outputs hold what the API resolved for
          // an omitted input (a Deployment's name), which the engine would show as "- name: [unknown]".
          const oldInputs = req.hasOldInputs() ? fromStruct(req.getOldInputs()).values : olds;
          const diff = detailedDiff(served.description, verdict, oldInputs, news);
          const res = new rpc.DiffResponse()
            .setChanges(
              diff.changes ? rpc.DiffResponse.DiffChanges.DIFF_SOME : rpc.DiffResponse.DiffChanges.DIFF_NONE,
            )
            .setReplacesList(diff.replaces)
            .setDeletebeforereplace(diff.deleteBeforeReplace)
            .setDiffsList(diff.properties.map((p) => p.name))
            .setHasdetaileddiff(diff.properties.length > 0);
          const kinds = rpc.PropertyDiff.Kind;
          for (const p of diff.properties) {
            const kind =
              p.change === "add"
                ? p.replace
                  ? kinds.ADD_REPLACE
                  : kinds.ADD
                : p.change === "delete"
                  ? p.replace
                    ? kinds.DELETE_REPLACE
                    : kinds.DELETE
                  : p.replace
                    ? kinds.UPDATE_REPLACE
                    : kinds.UPDATE;
            res.getDetaileddiffMap().set(p.name, new rpc.PropertyDiff().setKind(kind).setInputdiff(true));
          }
          return res;
        }),
      ),
      create: unary((req: rpc.CreateRequest) =>
        this.resource(req, "create", async (served, ctx) => {
          const inputs = fromStruct(req.getProperties());
          const secrets = secretNames(served, inputs);
          if (req.getPreview()) {
            // What the resource will have: its inputs, and every output-only property unknown.
            const unknown = Object.fromEntries(
              Object.keys(propertiesOf(served.description))
                .filter((k) => !(k in inputs.values))
                .map((k) => [k, UNKNOWN]),
            );
            return new rpc.CreateResponse().setProperties(
              toStruct({ ...unknown, ...inputs.values }, secrets),
            );
          }
          const { id, outs } = await served.handlers.create(await ctx(), inputs.values);
          return new rpc.CreateResponse().setId(id).setProperties(toStruct(outs, secrets));
        }),
      ),
      read: unary((req: rpc.ReadRequest) =>
        this.resource(req, `${req.getId()} read`, async (served, ctx) => {
          const props = fromStruct(req.getProperties());
          const inputs = fromStruct(req.getInputs());
          const context = await ctx();
          // An import: nothing recorded yet, so read starts from what the resource adopts.
          const importing = !Object.keys(props.values).length && !Object.keys(inputs.values).length;
          const recorded =
            importing && served.handlers.adopt
              ? await served.handlers.adopt(context, req.getId())
              : props.values;
          const result = await served.handlers.read(context, req.getId(), recorded);
          if (!result.id || !result.props) return new rpc.ReadResponse(); // gone: the engine drops it
          const outs = result.props as Record<string, unknown>;
          const secrets = secretNames(served, props, inputs);
          // Refresh keeps the recorded inputs; an import (no inputs yet) takes them from what was read.
          const readInputs = !importing
            ? inputs.values
            : Object.fromEntries(
                inputNames(served)
                  .filter((k) => k in outs)
                  .map((k) => [k, outs[k]]),
              );
          return new rpc.ReadResponse()
            .setId(result.id)
            .setProperties(toStruct(outs, secrets))
            .setInputs(toStruct(readInputs, secrets));
        }),
      ),
      update: unary((req: rpc.UpdateRequest) =>
        this.resource(req, `${req.getId()} update`, async (served, ctx) => {
          const olds = fromStruct(req.getOlds());
          const news = fromStruct(req.getNews());
          const secrets = secretNames(served, olds, news);
          // A preview keeps what is known: the recorded outputs with the new inputs over them.
          const outs = req.getPreview()
            ? { ...olds.values, ...news.values }
            : await served.handlers.update(await ctx(), req.getId(), olds.values, news.values);
          return new rpc.UpdateResponse().setProperties(toStruct(outs, secrets));
        }),
      ),
      delete: unary((req: rpc.DeleteRequest) =>
        this.resource(req, `${req.getId()} delete`, async (served, ctx) => {
          await served.handlers.delete(await ctx(), req.getId(), fromStruct(req.getProperties()).values);
          return new Empty();
        }),
      ),
      cancel: unary(async () => {
        // Calls already running finish (a half-made deployment is recorded, not leaked); new ones fail.
        this.cancelled = true;
        return new Empty();
      }),
      parameterize: refuse("Parameterize", "the akash package takes no parameters"),
      invoke: refuse("Invoke", "the akash package has no functions"),
      call: refuse("Call", "the akash package has no resource methods"),
      construct: unary(async (req: rpc.ConstructRequest) => {
        try {
          if (this.cancelled)
            throw new ConstructError("the engine cancelled this run; no further calls are served");
          if (req.getType() !== WORKLOAD) {
            throw new ConstructError(
              `unknown component ${req.getType()}: the akash package has one, ${WORKLOAD}`,
            );
          }
          return await constructWorkload(req);
        } catch (err) {
          const message =
            err instanceof ConstructError ? err.message : `Workload ${req.getName()}: ${String(err)}`;
          throw toGrpcError({ kind: "error", message: this.session.scrub(message) });
        }
      }),
      list: (call) => {
        call.emit("error", unsupported("List", "resources are listed by `pulumi import` with their ids"));
      },
      getMapping: refuse("GetMapping", "there is no Terraform provider to map from"),
      getMappings: refuse("GetMappings", "there is no Terraform provider to map from"),
    } as IResourceProviderServer;
  }
}

/** Serves the provider on loopback; resolves with the port (printed for the engine by main.ts). */
export async function serve(provider: AkashPluginProvider): Promise<{ port: number; server: grpc.Server }> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(ResourceProviderService, provider.service());
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { port, server };
}
