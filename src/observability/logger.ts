import pino, { type DestinationStream, type Logger } from "pino";
import type { Config } from "../config.js";

export type { Logger };

/**
 * Structured JSON logs. Only fields we choose are logged (see http.ts); the redaction is a second
 * line of defence should a header or an input ever be passed to a log call.
 */
export function createLogger(level: Config["logLevel"], destination?: DestinationStream): Logger {
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
