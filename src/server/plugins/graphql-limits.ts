import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { GraphQLError } from "graphql";
import type { Plugin, YogaInitialContext } from "graphql-yoga";
import type { GraphQLLimits } from "../../config.js";
import { useCostLimit } from "./cost-limit.js";

const REJECTION_CODES = new Set([
  "QUERY_TOO_DEEP",
  "TOO_MANY_ALIASES",
  "TOO_MANY_DIRECTIVES",
  "TOO_MANY_TOKENS",
  "QUERY_TOO_COSTLY",
]);

/**
 * Tags a graphql-armor rejection with a code a client can branch on and HTTP 400 (armor sets
 * neither). `spec: false` keeps the 400 for clients that accept only application/json, to which
 * Yoga would otherwise answer 200 as the GraphQL-over-HTTP spec allows for request errors.
 */
function withCode(code: string) {
  return [
    (_context: unknown, error: GraphQLError) => {
      Object.assign(error.extensions, { code, http: { status: 400, spec: false } });
    },
  ];
}

/**
 * Yoga marks every parse error as a spec error after the fact, and the token limit is checked while
 * parsing: restore the flag just before the response status is chosen.
 */
const keepRejectionStatus: Plugin<YogaInitialContext> = {
  onResultProcess({ result }) {
    for (const single of Array.isArray(result) ? result : [result]) {
      for (const error of ("errors" in single && single.errors) || []) {
        const http = error.extensions?.http as { spec?: boolean } | undefined;
        if (http && REJECTION_CODES.has(String(error.extensions?.code))) http.spec = false;
      }
    }
  },
};

/**
 * Abuse limits checked before anything runs: depth, aliases, directives, tokens and cost (defaults
 * close to graphql-armor's own). Rejections are GraphQL errors with HTTP 400 and a code. Field
 * suggestions ("did you mean …") are blocked whenever introspection is off. The cost is armor's
 * formula, checked by cost-limit.ts once variables are known (armor's own rule sees literals only):
 * it runs here, before the API key, rate limit and idempotency checks, as armor's rule did.
 */
export function useGraphQLLimits(limits: GraphQLLimits): Plugin<YogaInitialContext> {
  const armor = EnvelopArmorPlugin({
    // Depth counts fields, not the fragments around them: a union's `... on Member` is no deeper a query.
    maxDepth: { n: limits.maxDepth, flattenFragments: true, onReject: withCode("QUERY_TOO_DEEP") },
    maxAliases: { n: limits.maxAliases, onReject: withCode("TOO_MANY_ALIASES") },
    maxDirectives: { n: limits.maxDirectives, onReject: withCode("TOO_MANY_DIRECTIVES") },
    maxTokens: { n: limits.maxTokens, onReject: withCode("TOO_MANY_TOKENS") },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: !limits.introspection },
  });
  return {
    onPluginInit({ addPlugin }) {
      // An envelop plugin, typed for any context.
      addPlugin(armor as Plugin<YogaInitialContext>);
      addPlugin(keepRejectionStatus);
      addPlugin(useCostLimit(limits.maxCost) as Plugin<YogaInitialContext>);
    },
  };
}
