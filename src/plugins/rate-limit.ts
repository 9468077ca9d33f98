import { GraphQLError, getOperationAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { GraphQLContext } from "../context.js";
import type { RateLimiter } from "../rate-limit.js";

/**
 * Throttles each API key: mutations take from its write bucket, queries from its read bucket.
 * Over the limit: HTTP 429 with Retry-After and code RATE_LIMITED, and nothing runs.
 */
export function useRateLimits(limiter: RateLimiter): Plugin<GraphQLContext> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const caller = (args.contextValue as GraphQLContext).caller;
      if (!caller) return;
      const operation = getOperationAST(args.document, args.operationName);
      const kind = operation?.operation === "mutation" ? "write" : "read";
      const decision = await limiter.consume(caller.apiKeyId, kind);
      if (decision.allowed) return;
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
