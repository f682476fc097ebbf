// Sealed secrets on both stores: the context, the seal checks as the live API makes them, values
// resolved only for the (simulated) provider, inheritance, PATCH, key rotation, and a search of the
// store, the log and every answer for each value, which must find it 0 times.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CompactEncrypt, importJWK } from "jose";
import { sealSdlSecrets, type SdlSecretsContext } from "../../../sdk";
import { ManualClock } from "../../market";
import { client, type Caller } from "../../test-support/http";
import { describeEachStore } from "../../test-support/stores";

const START = Date.UTC(2026, 0, 1);
const ADMIN_TOKEN = "admin-token-for-tests";

/** The seed guide's nginx SDL with env values: two secret references and a plain one. */
function secretSdl(
  env: string[] = [
    "DB_PASSWORD=ac-secret://DB_PASSWORD",
    "API_TOKEN=ac-secret://API_TOKEN",
    "MODE=production",
  ],
): string {
  return `
version: "2.0"
services:
  web:
    image: nginx:1.25.3
    env:
${env.map((e) => `      - "${e}"`).join("\n")}
    expose:
      - port: 80
        to:
          - global: true
profiles:
  compute:
    web:
      resources:
        cpu:
          units: 0.5
        memory:
          size: 512Mi
        storage:
          size: 512Mi
  placement:
    akash:
      pricing:
        web:
          denom: uakt
          amount: 1000
deployment:
  web:
    akash:
      profile: web
      count: 1
`;
}

describeEachStore("sealed secrets", (store) => {
  /** A caller that keeps every answer's text and headers, for the search at the end. */
  function recording(caller: Caller, answers: string[]): Caller {
    return async (...args) => {
      const answer = await caller(...args);
      answers.push(answer.text, JSON.stringify([...answer.headers]));
      return answer;
    };
  }

  test("a client that seals nothing has its plain env values sealed by the server: references stored, the value never answered", async () => {
    const server = await store.start({ bidDelayMs: 0 });
    const { apiKey } = await server.createUser("plain@example.com", 100);
    const api = client(server.url, apiKey);
    const value = `plain-${randomUUID()}`;
    const created = await api("POST", "/v1/deployments", {
      data: { sdl: secretSdl([`DB_PASSWORD=${value}`, "MODE=production"]), deposit: 5 },
    });
    assert.equal(created.status, 201, created.text);
    const { dseq } = created.body.data;
    const detail = await api("GET", `/v1/deployments/${dseq}`);
    assert.match(detail.body.data.consoleSettings.sdl, /DB_PASSWORD=ac-secret:\/\/DB_PASSWORD/);
    assert.match(detail.body.data.consoleSettings.sdl, /MODE=ac-secret:\/\/MODE/);
    for (const answer of [created, detail]) assert.equal(answer.text.indexOf(value), -1, "no value answered");
  });

  test("context, seal checks, values only for the provider, inheritance, PATCH, rotation; each value found 0 times in the store, the log and the answers", async () => {
    const clock = new ManualClock({ startMs: START });
    const logLines: string[] = [];
    const stores = await store.freshStore();
    const server = await store.start({
      ...stores,
      clock,
      bidDelayMs: 0,
      logLevel: "trace",
      logDestination: { write: (line: string) => void logLines.push(line) },
      adminRoutes: true,
      adminToken: ADMIN_TOKEN,
    });
    const answers: string[] = [];
    const { apiKey, userId } = await server.createUser("sealer@example.com", 100);
    const api = recording(client(server.url, apiKey), answers);
    const other = recording(
      client(server.url, (await server.createUser("other@example.com", 100)).apiKey),
      answers,
    );
    const values = {
      DB_PASSWORD: `db-${randomUUID()}`,
      API_TOKEN: `tok-${randomUUID()}`,
      ROTATED: `rot-${randomUUID()}`,
      LATER: `later-${randomUUID()}`,
    };

    // The context: bare and in `data`, for the caller.
    const contextAnswer = await api("GET", "/v1/sdl-secrets-context");
    assert.equal(contextAnswer.status, 200);
    const context = contextAnswer.body.data as SdlSecretsContext;
    assert.deepEqual({ ...contextAnswer.body, data: undefined }, { ...context, data: undefined });
    assert.equal(context.sub, userId);
    assert.deepEqual(context.requiredClaims, ["kid", "sub", "exp"]);
    assert.equal(context.jwk.alg, "RSA-OAEP-256");
    assert.equal(context.jwk.use, "enc");
    assert.equal((await client(server.url)("GET", "/v1/sdl-secrets-context")).status, 401);

    const sdl = secretSdl();
    const both = { DB_PASSWORD: values.DB_PASSWORD, API_TOKEN: values.API_TOKEN };
    const create = (data: Record<string, unknown>, caller = api) =>
      caller("POST", "/v1/deployments", { data: { sdl, deposit: 5, ...data } });
    const refused = async (data: Record<string, unknown>, status: number, message: RegExp) => {
      const answer = await create(data);
      assert.equal(answer.status, status, answer.text);
      assert.match(answer.body.message, message);
      return answer;
    };

    // The checks, as the live API makes them.
    await refused(
      {},
      400,
      /No value for the secret references ac-secret:\/\/API_TOKEN, ac-secret:\/\/DB_PASSWORD/,
    );
    await refused(
      { sealedSecrets: await sealSdlSecrets(context, { DB_PASSWORD: values.DB_PASSWORD }, { sdl }) },
      400,
      /ac-secret:\/\/API_TOKEN/,
    );
    await refused(
      { sealedSecrets: await sealSdlSecrets(context, { ...both, EXTRA: values.LATER }, { sdl }) },
      400,
      /value for EXTRA, which the SDL does not reference/,
    );
    const otherContext = (await other("GET", "/v1/sdl-secrets-context")).body.data as SdlSecretsContext;
    await refused(
      { sealedSecrets: await sealSdlSecrets(otherContext, both, { sdl }) },
      403,
      /different user/,
    );
    await refused(
      { sealedSecrets: await sealSdlSecrets(context, both, { sdl: `${sdl}\n` }) },
      403,
      /different SDL/,
    );
    const past = () => Date.now() - 10 * 60_000;
    await refused(
      { sealedSecrets: await sealSdlSecrets(context, both, { sdl, now: past, expiresInSeconds: 60 }) },
      400,
      /expired/,
    );
    await refused(
      { sealedSecrets: await sealSdlSecrets(context, both, { sdl, expiresInSeconds: 3600 }) },
      400,
      /too far in the future/,
    );
    const oaep1 = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(both)))
      .setProtectedHeader({
        alg: "RSA-OAEP",
        enc: "A256GCM",
        kid: context.kid,
        sub: userId,
        exp: Math.floor(Date.now() / 1000) + 60,
      })
      .encrypt(await importJWK({ ...context.jwk, alg: "RSA-OAEP" }, "RSA-OAEP"));
    await refused({ sealedSecrets: oaep1 }, 400, /must use RSA-OAEP-256 and A256GCM/);
    await refused({ sealedSecrets: "not.a.jwe" }, 400, /compact JWE/);
    const good = await sealSdlSecrets(context, both, { sdl });
    const parts = good.split(".");
    parts[3] = `${parts[3]?.[0] === "A" ? "B" : "A"}${parts[3]?.slice(1)}`;
    await refused({ sealedSecrets: parts.join(".") }, 400, /failed authentication/);
    const badReference = await create({ sdl: secretSdl(["X=ac-secret://bad-name"]) });
    assert.equal(badReference.status, 400);
    assert.match(badReference.body.message, /^Invalid SDL: .*reserved prefix "ac-"/);

    // A good seal: the manifest and the stored SDL keep the references; the lease (no manifest sent)
    // gets the values through the simulated provider, which checks them against the hash.
    const created = await create({ sealedSecrets: good, name: "with-secrets" });
    assert.equal(created.status, 201, created.text);
    const { dseq, manifest } = created.body.data;
    assert.match(manifest, /ac-secret:\/\/DB_PASSWORD/);
    clock.advanceMs(1000);
    const [bid] = (await api("GET", `/v1/bids?dseq=${dseq}`)).body.data;
    const leased = await api("POST", "/v1/leases", {
      leases: [{ dseq, gseq: 1, oseq: 1, provider: bid.bid.id.provider }],
    });
    assert.equal(leased.status, 200, leased.text);
    const detail = (await api("GET", `/v1/deployments/${dseq}`)).body.data;
    assert.match(detail.consoleSettings.sdl, /DB_PASSWORD=ac-secret:\/\/DB_PASSWORD/);
    clock.advanceMs(20_000);
    await api("GET", `/v1/logs/${dseq}`);
    await api("GET", `/v1/events/${dseq}`);
    await api("GET", "/v1/deployments?state=active");

    // PATCH: a seal holding only the name it replaces (no sdlHash, or the stored SDL's), a new
    // reference needs its value.
    const patch = (data: unknown) => api("PATCH", `/v1/deployments/${dseq}`, { data });
    const beforeRotation = detail.deployment.hash;
    const rotated = await patch({
      sealedSecrets: await sealSdlSecrets(context, { API_TOKEN: values.ROTATED }),
    });
    assert.equal(rotated.status, 200, rotated.text);
    assert.notEqual(rotated.body.data.manifestVersion, beforeRotation, "a new value is a new manifest");
    const bound = await patch({
      sealedSecrets: await sealSdlSecrets(context, { API_TOKEN: values.ROTATED }, { sdl: `x${sdl}` }),
    });
    assert.equal(bound.status, 403);
    const needsValue = await patch({ services: { web: { env: { LATER: "ac-secret://LATER" } } } });
    assert.equal(needsValue.status, 400);
    assert.match(needsValue.body.message, /ac-secret:\/\/LATER/);
    const withValue = await patch({
      services: { web: { env: { LATER: "ac-secret://LATER" } } },
      sealedSecrets: await sealSdlSecrets(context, { LATER: values.LATER }),
    });
    assert.equal(withValue.status, 200, withValue.text);

    // Inheritance: from a closed deployment, a sealed name wins; 404 for one that is not the caller's.
    await api("DELETE", `/v1/deployments/${dseq}`);
    const inherited = await create({ inheritSecretsFrom: dseq });
    assert.equal(inherited.status, 201, inherited.text);
    const overridden = await create({
      inheritSecretsFrom: dseq,
      sealedSecrets: await sealSdlSecrets(context, { DB_PASSWORD: values.ROTATED }, { sdl }),
    });
    assert.equal(overridden.status, 201, overridden.text);
    const theirs = await create({ inheritSecretsFrom: dseq }, other);
    assert.equal(theirs.status, 404);
    await refused({ inheritSecretsFrom: "12345" }, 404, /12345/);

    // Rotation: the context names the new kid, a seal to the old one gets 409, stored secrets still resolve.
    const rotation = await fetch(`${server.url}/admin/sealing-key/rotate`, {
      method: "POST",
      headers: { "x-admin-token": ADMIN_TOKEN },
    });
    assert.equal(rotation.status, 200);
    const newContext = (await api("GET", "/v1/sdl-secrets-context")).body.data as SdlSecretsContext;
    assert.notEqual(newContext.kid, context.kid);
    const stale = await refused(
      { sealedSecrets: await sealSdlSecrets(context, both, { sdl }) },
      409,
      /refetch the SDL secrets context/,
    );
    assert.equal(stale.body.error, "ConflictError");
    assert.equal(
      (await create({ sealedSecrets: await sealSdlSecrets(newContext, both, { sdl }) })).status,
      201,
    );
    const afterRotation = await api("PUT", `/v1/deployments/${inherited.body.data.dseq}`, {
      data: { sdl: secretSdl(["DB_PASSWORD=ac-secret://DB_PASSWORD", "API_TOKEN=ac-secret://API_TOKEN"]) },
    });
    assert.equal(afterRotation.status, 200, afterRotation.text);
    // A reference PUT adds has no stored value.
    const putMissing = await api("PUT", `/v1/deployments/${inherited.body.data.dseq}`, {
      data: { sdl: secretSdl(["NEW=ac-secret://NEW"]) },
    });
    assert.equal(putMissing.status, 400);
    assert.match(putMissing.body.message, /ac-secret:\/\/NEW/);

    // Each value: 0 times in every answer, the log, and the store.
    await server.close();
    const haystacks: [string, Buffer][] = [
      ["API answers", Buffer.from(answers.join("\n"))],
      ["server log", Buffer.from(logLines.join(""))],
      ...(await storeContents(store.name, stores)),
    ];
    assert.ok(logLines.length > 10, "the log was written");
    // The search sees what it searches: names (not secret) are in the store and the answers.
    const stored = haystacks.filter(([where]) => where.startsWith("store") || where.startsWith("table"));
    assert.ok(
      stored.some(([, content]) => content.includes("ac-secret://DB_PASSWORD")),
      "the store was read",
    );
    assert.ok(haystacks[0]?.[1].includes("DB_PASSWORD"), "the answers were kept");
    for (const [name, value] of Object.entries(values)) {
      for (const [where, content] of haystacks) {
        assert.equal(content.indexOf(value), -1, `${name}'s value found in ${where}`);
      }
    }
  });
});

/**
 * Everything the store holds: every file of a SQLite data dir (database, WAL, the secrets key), or
 * every text-convertible column of every table of the PostgreSQL database.
 */
async function storeContents(
  kind: string,
  stores: { dataDir?: string; databaseUrl?: string },
): Promise<[string, Buffer][]> {
  if (kind === "sqlite") {
    const dir = stores.dataDir as string;
    const files = readdirSync(dir).filter((file) => statSync(join(dir, file)).isFile());
    assert.ok(
      files.some((f) => f.endsWith(".sqlite")),
      files.join(", "),
    );
    return files.map((file) => [`store file ${file}`, readFileSync(join(dir, file))]);
  }
  const pg = await import("pg");
  const pool = new pg.default.Pool({ connectionString: stores.databaseUrl, max: 1 });
  try {
    const tables = (
      await pool.query(
        "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
      )
    ).rows as { table_name: string }[];
    assert.ok(tables.length > 5);
    const dump: [string, Buffer][] = [];
    for (const { table_name } of tables) {
      const rows = (await pool.query(`select t::text as row from "${table_name}" t`)).rows as {
        row: string;
      }[];
      dump.push([`table ${table_name}`, Buffer.from(rows.map((r) => r.row).join("\n"))]);
    }
    return dump;
  } finally {
    await pool.end();
  }
}
