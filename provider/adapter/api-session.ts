// What every adapter does around the handlers with the provider's settings: builds the API client
// on first use, checks once that the base URL answers as a managed-wallet API taking the key, gives
// the handlers their context, says once which API and key a run uses, and keeps the key out of
// every error message.
import { createHash } from "node:crypto";
import { homedir } from "node:os";
import path from "node:path";
import { AkashClient } from "../../sdk";
import { MISSING_KEY_IN_ENGINE_MESSAGE, runDescription, type ProviderSettings } from "../config";
import { createApi, type AkashApi } from "../resources/api";
import { fileJournal, machineCreates, stateMarks } from "../resources/creation-journal";
import type { HandlerContext, Logger } from "../resources/handler";
import { describeRetryWait } from "./retry-log";

/** Beside the CLI's own files (PULUMI_HOME): one small file per stack identity, and what stacks share. */
const journalDir = () =>
  path.join(
    process.env.PULUMI_HOME || path.join(homedir(), ".pulumi"),
    "pulumi-akash",
    "created-deployments",
  );

function journalFile(scope: string): string {
  const name = createHash("sha256").update(scope).digest("hex").slice(0, 32);
  return path.join(journalDir(), `${name}.json`);
}

// Said once per provider process, whichever sessions it makes (the Node SDK configures the dynamic
// adapter once per resource kind, with the same settings).
const announced = new Set<string>();

/** The API of a resource that calls none (StackIdentity): a call would be a bug, said as one. */
const NO_API = new Proxy({} as AkashApi, {
  get: (_api, name) => () =>
    Promise.reject(new Error(`internal error: ${String(name)} called for a resource that calls no API`)),
});

export class ApiSession {
  private api: AkashApi | undefined;
  /** The logger of the latest operation: the client's waits between attempts are told there. */
  private log: Logger | undefined;
  private readonly marks = stateMarks(path.join(journalDir(), "in-state"));
  private readonly creates = machineCreates(path.join(journalDir(), "in-flight"));

  constructor(readonly settings: ProviderSettings) {}

  /** Whether credentials are configured (a diff reads the API only then). */
  get hasKey(): boolean {
    return this.settings.apiKey !== undefined;
  }

  /**
   * The handlers' context, once the base URL has answered as a managed-wallet API taking the key.
   * `verify: false` (checks, which run during preview and must work offline) skips that request.
   */
  async context(log: Logger, { verify = true } = {}): Promise<HandlerContext> {
    this.announce(log);
    this.log = log;
    if (!this.api) {
      const { apiKey, baseUrl, trustIdempotencyKey } = this.settings;
      if (!apiKey) throw new Error(MISSING_KEY_IN_ENGINE_MESSAGE);
      this.api = createApi(
        new AkashClient({
          apiKey,
          ...(baseUrl ? { baseUrl } : {}),
          trustIdempotencyKey,
          userAgent: "pulumi-akash",
          onRetryWait: (wait) => this.log?.info(describeRetryWait(wait)),
        }),
        { replaysIdempotencyKey: trustIdempotencyKey },
      );
    }
    if (verify) await this.api.verify();
    return {
      api: this.api,
      journal: (scope) => fileJournal(journalFile(scope)),
      seenInState: (dseq) => this.marks.mark(dseq),
      machineCreates: this.creates,
      log,
    };
  }

  /**
   * The context of a resource that calls no API (ServedKind.offline): no key needed and nothing
   * verified, so a wrong key or URL is reported by the first resource that does call the API.
   */
  offlineContext(log: Logger): HandlerContext {
    return { api: NO_API, log };
  }

  /** Says once per process which API this run uses and where its key comes from (a warning for the live API without one). */
  announce(log: Logger): void {
    const { warning, message } = runDescription(this.settings);
    if (announced.has(message)) return;
    announced.add(message);
    if (warning) log.warn(message);
    else log.info(message);
  }

  /** Error text without the API key, whatever produced it. */
  scrub(message: string): string {
    const key = this.settings.apiKey;
    return key ? message.split(key).join("[redacted]") : message;
  }
}
