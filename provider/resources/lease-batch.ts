// The managed-wallet API leases every group of a deployment in ONE request: once any lease of the
// deployment is active, it skips later lease requests. Lease resources are per group, so the
// groups' picks meet here (the engine runs them concurrently in one provider process) and go out
// together. A pick waits for the other groups' picks until its own deadline, then goes alone. The
// open batches are process memory (process-memory.ts): that is where the Leases meet.
import type { CreateLeaseBody, Deployment, LeaseCertificate, OrderRef } from "../../sdk";
import type { AkashApi } from "./api";
import { processMemory } from "./process-memory";

export interface LeaseRequestBatch {
  api: AkashApi;
  dseq: string;
  /** Absent where the API builds the manifest from the stored definition. */
  manifest: string | undefined;
  certificate: LeaseCertificate | undefined;
  expected: number;
  picks: OrderRef[];
  waiters: { resolve(d: Deployment): void; reject(e: unknown): void; timer: NodeJS.Timeout }[];
}

function send(key: string, batch: LeaseRequestBatch) {
  processMemory.leaseRequests.delete(key);
  for (const w of batch.waiters) clearTimeout(w.timer);
  const body: CreateLeaseBody = {
    ...(batch.manifest === undefined ? {} : { manifest: batch.manifest }),
    ...(batch.certificate ? { certificate: batch.certificate } : {}),
    leases: batch.picks.map((p) => ({ dseq: batch.dseq, ...p })),
  };
  batch.api.createLease(body).then(
    (deployment) => batch.waiters.forEach((w) => w.resolve(deployment)),
    (err: unknown) => batch.waiters.forEach((w) => w.reject(err)),
  );
}

/**
 * Adds one group's pick and resolves with the deployment once the lease request that carries it
 * (together with the other groups' picks that arrived in time) has been answered.
 * `expected` = how many groups still need a lease; `waitMs` = how long to wait for them.
 */
export function leaseTogether(
  api: AkashApi,
  request: { dseq: string; manifest: string | undefined; certificate?: LeaseCertificate },
  pick: OrderRef,
  expected: number,
  waitMs: number,
): Promise<Deployment> {
  const key = `${api.baseUrl} ${request.dseq}`;
  let batch = processMemory.leaseRequests.get(key);
  if (!batch) {
    batch = {
      api,
      dseq: request.dseq,
      manifest: request.manifest,
      certificate: request.certificate,
      expected,
      picks: [],
      waiters: [],
    };
    processMemory.leaseRequests.set(key, batch);
  }
  const current = batch;
  current.picks.push(pick);
  current.certificate ??= request.certificate;
  return new Promise<Deployment>((resolve, reject) => {
    const timer = setTimeout(
      () => processMemory.leaseRequests.get(key) === current && send(key, current),
      Math.max(0, waitMs),
    );
    current.waiters.push({ resolve, reject, timer });
    if (current.picks.length >= current.expected) send(key, current);
  });
}
