// Our Go and Python language hosts (tools/pulumi-language-hosts) over gRPC, as the engine talks to
// them: an RPC they do not serve says which host and which RPC, instead of gRPC's bare message.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { LanguageRuntimeClient } from "@pulumi/pulumi/proto/language_grpc_pb";
import { TemplateRequest } from "@pulumi/pulumi/proto/language_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { pinnedPulumiVersion, requirePulumi } from "./harness";

async function withHost<T>(name: string, fn: (client: LanguageRuntimeClient) => Promise<T>): Promise<T> {
  const host = spawn(name, [], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const [first] = (await once(host.stdout, "data")) as [Buffer];
    const port = Number(first.toString().split("\n")[0]);
    assert.ok(port > 0, `${name} printed its port first: ${first.toString()}`);
    const client = new LanguageRuntimeClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      return await fn(client);
    } finally {
      client.close();
    }
  } finally {
    host.kill();
  }
}

for (const name of ["pulumi-language-python", "pulumi-language-go"]) {
  test(`${name}: reports its version, and names itself and the RPC it does not serve`, async () => {
    await requirePulumi();
    await withHost(name, async (client) => {
      const info = await new Promise<string>((resolve, reject) =>
        client.getPluginInfo(new Empty(), (err, res) => (err ? reject(err) : resolve(res!.getVersion()))),
      );
      assert.equal(info, `v${pinnedPulumiVersion}`);
      const err = await new Promise<grpc.ServiceError | null>((resolve) =>
        client.template(new TemplateRequest(), (e) => resolve(e)),
      );
      assert.equal(err?.code, grpc.status.UNIMPLEMENTED);
      assert.equal(
        err?.details,
        `${name} (pulumi-akash's language host) does not implement the Template RPC`,
      );
    });
  });
}
