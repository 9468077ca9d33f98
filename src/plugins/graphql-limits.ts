import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { GraphQLError } from "graphql";
import type { GraphQLLimits } from "../config.js";

/** Tags a graphql-armor rejection with a code a client can branch on (armor sets none). */
function withCode(code: string) {
  return [
    (_context: unknown, error: GraphQLError) => {
      (error.extensions as Record<string, unknown>).code = code;
    },
  ];
}

/**
 * Abuse limits checked before anything runs: depth, aliases, directives, tokens and cost (defaults
 * close to graphql-armor's own). Rejections are GraphQL errors with HTTP 400 and a code. Field
 * suggestions ("did you mean …") are blocked whenever introspection is off.
 */
export function useGraphQLLimits(limits: GraphQLLimits) {
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, onReject: withCode("QUERY_TOO_DEEP") },
    maxAliases: { n: limits.maxAliases, onReject: withCode("TOO_MANY_ALIASES") },
    maxDirectives: { n: limits.maxDirectives, onReject: withCode("TOO_MANY_DIRECTIVES") },
    maxTokens: { n: limits.maxTokens, onReject: withCode("TOO_MANY_TOKENS") },
    costLimit: { maxCost: limits.maxCost, onReject: withCode("QUERY_TOO_COSTLY") },
    blockFieldSuggestion: { enabled: !limits.introspection },
  });
}
