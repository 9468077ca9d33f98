import pino, { type DestinationStream, type Logger } from "pino";
import type { Config } from "../../config.js";

export type { Logger };

/**
 * Structured JSON logs. Only fields we choose are logged (see http.ts); the redaction is a second
 * line of defence should a header or an input ever be passed to a log call. Without a destination
 * lines go to stdout asynchronously: while one write is under way the next lines gather behind it,
 * so a busy server writes several per system call. The server flushes them when it stops.
 */
export function createLogger(
  level: Config["logLevel"],
  destination: DestinationStream = pino.destination({ dest: 1, sync: false }),
): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          "authorization",
          "*.authorization",
          "headers.authorization",
          "apiKey",
          "*.apiKey",
          "variables",
          "*.variables",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
