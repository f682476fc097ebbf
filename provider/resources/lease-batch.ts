// The managed-wallet API leases every group of a deployment in ONE request: once any lease of the
// deployment is active, it skips later lease requests. Lease resources are per group, so the
// groups' picks meet here (the engine runs them concurrently in one provider process) and go out
// together. A pick waits for the other groups' picks until its own deadline, then goes alone.
import type { CreateLeaseBody, Deployment } from "../../sdk";
import type { AkashApi } from "./api";

export interface GroupPick {
  gseq: number;
  oseq: number;
  provider: string;
}

interface Batch {
  api: AkashApi;
  dseq: string;
  manifest: string;
  certificate: CreateLeaseBody["certificate"];
  expected: number;
  picks: GroupPick[];
  waiters: { resolve(d: Deployment): void; reject(e: unknown): void; timer: NodeJS.Timeout }[];
}

const batches = new Map<string, Batch>();

function send(key: string, batch: Batch) {
  batches.delete(key);
  for (const w of batch.waiters) clearTimeout(w.timer);
  const body: CreateLeaseBody = {
    manifest: batch.manifest,
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
  request: { dseq: string; manifest: string; certificate?: CreateLeaseBody["certificate"] },
  pick: GroupPick,
  expected: number,
  waitMs: number,
): Promise<Deployment> {
  const key = `${api.baseUrl} ${request.dseq}`;
  let batch = batches.get(key);
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
    batches.set(key, batch);
  }
  const current = batch;
  current.picks.push(pick);
  current.certificate ??= request.certificate;
  return new Promise<Deployment>((resolve, reject) => {
    const timer = setTimeout(() => batches.get(key) === current && send(key, current), Math.max(0, waitMs));
    current.waiters.push({ resolve, reject, timer });
    if (current.picks.length >= current.expected) send(key, current);
  });
}
