import type { YogaLogger } from "graphql-yoga";
import type { Logger } from "./logger.js";

/** Frames of our own code logged per error: the throwing call and its callers. */
const OWN_FRAMES_LOGGED = 5;

/**
 * Where an error was thrown, from its stack's frames only (the stack's first line is the message,
 * left out like the message itself): the innermost frame, then the innermost frames of our code.
 */
function framesOf(error: Error): string[] | undefined {
  // The frames follow the message, which may itself hold lines that look like frames: a stack that
  // does not start with the error's own header is not parsed at all.
  const header = String(error);
  const stack = error.stack ?? "";
  if (!stack.startsWith(header)) return undefined;
  const frames = stack
    .slice(header.length)
    .split("\n")
    .filter((line) => line.startsWith("    at "))
    .map((line) =>
      line.slice("    at ".length).replaceAll(`file://${process.cwd()}/`, "").replaceAll(`${process.cwd()}/`, ""),
    );
  if (frames.length === 0) return undefined;
  const own = frames.slice(1).filter((frame) => !/node_modules\/|node:internal|^async \w+ \(node:/.test(frame));
  return [frames[0] as string, ...own.slice(0, OWN_FRAMES_LOGGED)];
}

/** The codes a failure carries: Prisma's, GraphQL's, and the driver adapter's (kind, SQLSTATE). */
function codesOf(error: Error) {
  const { code, extensions, meta } = error as Error & {
    code?: unknown;
    extensions?: { code?: unknown };
    meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };
  };
  const adapter = meta?.driverAdapterError?.cause;
  return { code, graphqlCode: extensions?.code, adapterKind: adapter?.kind, sqlstate: adapter?.originalCode };
}

/**
 * What Yoga reports (mostly the original of an error it masked) goes to our structured log, as the
 * error's name, codes and stack frames only: a database error's message can quote the values of the
 * row (an email, a phone), which are personal data and stay out of logs.
 */
export function yogaLogger(logger: Logger): YogaLogger {
  const summarize = (args: unknown[]) =>
    args.map((arg) => {
      if (!(arg instanceof Error)) return typeof arg === "string" ? arg.slice(0, 200) : typeof arg;
      const cause = (arg as { originalError?: unknown }).originalError;
      // A GraphQLError wrapping a thrown error carries that error's stack: its frames are logged once, on the cause.
      if (!(cause instanceof Error)) return { error: arg.name, ...codesOf(arg), at: framesOf(arg) };
      return { error: arg.name, ...codesOf(arg), cause: { error: cause.name, ...codesOf(cause), at: framesOf(cause) } };
    });
  return {
    debug: (...args) => logger.debug({ yoga: summarize(args) }, "graphql-yoga"),
    info: (...args) => logger.info({ yoga: summarize(args) }, "graphql-yoga"),
    warn: (...args) => logger.warn({ yoga: summarize(args) }, "graphql-yoga"),
    error: (...args) => logger.error({ yoga: summarize(args) }, "graphql-yoga"),
  };
}
