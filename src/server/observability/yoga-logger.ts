import type { YogaLogger } from "graphql-yoga";
import type { Logger } from "./logger.js";

/**
 * What Yoga reports (mostly the original of an error it masked) goes to our structured log, as the
 * error's name and codes only: a database error's message can quote the values of the row (an
 * email, a phone), which are personal data and stay out of logs.
 */
export function yogaLogger(logger: Logger): YogaLogger {
  const summarize = (args: unknown[]) =>
    args.map((arg) => {
      if (!(arg instanceof Error)) return typeof arg === "string" ? arg.slice(0, 200) : typeof arg;
      const { code, extensions } = arg as Error & { code?: unknown; extensions?: { code?: unknown } };
      const cause = (arg as { originalError?: Error }).originalError;
      return { error: arg.name, code, graphqlCode: extensions?.code, cause: cause?.name };
    });
  return {
    debug: (...args) => logger.debug({ yoga: summarize(args) }, "graphql-yoga"),
    info: (...args) => logger.info({ yoga: summarize(args) }, "graphql-yoga"),
    warn: (...args) => logger.warn({ yoga: summarize(args) }, "graphql-yoga"),
    error: (...args) => logger.error({ yoga: summarize(args) }, "graphql-yoga"),
  };
}
