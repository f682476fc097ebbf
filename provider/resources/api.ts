// The calls the handlers make, on top of the sdk client: the same operations with the answers the
// handlers need ("not found" as undefined, "already gone" as success, removed endpoints named).
// Shapes come from the sdk contract; nothing is re-declared here.
import {
  AkashApiError,
  type AkashClient,
  type ApiKey,
  type BidListItem,
  type Certificate,
  type CreatedApiKey,
  type CreatedCertificate,
  type CreatedDeployment,
  type CreateLeaseBody,
  type Deployment,
  type DeploymentListItem,
} from "../../sdk";

export interface AkashApi {
  readonly baseUrl: string;
  createApiKey(name: string, expiresAt: string | undefined): Promise<CreatedApiKey>;
  getApiKey(id: string): Promise<ApiKey | undefined>;
  renameApiKey(id: string, name: string): Promise<ApiKey>;
  deleteApiKey(id: string): Promise<void>;
  /** Throws CertificatesUnavailableError when the API no longer issues certificates. */
  createCertificate(): Promise<CreatedCertificate>;
  /** undefined when the API has no certificate list (the live API removed certificates). */
  listCertificates(): Promise<Certificate[] | undefined>;
  revokeCertificate(serial: string): Promise<void>;
  createDeployment(
    sdl: string,
    depositUsd: number | undefined,
    idempotencyKey: string,
  ): Promise<CreatedDeployment>;
  /** undefined when the deployment does not exist (or belongs to someone else). */
  getDeployment(dseq: string): Promise<Deployment | undefined>;
  updateDeployment(dseq: string, sdl: string): Promise<Deployment>;
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

export const isNotFound = (err: unknown) => err instanceof AkashApiError && err.status === 404;

/** A failure after which the request may still have run on the server (no answer, or a 5xx). */
export const mayHaveRun = (err: unknown) =>
  err instanceof AkashApiError &&
  (err.kind === "network" || err.kind === "timeout" || (err.kind === "http" && (err.status ?? 0) >= 500));

/** The live API answers 400 "endpoint removed" for certificates; other servers may 404/405. */
function certificatesRemoved(err: unknown): boolean {
  if (!(err instanceof AkashApiError) || err.kind !== "http") return false;
  return err.code === "endpoint_removed" || err.status === 404 || err.status === 405 || err.status === 501;
}

async function orUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function createApi(client: AkashClient): AkashApi {
  return {
    baseUrl: client.baseUrl,
    createApiKey: (name, expiresAt) => client.createApiKey({ name, ...(expiresAt ? { expiresAt } : {}) }),
    getApiKey: (id) => orUndefined(client.getApiKey(id)),
    renameApiKey: (id, name) => client.updateApiKey(id, { name }),
    deleteApiKey: async (id) => {
      await orUndefined(client.deleteApiKey(id));
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
        if (isNotFound(err) || certificatesRemoved(err)) return;
        throw err;
      }
    },
    createDeployment: (sdl, depositUsd, idempotencyKey) =>
      client.createDeployment(
        { sdl, ...(depositUsd === undefined ? {} : { deposit: depositUsd }) },
        { idempotencyKey },
      ),
    getDeployment: (dseq) => orUndefined(client.getDeployment(dseq)),
    updateDeployment: (dseq, sdl) => client.updateDeployment(dseq, sdl),
    closeDeployment: async (dseq) => {
      await orUndefined(client.closeDeployment(dseq));
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
