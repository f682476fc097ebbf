import { DEPLOYMENT_NOT_FOUND } from "../services/deployments";
import { notFound } from "./errors";

/**
 * A dseq from a request (already checked by the contract: a positive uint64 as a decimal string) as
 * the services take it. Ours are creation times in ms: one above 2^53 cannot be ours, so it is not
 * found (with `notFoundMessage`) rather than misread.
 */
export function dseqParam(dseq: string, notFoundMessage = DEPLOYMENT_NOT_FOUND): number {
  const value = Number(dseq);
  if (!Number.isSafeInteger(value)) throw notFound(notFoundMessage);
  return value;
}

/** Dseqs to look up, leniently: one that cannot be ours (see dseqParam) is left out, not refused. */
export function dseqListParam(dseqs: readonly string[]): number[] {
  return dseqs.map(Number).filter((dseq) => Number.isSafeInteger(dseq));
}
