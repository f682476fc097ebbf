// The plugin's gRPC service on loopback, called as the engine calls it, against the reference API:
// what a user of another language meets that the engine tests do not single out (unsupported
// calls, a bad setting, cancel, secrets in and out, preview values).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as rpc from "@pulumi/pulumi/proto/provider_pb";
import { referenceApi, type ReferenceApi } from "../engine-tests/reference-api";
import { UNKNOWN } from "../engine-values";
import { AkashPluginProvider, serve } from "./service";
import { fromStruct, toStruct } from "./values";

const URN = "urn:pulumi:dev::proj::akash:index:ApiKey::ci";
const DEPLOYMENT_URN = "urn:pulumi:dev::proj::akash:index:Deployment::web";
const SDL = readFileSync(path.join(__dirname, "../../../examples/nginx/deploy.yaml"), "utf8");

type Callback<Res> = (err: grpc.ServiceError | null, res: Res) => void;

/** One unary call, e.g. `call<T>((cb) => client.getSchema(req, cb))`. */
function call<Res>(send: (cb: Callback<Res>) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => send((err, res) => (err ? reject(err) : resolve(res))));
}

describe("plugin service", () => {
  let ref: ReferenceApi;
  let server: grpc.Server;
  let client: ResourceProviderClient;

  before(async () => {
    ref = await referenceApi();
    const served = await serve(new AkashPluginProvider());
    server = served.server;
    client = new ResourceProviderClient(`127.0.0.1:${served.port}`, grpc.credentials.createInsecure());
    const args = toStruct({ apiKey: ref.apiKey, baseUrl: ref.server.url }, ["apiKey"]);
    await call<rpc.ConfigureResponse>((cb) =>
      client.configure(new rpc.ConfigureRequest().setArgs(args).setAcceptsecrets(true), cb),
    );
  });
  after(async () => {
    client?.close();
    server?.forceShutdown();
    await ref?.close();
  });

  test("the schema is the package's schema.json", async () => {
    const res = await call<rpc.GetSchemaResponse>((cb) => client.getSchema(new rpc.GetSchemaRequest(), cb));
    const schema = JSON.parse(res.getSchema()) as { name: string; resources: Record<string, unknown> };
    assert.equal(schema.name, "akash");
    assert.ok(schema.resources["akash:index:Deployment"]);
  });

  test("a call the provider does not serve fails saying so", async () => {
    await assert.rejects(
      call<rpc.InvokeResponse>((cb) => client.invoke(new rpc.InvokeRequest().setTok("akash:index:x"), cb)),
      {
        code: grpc.status.UNIMPLEMENTED,
        details: /does not support Invoke: the akash package has no functions/,
      },
    );
    await assert.rejects(
      call<rpc.ConstructResponse>((cb) =>
        client.construct(new rpc.ConstructRequest().setType("akash:index:Cluster").setName("c"), cb),
      ),
      { details: /unknown component akash:index:Cluster: the akash package has one, akash:index:Workload/ },
    );
  });

  test("a Workload with an invalid SDL fails its Construct naming sdl and the problem, before registering anything", async () => {
    const bad = SDL.replace(/units: [0-9.]+/, "units: 0");
    const req = new rpc.ConstructRequest()
      .setType("akash:index:Workload")
      .setName("web")
      .setMonitorendpoint("127.0.0.1:1") // nothing listens: an attempt to register would fail otherwise
      .setInputs(toStruct({ sdl: bad, deposit: 5 }));
    await assert.rejects(
      call<rpc.ConstructResponse>((cb) => client.construct(req, cb)),
      { details: /^Workload web: sdl: Invalid SDL: .*must be greater than 0/ },
    );
  });

  test("a base URL that is not a URL fails CheckConfig, naming the setting", async () => {
    const res = await call<rpc.CheckResponse>((cb) =>
      client.checkConfig(
        new rpc.CheckRequest().setNews(toStruct({ baseUrl: "127.0.0.1:3080", apiKey: "k" })),
        cb,
      ),
    );
    assert.deepEqual(
      res.getFailuresList().map((f) => f.getProperty()),
      ["baseUrl"],
    );
    assert.deepEqual([...fromStruct(res.getInputs()).secrets], ["apiKey"], "the key goes back secret");
  });

  test("preview of a create: inputs as given, outputs unknown", async () => {
    const res = await call<rpc.CreateResponse>((cb) =>
      client.create(
        new rpc.CreateRequest()
          .setUrn(URN)
          .setType("akash:index:ApiKey")
          .setPreview(true)
          .setProperties(toStruct({ name: "ci" })),
        cb,
      ),
    );
    const { values, secrets } = fromStruct(res.getProperties());
    assert.equal(values.name, "ci");
    assert.equal(values.keyFormat, UNKNOWN);
    assert.ok(secrets.has("key"), "the key output is secret, even unknown");
  });

  test("a created API key's secret comes back wrapped as a secret", async () => {
    const res = await call<rpc.CreateResponse>((cb) =>
      client.create(
        new rpc.CreateRequest()
          .setUrn(URN)
          .setType("akash:index:ApiKey")
          .setProperties(toStruct({ name: "ci" })),
        cb,
      ),
    );
    const { values, secrets } = fromStruct(res.getProperties());
    assert.match(String(values.key), /^ac\.sk\./);
    assert.ok(secrets.has("key"));
    assert.ok(res.getId());
  });

  test("CheckConfig adds the stack scope: a new one without state, the recorded one with it", async () => {
    const checked = async (olds: Record<string, unknown>) =>
      fromStruct(
        (
          await call<rpc.CheckResponse>((cb) =>
            client.checkConfig(
              new rpc.CheckRequest()
                .setOlds(toStruct(olds))
                .setNews(toStruct({ apiKey: "k", version: "0.1.0" })),
              cb,
            ),
          )
        ).getInputs(),
      ).values;
    const made = await checked({});
    assert.match(String(made.stackScope), /^stack-[0-9a-f]{32}$/);
    assert.equal(made.version, "0.1.0", "the other inputs pass through");
    assert.notEqual((await checked({})).stackScope, made.stackScope);
    assert.equal((await checked({ apiKey: "k", stackScope: "stack-recorded" })).stackScope, "stack-recorded");
  });

  test("DiffConfig: the recorded scope is no change; one recorded for the first time is an update", async () => {
    const diff = (olds: Record<string, unknown>) =>
      call<rpc.DiffResponse>((cb) =>
        client.diffConfig(
          new rpc.DiffRequest()
            .setOlds(toStruct(olds))
            .setNews(toStruct({ apiKey: "k", stackScope: "stack-a" })),
          cb,
        ),
      );
    const same = await diff({ apiKey: "k", stackScope: "stack-a" });
    assert.equal(same.getChanges(), rpc.DiffResponse.DiffChanges.DIFF_NONE);
    const first = await diff({ apiKey: "k" });
    assert.equal(first.getChanges(), rpc.DiffResponse.DiffChanges.DIFF_SOME);
    assert.deepEqual(first.getDiffsList(), ["stackScope"]);
    assert.equal(first.getDetaileddiffMap().get("stackScope")?.getKind(), rpc.PropertyDiff.Kind.UPDATE);
    assert.deepEqual(first.getReplacesList(), [], "never a replacement");
  });

  test("a Deployment's creation key: the configured stack scope and its name, a recorded one kept", async () => {
    const scoped = await serve(new AkashPluginProvider());
    const other = new ResourceProviderClient(`127.0.0.1:${scoped.port}`, grpc.credentials.createInsecure());
    const creationKey = async (c: ResourceProviderClient, olds: Record<string, unknown>) =>
      fromStruct(
        (
          await call<rpc.CheckResponse>((cb) =>
            c.check(
              new rpc.CheckRequest()
                .setUrn(DEPLOYMENT_URN)
                .setType("akash:index:Deployment")
                .setOlds(toStruct(olds))
                .setNews(toStruct({ sdl: SDL, deposit: 5 })),
              cb,
            ),
          )
        ).getInputs(),
      ).values.creationKey;
    try {
      const args = toStruct({ apiKey: ref.apiKey, baseUrl: ref.server.url, stackScope: "stack-s" }, [
        "apiKey",
      ]);
      await call<rpc.ConfigureResponse>((cb) =>
        other.configure(new rpc.ConfigureRequest().setArgs(args), cb),
      );
      assert.equal(await creationKey(other, {}), "stack-s/web");
      const recorded = { sdl: SDL, deposit: 5 };
      assert.equal(await creationKey(other, { ...recorded, creationKey: "stack-r/web" }), "stack-r/web");
      // Earlier versions derived it from the project and stack names: the stack's own scope replaces it.
      const named = "plugin-0123456789abcdef01234567/web";
      assert.equal(await creationKey(other, { ...recorded, creationKey: named }), "stack-s/web");
      // No scope configured (a default provider made by `pulumi import`): no key until an up records one.
      assert.equal(await creationKey(client, {}), undefined);
    } finally {
      other.close();
      scoped.server.forceShutdown();
    }
  });

  test("a misspelled input fails Check, naming it and the input meant, as for the Node classes", async () => {
    const res = await call<rpc.CheckResponse>((cb) =>
      client.check(
        new rpc.CheckRequest()
          .setUrn(DEPLOYMENT_URN)
          .setType("akash:index:Deployment")
          .setNews(toStruct({ sdl: SDL, depost: 5, selection: { stratgy: "first" } })),
        cb,
      ),
    );
    assert.deepEqual(
      res.getFailuresList().map((f) => [f.getProperty(), f.getReason()]),
      [
        ["", 'unknown property "depost" of akash:index:Deployment; did you mean "deposit"?'],
        [
          "",
          'unknown property "selection.stratgy" of akash:index:Deployment; did you mean "selection.strategy"?',
        ],
      ],
    );
  });

  test("the detailed diff of a Deployment update names what changed, not the name the API gave it", async () => {
    const inputs = { sdl: SDL, deposit: 5, creationKey: `test/${Date.now()}` };
    const created = await call<rpc.CreateResponse>((cb) =>
      client.create(
        new rpc.CreateRequest()
          .setUrn(DEPLOYMENT_URN)
          .setType("akash:index:Deployment")
          .setProperties(toStruct(inputs)),
        cb,
      ),
    );
    const outputs = fromStruct(created.getProperties()).values;
    assert.ok(outputs.name, "the API named it (no name input)");
    try {
      const res = await call<rpc.DiffResponse>((cb) =>
        client.diff(
          new rpc.DiffRequest()
            .setUrn(DEPLOYMENT_URN)
            .setType("akash:index:Deployment")
            .setId(created.getId())
            .setOlds(created.getProperties())
            .setOldInputs(toStruct(inputs))
            .setNews(toStruct({ ...inputs, deposit: 6 })),
          cb,
        ),
      );
      assert.equal(res.getChanges(), rpc.DiffResponse.DiffChanges.DIFF_SOME);
      assert.deepEqual(res.getDiffsList(), ["deposit"], "no `- name: [unknown]`");
      assert.equal(res.getDetaileddiffMap().get("deposit")?.getKind(), rpc.PropertyDiff.Kind.UPDATE);
    } finally {
      await ref.client.closeDeployment(created.getId());
    }
  });

  test("after Cancel, calls fail saying the run was cancelled", async () => {
    const cancelled = new AkashPluginProvider();
    const served = await serve(cancelled);
    const other = new ResourceProviderClient(`127.0.0.1:${served.port}`, grpc.credentials.createInsecure());
    try {
      await call<Empty>((cb) => other.cancel(new Empty(), cb));
      await assert.rejects(
        call<rpc.CheckResponse>((cb) =>
          other.check(
            new rpc.CheckRequest()
              .setUrn(URN)
              .setType("akash:index:ApiKey")
              .setNews(toStruct({ name: "x" })),
            cb,
          ),
        ),
        { details: /cancelled this run/ },
      );
    } finally {
      other.close();
      served.server.forceShutdown();
    }
  });
});
