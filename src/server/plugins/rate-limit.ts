import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { GraphQLContext } from "../context.js";
import type { RateLimiter } from "../rate-limit.js";
import { rootFieldsOf } from "./root-fields.js";

/**
 * Throttles each API key: a mutation takes one token from its write bucket per root field that
 * runs (15 aliased creates are 15 writes), a query one token from its read bucket. Over the limit:
 * HTTP 429 with Retry-After and code RATE_LIMITED, and nothing runs. An operation with more writes
 * than the burst is refused with HTTP 400 and TOO_MANY_WRITES instead: no wait would ever let it
 * through, so a 429 would only invite retries; the client must split it.
 */
export function useRateLimits(limiter: RateLimiter): Plugin<GraphQLContext> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const caller = (args.contextValue as GraphQLContext).caller;
      if (!caller) return;
      const root = rootFieldsOf(args);
      // A mutation of only `__typename` (or all skipped) still costs one write.
      const writes = root?.operation.operation === "mutation" ? Math.max(1, root.dataFields) : 0;
      const decision = await (writes > 0 ? limiter.consume(caller, "write", writes) : limiter.consume(caller, "read"));
      if (decision.allowed) return;
      if ("burst" in decision) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              `This operation makes ${writes} writes; an API key may make at most ${decision.burst} at once: split it`,
              { extensions: { code: "TOO_MANY_WRITES", http: { status: 400 } } },
            ),
          ],
        });
        return;
      }
      setResultAndStopExecution({
        errors: [
          new GraphQLError(`Rate limit exceeded: retry in ${decision.retryAfterSeconds} s`, {
            extensions: {
              code: "RATE_LIMITED",
              http: { status: 429, headers: { "Retry-After": String(decision.retryAfterSeconds) } },
            },
          }),
        ],
      });
    },
  };
}
