// Sealed secrets, for real: the server's sealing key pairs (stored, private keys encrypted, rotatable),
// the checks a seal must pass (as the live API makes them), and deployments' secret values encrypted
// at rest. Values live in memory only while a request needs them; nothing here logs one.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  generateKeyPair,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { compactDecrypt } from "jose";
import type { Kysely } from "kysely";
import type { SdlSecretsContext } from "../../sdk/contract";
import type { Database } from "../db/schema";
import {
  ensureServerSecret,
  findActiveSealingKey,
  findDeploymentSecrets,
  insertSealingKey,
  retireSealingKeys,
  saveDeploymentSecrets,
} from "../repositories/secrets";
import { BrokenStateError, ConflictError, ForbiddenError, InvalidInputError } from "./errors";

export const SEAL_ALGORITHM = "RSA-OAEP-256";
export const SEAL_ENCRYPTION = "A256GCM";
export const REQUIRED_CLAIMS = ["kid", "sub", "exp"] as const;
/** How far ahead a seal's `exp` may be (live SDL_SECRETS_MAX_SEAL_LIFETIME_MS). */
export const MAX_SEAL_LIFETIME_MS = 15 * 60 * 1000;
/** The file a SQLite data dir keeps its generated secrets key in. */
export const SECRETS_KEY_FILE = "secrets.key";

const SECRETS_KEY_CHECK = "secrets_key_check";
const STORED_SECRETS_KEY = "secrets_key";

/**
 * AES-256-GCM with a key derived (HKDF) from the server's secrets key for one purpose; every
 * ciphertext is bound to what it protects (additional data), so rows cannot be swapped.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(secretsKey: Buffer, purpose: string) {
    this.#key = Buffer.from(hkdfSync("sha256", secretsKey, "akash-ref-api", purpose, 32));
  }

  encrypt(plaintext: Buffer, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64url");
  }

  /** Throws when the text was not sealed with this key and additional data. */
  decrypt(text: string, aad: string): Buffer {
    const bytes = Buffer.from(text, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", this.#key, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
  }
}

export interface SecretsKeySource {
  /** The operator's secret (`--secrets-key`); a key is derived from it. */
  secretsKey?: string | undefined;
  /** SQLite data dir: without a secret, the key is generated into `secrets.key` there. */
  dataDir?: string | undefined;
  /** A store other processes share (PostgreSQL): it needs a secret, unless `keyInStore`. */
  shared: boolean;
  /**
   * A shared store without a secret keeps a generated key in the database, beside the ciphertext
   * it protects (`--dev`, or `--secrets-key-in-database` for a database an earlier version keyed so).
   */
  keyInStore?: boolean | undefined;
}

/** How to give a PostgreSQL store its secrets key: the message of a start refused without one. */
export const SECRETS_KEY_REQUIRED_MESSAGE =
  "PostgreSQL needs a secrets key kept outside the database, or a dump of the database carries the stored secrets and the key that decrypts them: " +
  "make one with `openssl rand -base64 32`, keep it in your secret store, and start every replica (and `sealing-key rotate`) with it in AKASH_REF_SECRETS_KEY " +
  "(or --secrets-key, which `ps` shows). --dev keeps a generated key in the database instead; so does --secrets-key-in-database, for a database whose secrets an earlier version encrypted with a key kept there.";

export class SecretsKeyRequiredError extends RangeError {
  override readonly name = "SecretsKeyRequiredError";
}

/**
 * The server's secrets key (32 bytes): derived from `--secrets-key`, else generated on first start
 * into the data dir (SQLite) or memory; PostgreSQL refuses to start without one, unless told to keep
 * a generated key in the database (replicas then share it). A check value in the store makes a
 * different key fail at start instead of leaving stored secrets unreadable.
 */
export async function loadSecretsKey(
  db: Kysely<Database>,
  source: SecretsKeySource,
  now: number,
): Promise<Buffer> {
  let key: Buffer;
  let origin: string;
  if (source.secretsKey) {
    key = Buffer.from(
      hkdfSync("sha256", Buffer.from(source.secretsKey, "utf8"), "akash-ref-api", "secrets-key", 32),
    );
    origin = "--secrets-key (AKASH_REF_SECRETS_KEY)";
  } else if (source.dataDir) {
    key = dataDirKey(source.dataDir);
    origin = `the generated ${join(source.dataDir, SECRETS_KEY_FILE)}`;
  } else if (source.shared) {
    if (!source.keyInStore) throw new SecretsKeyRequiredError(SECRETS_KEY_REQUIRED_MESSAGE);
    key = Buffer.from(
      await ensureServerSecret(db, STORED_SECRETS_KEY, randomBytes(32).toString("base64url"), now),
      "base64url",
    );
    origin = "the key generated into the database";
  } else {
    key = randomBytes(32);
    origin = "a key generated in memory";
  }
  const check = createHmac("sha256", key).update("akash-ref-api secrets key check").digest("base64url");
  const stored = await ensureServerSecret(db, SECRETS_KEY_CHECK, check, now);
  if (stored !== check) {
    throw new SecretsKeyMismatchError(
      `the secrets key (${origin}) is not the one this store's secrets were encrypted with: start with the same --secrets-key (or AKASH_REF_SECRETS_KEY) as before, or keep the data dir's ${SECRETS_KEY_FILE}`,
    );
  }
  return key;
}

export class SecretsKeyMismatchError extends RangeError {
  override readonly name = "SecretsKeyMismatchError";
}

function dataDirKey(dataDir: string): Buffer {
  const path = join(dataDir, SECRETS_KEY_FILE);
  try {
    return Buffer.from(readFileSync(path, "utf8").trim(), "base64url");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  try {
    writeFileSync(path, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return Buffer.from(readFileSync(path, "utf8").trim(), "base64url");
}

interface ActiveKey {
  kid: string;
  jwk: SdlSecretsContext["jwk"];
}

const generateRsa = promisify(generateKeyPair);

/**
 * The key pairs clients seal to. The live one is the newest not retired; its private key is
 * stored encrypted. Rotation retires it (seals to it then get the live API's 409) and makes a new
 * one. The live kid is read from the store on each use, so a rotation by another process (the CLI,
 * another replica) takes effect at once; decrypted private keys are cached by kid.
 */
export class SealingKeys {
  readonly #db: Kysely<Database>;
  readonly #box: SecretBox;
  readonly #now: () => number;
  readonly #privateKeys = new Map<string, KeyObject>();

  constructor(db: Kysely<Database>, secretsKey: Buffer, now: () => number) {
    this.#db = db;
    this.#box = new SecretBox(secretsKey, "sealing-keys v1");
    this.#now = now;
  }

  /** The live key, made on first use. */
  async active(): Promise<ActiveKey> {
    const row = (await findActiveSealingKey(this.#db)) ?? (await this.#create(false));
    return { kid: row.kid, jwk: JSON.parse(row.public_jwk) as ActiveKey["jwk"] };
  }

  /** The live key's private half, when `kid` names the live key. */
  async privateKey(kid: string): Promise<KeyObject | undefined> {
    const row = await findActiveSealingKey(this.#db);
    if (!row || row.kid !== kid) return undefined;
    let key = this.#privateKeys.get(kid);
    if (!key) {
      key = createPrivateKey({
        key: this.#box.decrypt(row.private_key, `sealing-key:${row.kid}`),
        format: "der",
        type: "pkcs8",
      });
      if (this.#privateKeys.size > 16) this.#privateKeys.clear();
      this.#privateKeys.set(kid, key);
    }
    return key;
  }

  /** Retires the live key and makes the next one; answers its kid. */
  async rotate(): Promise<string> {
    return (await this.#create(true)).kid;
  }

  async #create(retire: boolean) {
    const { publicKey, privateKey } = await generateRsa("rsa", { modulusLength: 2048 });
    const now = this.#now();
    const jwk = publicKey.export({ format: "jwk" });
    const kid = `ref-${new Date(now).toISOString().slice(0, 10)}-${createHash("sha256")
      .update(publicKey.export({ format: "der", type: "spki" }))
      .digest("hex")
      .slice(0, 16)}`;
    const row = {
      kid,
      public_jwk: JSON.stringify({ kty: jwk.kty, n: jwk.n, e: jwk.e, use: "enc", alg: SEAL_ALGORITHM }),
      private_key: this.#box.encrypt(
        privateKey.export({ format: "der", type: "pkcs8" }),
        `sealing-key:${kid}`,
      ),
      created_at: now,
      retired_at: null,
    };
    await this.#db.transaction().execute(async (trx) => {
      if (retire) await retireSealingKeys(trx, now);
      else if (await findActiveSealingKey(trx)) return;
      await insertSealingKey(trx, row);
    });
    return retire ? row : ((await findActiveSealingKey(this.#db)) ?? row);
  }
}

/** A seal's protected header, as far as the checks go. */
interface SealHeader {
  alg?: unknown;
  enc?: unknown;
  kid?: unknown;
  sub?: unknown;
  exp?: unknown;
  sdlHash?: unknown;
}

/**
 * Opens seals as the live API does: compact JWE, RSA-OAEP-256 + A256GCM (400), sealed to the live
 * kid (409), for the caller (`sub`, 403), not expired and at most 15 minutes ahead (`exp`, 400),
 * bound to the exact SDL when it says so (`sdlHash`, 403), authentic (400), a flat object of
 * strings (400). Messages name the problem, never a value.
 */
export class SealOpener {
  readonly #keys: SealingKeys;
  readonly #wallNow: () => number;

  constructor(keys: SealingKeys, wallNow: () => number) {
    this.#keys = keys;
    this.#wallNow = wallNow;
  }

  async context(userId: string): Promise<SdlSecretsContext> {
    const { kid, jwk } = await this.#keys.active();
    return { sub: userId, kid, jwk, requiredClaims: [...REQUIRED_CLAIMS] };
  }

  /**
   * The sealed values. `sdl`: the SDL a seal may be bound to (`sdlHash`); a seal bound to another
   * is refused.
   */
  async open(seal: string, userId: string, sdl: string): Promise<Record<string, string>> {
    const parts = seal.split(".");
    if (parts.length !== 5) throw new InvalidInputError("Sealed secrets must be a compact JWE");
    const header = parseHeader(parts[0] as string);
    if (header.alg !== SEAL_ALGORITHM || header.enc !== SEAL_ENCRYPTION)
      throw new InvalidInputError(`Seals must use ${SEAL_ALGORITHM} and ${SEAL_ENCRYPTION}`);
    const key = typeof header.kid === "string" ? await this.#keys.privateKey(header.kid) : undefined;
    if (!key) {
      throw new ConflictError(
        "Sealed to a key the console no longer holds; refetch the SDL secrets context (GET /v1/sdl-secrets-context) and seal again",
      );
    }
    if (header.sub !== userId) throw new ForbiddenError("Sealed for a different user");
    const now = this.#wallNow();
    if (typeof header.exp !== "number" || header.exp * 1000 <= now)
      throw new InvalidInputError("Sealed secrets have expired");
    if (header.exp * 1000 > now + MAX_SEAL_LIFETIME_MS)
      throw new InvalidInputError("Sealed secrets expire too far in the future (at most 15 minutes ahead)");
    if (
      header.sdlHash !== undefined &&
      header.sdlHash !== createHash("sha256").update(sdl, "utf8").digest("base64url")
    )
      throw new ForbiddenError("Sealed secrets are bound to a different SDL");
    let plaintext: Uint8Array;
    try {
      ({ plaintext } = await compactDecrypt(seal, key, {
        keyManagementAlgorithms: [SEAL_ALGORITHM],
        contentEncryptionAlgorithms: [SEAL_ENCRYPTION],
      }));
    } catch {
      throw new InvalidInputError("Sealed secrets failed authentication");
    }
    let values: unknown;
    try {
      values = JSON.parse(Buffer.from(plaintext).toString("utf8"));
    } catch {
      values = undefined;
    }
    if (
      !values ||
      typeof values !== "object" ||
      Array.isArray(values) ||
      Object.values(values).some((value) => typeof value !== "string")
    ) {
      throw new InvalidInputError("Sealed secrets must be a flat object of string values");
    }
    return values as Record<string, string>;
  }
}

function parseHeader(segment: string): SealHeader {
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(segment)) throw new Error("not base64url");
    const header = JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) as unknown;
    if (header && typeof header === "object" && !Array.isArray(header)) return header as SealHeader;
  } catch {
    // reported below
  }
  throw new InvalidInputError("Sealed secrets carry an unreadable protected header");
}

/** Deployments' secret values, encrypted at rest (AES-256-GCM, bound to the user and dseq). */
export class DeploymentSecrets {
  readonly #box: SecretBox;

  constructor(secretsKey: Buffer) {
    this.#box = new SecretBox(secretsKey, "deployment-secrets v1");
  }

  /** The stored values ({} when none). `code` names the failure for the caller (the API's 500/409 codes). */
  async load(
    db: Kysely<Database>,
    userId: string,
    dseq: number,
    unreadable: (message: string) => Error = (message) =>
      new BrokenStateError(message, { code: "stored_secrets_unreadable" }),
  ): Promise<Record<string, string>> {
    const row = await findDeploymentSecrets(db, userId, dseq);
    if (!row) return {};
    try {
      return JSON.parse(this.#box.decrypt(row.ciphertext, aadOf(userId, dseq)).toString("utf8")) as Record<
        string,
        string
      >;
    } catch {
      throw unreadable(
        `The secrets stored for deployment ${dseq} can no longer be decrypted (the server's secrets key changed)`,
      );
    }
  }

  /** The names of the stored secrets (never values), sorted. */
  async names(db: Kysely<Database>, userId: string, dseq: number): Promise<string[]> {
    const row = await findDeploymentSecrets(db, userId, dseq);
    return row ? (JSON.parse(row.names_json) as string[]) : [];
  }

  async save(
    db: Kysely<Database>,
    userId: string,
    dseq: number,
    values: Readonly<Record<string, string>>,
    now: number,
  ): Promise<void> {
    const names = Object.keys(values).sort();
    if (names.length === 0) {
      await saveDeploymentSecrets(db, { user_id: userId, dseq, names_json: null });
      return;
    }
    const sorted = Object.fromEntries(names.map((name) => [name, values[name] as string]));
    await saveDeploymentSecrets(db, {
      user_id: userId,
      dseq,
      names_json: JSON.stringify(names),
      ciphertext: this.#box.encrypt(Buffer.from(JSON.stringify(sorted), "utf8"), aadOf(userId, dseq)),
      updated_at: now,
    });
  }
}

function aadOf(userId: string, dseq: number): string {
  return `deployment-secrets:${userId}:${dseq}`;
}
