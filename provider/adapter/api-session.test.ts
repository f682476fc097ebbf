// The adapters' API session against the reference server on loopback.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { startServer } from "../../server";
import { nginxSdl } from "../engine-tests/sdl-fixtures";
import { deploymentHandlers } from "../resources/deployment";
import { ApiSession } from "./api-session";

type RunningServer = Awaited<ReturnType<typeof startServer>>;
let server: RunningServer;
const home = mkdtempSync(path.join(tmpdir(), "api-session-"));
const savedHome = process.env.PULUMI_HOME;
before(async () => {
  process.env.PULUMI_HOME = home;
  server = await startServer({
    logLevel: "silent",
    bidDelayMs: 100,
    faults: { balanceTopUpPendingSeconds: 1 },
  });
});
after(async () => {
  await server.close();
  if (savedHome === undefined) delete process.env.PULUMI_HOME;
  else process.env.PULUMI_HOME = savedHome;
  rmSync(home, { recursive: true, force: true });
});

test("a wait the API asks for (402 balance_top_up_pending, Retry-After) is logged with its length, then the create runs", async () => {
  const { apiKey } = await server.createUser("session@example.test", 100);
  const session = new ApiSession({ apiKey, baseUrl: server.url, trustIdempotencyKey: true });
  const logs: string[] = [];
  const ctx = await session.context({ info: (m) => logs.push(m), warn: (m) => logs.push(`warn: ${m}`) });
  const { id } = await deploymentHandlers.create(ctx, {
    sdl: nginxSdl(),
    deposit: 5,
    creationKey: "session/1",
  });
  assert.ok(id);
  assert.ok(
    logs.includes(
      "POST /v1/deployments answered 402 balance_top_up_pending: waiting 1 s (as its Retry-After asks) before attempt 2",
    ),
    logs.join("\n"),
  );
});
