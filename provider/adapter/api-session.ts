// What every adapter does around the handlers with the provider's settings: builds the API client
// on first use, checks once that the base URL answers as a managed-wallet API taking the key, gives
// the handlers their context, and keeps the key out of every error message.
import { createHash } from "node:crypto";
import { homedir } from "node:os";
import path from "node:path";
import { AkashClient } from "../../sdk";
import { MISSING_KEY_MESSAGE, type ProviderSettings } from "../config";
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
    this.log = log;
    if (!this.api) {
      const { apiKey, baseUrl, trustIdempotencyKey } = this.settings;
      if (!apiKey) throw new Error(MISSING_KEY_MESSAGE);
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

  /** Error text without the API key, whatever produced it. */
  scrub(message: string): string {
    const key = this.settings.apiKey;
    return key ? message.split(key).join("[redacted]") : message;
  }
}
