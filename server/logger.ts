import pino, { type Logger, type LevelWithSilent } from "pino";

export type LogLevel = LevelWithSilent;
export type LogDestination = pino.DestinationStream;

/**
 * JSON logs (pino). Credentials never reach a log line: request logs carry method, path, status
 * and timing only, and these paths are redacted should a header object ever be logged.
 */
export function createLogger(level: LogLevel, destination?: LogDestination): Logger {
  return pino(
    {
      level,
      base: { service: "akash-ref-api" },
      redact: {
        paths: [
          "headers.authorization",
          'headers["x-api-key"]',
          "req.headers.authorization",
          'req.headers["x-api-key"]',
          "apiKey",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
