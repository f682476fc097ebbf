// The calls the handlers make, on top of the sdk client: the same operations with the answers the
// handlers need ("not found" as undefined, "already gone" as success, removed endpoints named).
// Shapes come from the sdk contract; nothing is re-declared here.
import {
  AEP63_OFFERINGS,
  AkashApiError,
  apiOfferings,
  type AkashClient,
  type ApiOfferings,
  type ApiKey,
  type BidListItem,
  type Certificate,
  type CreatedApiKey,
  type CreatedCertificate,
  type CreatedDeployment,
  type CreateLeaseBody,
  type Deployment,
  type DeploymentDetail,
  type DeploymentFundingConfig,
  type DeploymentListItem,
  type DeploymentSetting,
  type PatchDeploymentBody,
  type PatchedDeployment,
  type RequestOptions,
  type SdlSecretsContext,
} from "../../sdk";

/** What POST /v1/deployments gets; fields the API does not offer are left out by the caller. */
export interface DeploymentRequest {
  sdl: string;
  depositUsd?: number;
  name?: string;
  runtimeLimitHours?: number;
  sealedSecrets?: string;
}

export interface AkashApi {
  readonly baseUrl: string;
  /** The server replays answers for a repeated Idempotency-Key (akash:trustIdempotencyKey). */
  readonly replaysIdempotencyKey: boolean;
  /**
   * The wallet address the key acts for (the `owner` of its deployments), read once; undefined for
   * an account without a wallet.
   */
  keyOwner(): Promise<string | undefined>;
  /**
   * Fails, naming the base URL, unless it answers as a managed-wallet API that accepts the key.
   * Adapters call it once before the first handler touches a resource.
   */
  verify(): Promise<void>;
  createApiKey(name: string, expiresAt: string | undefined): Promise<CreatedApiKey>;
  getApiKey(id: string): Promise<ApiKey | undefined>;
  renameApiKey(id: string, name: string): Promise<ApiKey>;
  deleteApiKey(id: string): Promise<void>;
  /** Throws CertificatesUnavailableError when the API no longer issues certificates. */
  createCertificate(): Promise<CreatedCertificate>;
  /** undefined when the API has no certificate list (the live API removed certificates). */
  listCertificates(): Promise<Certificate[] | undefined>;
  revokeCertificate(serial: string): Promise<void>;
  /**
   * What the API offers (PATCH, names, runtime limits, secrets, leases without a manifest, a minimum
   * deposit), from its OpenAPI document, read once; the AEP-63 surface when it publishes none.
   */
  offerings(): Promise<ApiOfferings>;
  /**
   * The same for a preview: one short attempt, and after a failure none again in this process, so
   * an unreachable API costs a preview one attempt, not one per resource.
   */
  offeringsIfReachable(): Promise<ApiOfferings | undefined>;
  /** Automatic funding's constants, read once; undefined where deposits fund deployments (AEP-63). */
  fundingConfig(): Promise<DeploymentFundingConfig | undefined>;
  createDeployment(request: DeploymentRequest, idempotencyKey: string): Promise<CreatedDeployment>;
  /** undefined when the deployment does not exist (or belongs to someone else). */
  getDeployment(dseq: string): Promise<DeploymentDetail | undefined>;
  /** Replaces the SDL (and the name) with PUT: the API before PATCH, and changes PATCH cannot express. */
  updateDeployment(dseq: string, sdl: string, name?: string): Promise<Deployment>;
  /** Throws ManifestConflictError when the deployment moved on from `ifManifestVersion`. */
  patchDeployment(dseq: string, patch: PatchDeploymentBody["data"]): Promise<PatchedDeployment>;
  secretsContext(): Promise<SdlSecretsContext>;
  /** Sets a new total runtime limit (at most 48 hours more than today's per call). */
  extendRuntime(dseq: string, hours: number): Promise<DeploymentSetting>;
  /** Closing a closed or unknown deployment succeeds. */
  closeDeployment(dseq: string): Promise<void>;
  /** Active deployments, every page. */
  listDeployments(): Promise<DeploymentListItem[]>;
  deposit(dseq: string, usd: number, idempotencyKey: string): Promise<Deployment>;
  listBids(dseq: string): Promise<BidListItem[]>;
  createLease(body: CreateLeaseBody): Promise<Deployment>;
}

/** The API does not issue certificates (the live API removed them on 2026-03-10). */
export class CertificatesUnavailableError extends Error {
  override readonly name = "CertificatesUnavailableError";
}

/**
 * The API says the object does not exist: a 404 whose body names it, as the live API answers
 * (`{error: "NotFoundError", message: "Deployment not found"}`). A bare 404 (a wrong base URL, a proxy,
 * an unknown route) is an error, never "gone": treating it as gone would drop resources from state
 * and report deployments closed that are still billing.
 */
export const isNotFound = (err: unknown, what: NotFoundSubject) =>
  err instanceof AkashApiError &&
  err.status === 404 &&
  err.errorName === "NotFoundError" &&
  new RegExp(`: ${what} not found( after \\d+ attempts)?$`, "i").test(err.message);

export type NotFoundSubject = "Deployment" | "API key" | "Certificate";

/** A failure after which the request may still have run on the server (no answer, or a 5xx). */
export const mayHaveRun = (err: unknown) =>
  err instanceof AkashApiError &&
  (err.kind === "network" || err.kind === "timeout" || (err.kind === "http" && (err.status ?? 0) >= 500));

/** PATCH found the deployment's definition moved on from the version the caller expected. */
export class ManifestConflictError extends Error {
  override readonly name = "ManifestConflictError";
}

/** A document or endpoint the server does not have (or answers with something else than JSON). */
const missingEndpoint = (err: unknown) =>
  err instanceof AkashApiError &&
  (err.kind === "invalid_response" || (err.kind === "http" && [404, 405, 501].includes(err.status ?? 0)));

/** The live API answers 400 "endpoint removed" for certificates; other servers may 404/405. */
function certificatesRemoved(err: unknown): boolean {
  if (!(err instanceof AkashApiError) || err.kind !== "http") return false;
  return err.code === "endpoint_removed" || err.status === 404 || err.status === 405 || err.status === 501;
}

async function orUndefined<T>(call: Promise<T>, what: NotFoundSubject): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (isNotFound(err, what)) return undefined;
    throw err;
  }
}

/** One sentence for a base URL that is not a managed-wallet API taking this key, or not answering now. */
function notAnApi(baseUrl: string, err: unknown): Error {
  const detail = err instanceof Error ? err.message : String(err);
  if (mayHaveRun(err) || (err instanceof AkashApiError && err.status === 429)) {
    return new Error(
      `the API at ${baseUrl} is unavailable right now (${detail}), after retries; nothing was read or ` +
        "changed. Run the command again later; if it keeps failing, check that the API is up " +
        "(`curl <url>/status` on the reference API) and that akash:baseUrl (or AKASH_API_URL) names it.",
    );
  }
  if (err instanceof AkashApiError && (err.status === 401 || err.status === 403)) {
    return new Error(
      `the API at ${baseUrl} refused the API key (${detail}); set a valid one with ` +
        "`pulumi config set --secret akash:apiKey <key>` (or AKASH_API_KEY). If you did and this is " +
        "`pulumi refresh` or `pulumi destroy`: they use the key recorded (encrypted) in the stack's state " +
        "at the last `pulumi up`, so run them with `--run-program` to use the current one. Nothing was changed.",
    );
  }
  return new Error(
    `${baseUrl} does not answer as an Akash Console managed-wallet API (${detail}). Check ` +
      "`pulumi config get akash:baseUrl` (or AKASH_API_URL): it is the API's root, without a path such as /v1. " +
      "If you fixed it and this is `pulumi refresh` or `pulumi destroy`: they use the configuration recorded " +
      "at the last `pulumi up`, so run them with `--run-program`. Nothing was changed.",
  );
}

/** Caches a read that only transient trouble may fail: a failure is not kept, the next call asks again. */
function once<T>(read: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | undefined;
  return () =>
    (cached ??= read().catch((err: unknown) => {
      cached = undefined;
      throw err;
    }));
}

export function createApi(
  client: AkashClient,
  { replaysIdempotencyKey = false }: { replaysIdempotencyKey?: boolean } = {},
): AkashApi {
  let verified: Promise<void> | undefined;
  // Read once and shared by checks (offeringsIfReachable) and the handlers' other calls (offerings).
  let offeringsOnce: Promise<ApiOfferings> | undefined;
  let previewGaveUp = false;
  const readOfferings = async (options?: RequestOptions) => {
    try {
      return apiOfferings(await client.getApiDocument(options));
    } catch (err) {
      if (missingEndpoint(err)) return AEP63_OFFERINGS;
      throw err;
    }
  };
  return {
    baseUrl: client.baseUrl,
    replaysIdempotencyKey,
    keyOwner: once(async () => {
      const user = await client.getCurrentUser();
      try {
        return (await client.listWallets(user.id))[0]?.address;
      } catch (err) {
        if (err instanceof AkashApiError && err.status === 404) return undefined;
        throw err;
      }
    }),
    verify: () => {
      // A one-item page of deployments: every generation of the API serves it, it needs the key and
      // the client checks its shape, so a wrong URL, a proxy's 404 page or a revoked key all fail here.
      verified ??= client.listDeployments({ skip: 0, limit: 1 }).then(
        () => undefined,
        (err: unknown) => {
          verified = undefined;
          throw notAnApi(client.baseUrl, err);
        },
      );
      return verified;
    },
    createApiKey: (name, expiresAt) => client.createApiKey({ name, ...(expiresAt ? { expiresAt } : {}) }),
    getApiKey: (id) => orUndefined(client.getApiKey(id), "API key"),
    renameApiKey: (id, name) => client.updateApiKey(id, { name }),
    deleteApiKey: async (id) => {
      await orUndefined(client.deleteApiKey(id), "API key");
    },
    createCertificate: async () => {
      try {
        return await client.createCertificate();
      } catch (err) {
        if (!certificatesRemoved(err)) throw err;
        throw new CertificatesUnavailableError(
          `The API at ${client.baseUrl} does not issue certificates any more (${(err as Error).message}). ` +
            "Leases do not need one: the API verifies identity with the API key. Remove the Certificate resource.",
        );
      }
    },
    listCertificates: async () => {
      try {
        return await client.listCertificates();
      } catch (err) {
        if (certificatesRemoved(err)) return undefined;
        throw err;
      }
    },
    revokeCertificate: async (serial) => {
      try {
        await client.revokeCertificate(serial);
      } catch (err) {
        if (isNotFound(err, "Certificate") || certificatesRemoved(err)) return;
        throw err;
      }
    },
    offerings: () =>
      (offeringsOnce ??= readOfferings().catch((err: unknown) => {
        offeringsOnce = undefined;
        throw err;
      })),
    offeringsIfReachable: async () => {
      if (previewGaveUp) return undefined;
      try {
        return await (offeringsOnce ??= readOfferings({ retries: 0, timeoutMs: 5_000 }));
      } catch {
        offeringsOnce = undefined;
        previewGaveUp = true;
        return undefined;
      }
    },
    fundingConfig: once(async () => {
      try {
        return await client.getDeploymentFundingConfig();
      } catch (err) {
        if (missingEndpoint(err)) return undefined;
        throw err;
      }
    }),
    createDeployment: ({ sdl, depositUsd, name, runtimeLimitHours, sealedSecrets }, idempotencyKey) =>
      client.createDeployment(
        {
          sdl,
          ...(depositUsd === undefined ? {} : { deposit: depositUsd }),
          ...(name === undefined ? {} : { name }),
          ...(runtimeLimitHours === undefined ? {} : { runtimeLimitHours }),
          ...(sealedSecrets === undefined ? {} : { sealedSecrets }),
        },
        { idempotencyKey },
      ),
    getDeployment: (dseq) => orUndefined(client.getDeployment(dseq), "Deployment"),
    updateDeployment: (dseq, sdl, name) =>
      client.updateDeployment(
        dseq,
        name === undefined ? sdl : { sdl, ...(name === undefined ? {} : { name }) },
      ),
    patchDeployment: async (dseq, patch) => {
      try {
        return await client.patchDeployment(dseq, patch);
      } catch (err) {
        if (err instanceof AkashApiError && err.status === 409 && patch.ifManifestVersion !== undefined) {
          throw new ManifestConflictError(err.message);
        }
        throw err;
      }
    },
    secretsContext: () => client.getSdlSecretsContext(),
    extendRuntime: (dseq, hours) => client.updateDeploymentSetting(dseq, { runtimeLimitHours: hours }),
    closeDeployment: async (dseq) => {
      await orUndefined(client.closeDeployment(dseq), "Deployment");
    },
    listDeployments: async () => {
      const all: DeploymentListItem[] = [];
      for await (const item of client.listAllDeployments()) all.push(item);
      return all;
    },
    deposit: (dseq, usd, idempotencyKey) => client.depositDeployment(dseq, usd, { idempotencyKey }),
    listBids: (dseq) => client.listBids(dseq),
    createLease: (body) => client.createLease(body),
  };
}
