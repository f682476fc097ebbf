// The shape every resource's logic takes: plain check/diff/create/read/update/delete functions over a
// context (an API facade and a logger). Adapters (the Node dynamic provider in ../dynamic/, the
// multi-language plugin in ../plugin/) translate their protocol to these calls. Nothing here
// imports Pulumi; what the handlers know of the engine is its preview placeholder for unknown
// values (../engine-values.ts), and what a resource is called there comes from its description
// (../schema/describe.ts).
import type { AkashApi } from "./api";
import type { CreationJournal, MachineCreates } from "./creation-journal";

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export interface HandlerContext {
  api: AkashApi;
  log: Logger;
  /** The creation journal of a stack (by its identity), where the adapter keeps one. */
  journal?: (scope: string) => CreationJournal;
  /** Notes that the engine showed deployment `dseq` in state (creation-journal.ts). */
  seenInState?: (dseq: string) => void;
  /** Creates in flight on this machine, by every stack (creation-journal.ts). */
  machineCreates?: MachineCreates;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResult<I> {
  inputs: I;
  failures: CheckFailure[];
}

export interface DiffResult {
  changes: boolean;
  /** Input names whose change forces a replacement (shown by the engine as the replace reason). */
  replaces: string[];
  deleteBeforeReplace?: boolean;
}

export interface CreateResult<O> {
  id: string;
  outs: O;
}

/** `id` undefined means the resource is gone (closed or deleted elsewhere): the engine drops it. */
export interface ReadResult<O> {
  id?: string;
  props?: O;
}

export interface ResourceHandlers<I, O> {
  /**
   * Validates and normalizes inputs (runs during preview). `ctx` is given when credentials are
   * configured: a check may then ask what the API offers, and must still pass when that fails.
   */
  check(olds: Partial<I> | undefined, news: I, ctx?: HandlerContext): Promise<CheckResult<I>>;
  /**
   * Compares recorded (or freshly read) outputs with desired inputs. The engine also calls it during
   * refresh with the refreshed outputs, so it decides what counts as drift. `ctx` is given when
   * credentials are configured; a diff may read the API when recorded outputs cannot decide.
   */
  diff(id: string, olds: O, news: I, ctx?: HandlerContext): Promise<DiffResult>;
  create(ctx: HandlerContext, inputs: I): Promise<CreateResult<O>>;
  read(ctx: HandlerContext, id: string, props: O): Promise<ReadResult<O>>;
  update(ctx: HandlerContext, id: string, olds: O, news: I): Promise<O>;
  delete(ctx: HandlerContext, id: string, props: O): Promise<void>;
  /**
   * The recorded properties of an object that exists but is in no state yet (an import by id), for
   * `read` to start from; without it, read starts from none.
   */
  adopt?(ctx: HandlerContext, id: string): Promise<Partial<O>>;
}

/**
 * Thrown when the remote object exists but did not become ready: the engine keeps `id` and
 * `properties` in state (so the next `up` or `destroy` handles it) instead of leaking it.
 */
export class PartialCreateError extends Error {
  override readonly name = "PartialCreateError";
  constructor(
    message: string,
    readonly id: string,
    readonly properties: object,
    readonly reasons: string[] = [message],
  ) {
    super(message);
  }
}
