// Handler log lines shown by the engine beside the resource they concern (`pulumi up` prints them
// under it), through the engine's Log service at the address the engine gives the plugin.
import * as grpc from "@grpc/grpc-js";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";
import type { Logger } from "../resources/handler";

export class EngineLog {
  private client: EngineClient | undefined;

  /** Called with the engine's address (command line, Handshake or Attach). */
  connect(address: string | undefined): void {
    if (!address || this.client) return;
    this.client = new EngineClient(address, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 400 * 1024 * 1024,
    });
  }

  private send(severity: LogSeverity, urn: string, message: string): Promise<void> {
    const client = this.client;
    if (!client) {
      // Without an engine (a test driving the plugin directly) the line goes to stderr, which the
      // engine would otherwise record in its own log.
      process.stderr.write(`${message}\n`);
      return Promise.resolve();
    }
    const request = new LogRequest().setSeverity(severity).setUrn(urn).setMessage(message);
    return new Promise((resolve) => client.log(request, () => resolve()));
  }

  /** A logger for one resource's handler call. */
  forResource(urn: string, scrub: (text: string) => string): Logger {
    return {
      info: (message) => void this.send(LogSeverity.INFO, urn, scrub(message)),
      warn: (message) => void this.send(LogSeverity.WARNING, urn, scrub(message)),
    };
  }

  close(): void {
    this.client?.close();
  }
}
