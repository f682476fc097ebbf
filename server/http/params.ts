import { DEPLOYMENT_NOT_FOUND } from "../services/deployments";
import { notFound } from "./errors";

/**
 * A dseq from a request (already checked by the contract: a positive uint64 as a decimal string) as
 * the services take it. Ours are creation times in ms: one above 2^53 cannot be ours, so it is not
 * found rather than misread.
 */
export function dseqParam(dseq: string): number {
  const value = Number(dseq);
  if (!Number.isSafeInteger(value)) throw notFound(DEPLOYMENT_NOT_FOUND);
  return value;
}
