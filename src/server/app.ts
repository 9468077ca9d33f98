import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { useDisableIntrospection } from "@graphql-yoga/plugin-disable-introspection";
import { type DocumentNode, GraphQLError } from "graphql";
import { createYoga, maskError } from "graphql-yoga";
import { LRUCache } from "lru-cache";
import { createAuthenticator } from "../access/authentication.js";
import { type ClientTokenKeys, createClientTokenKeys, generateClientTokenSecret } from "../access/client-tokens.js";
import type { Config } from "../config.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { schema } from "../schema/index.js";
import { isDatabaseUnavailable, isStatementTimeout } from "../storage/database-errors.js";
import { createContext, requireApiKeyForData } from "./context.js";
import { graphiqlOptions, renderGraphiQL, servesGraphiQL } from "./graphiql.js";
import type { Logger } from "./observability/logger.js";
import { yogaLogger } from "./observability/yoga-logger.js";
import { useCompiledExecution } from "./plugins/compiled-execution.js";
import { useGraphQLLimits } from "./plugins/graphql-limits.js";
import { useIdempotency } from "./plugins/idempotency.js";
import { useInputGuard } from "./plugins/input-guard.js";
import { useRateLimits } from "./plugins/rate-limit.js";
import { useRequestRecord } from "./plugins/request-record.js";
import type { RateLimiter } from "./rate-limit.js";

/** How many distinct GraphQL documents stay parsed: far more than an application's own operations. */
const PARSED_DOCUMENTS_KEPT = 128;

export type AppConfig = Pick<
  Config,
  "graphql" | "http" | "apiKeyCacheTtlMs" | "allowSecretKeysFromBrowsers" | "importMaxRows"
>;

export interface AppOptions {
  prisma: PrismaClient;
  config: AppConfig;
  /** Per-API-key throttling; none in tests that do not test it. */
  rateLimiter?: RateLimiter;
  /** Prefilled in GraphiQL's headers: only the embedded demo workspace's key, never a real one. */
  demoApiKey?: string | null;
  /** Where Yoga reports what it masked; silent when absent. */
  logger?: Logger;
  /** Signs and checks client tokens; by default a random secret of this app alone (tests). */
  clientTokens?: ClientTokenKeys;
}

const SERVICE_UNAVAILABLE = {
  message: "The service is temporarily unavailable; retry shortly",
  extensions: { code: "SERVICE_UNAVAILABLE", http: { status: 503, headers: { "Retry-After": "1" } } },
};

const QUERY_TIMEOUT = {
  message:
    "The database stopped this query: it ran longer than the server allows. Ask for less (a narrower filter, a smaller page)",
  extensions: { code: "QUERY_TIMEOUT" },
};

/** The answer, other than a masked internal error, for a failure that is not a bug. */
function knownFailure(error: unknown): typeof SERVICE_UNAVAILABLE | typeof QUERY_TIMEOUT | null {
  if (isDatabaseUnavailable(error)) return SERVICE_UNAVAILABLE;
  if (isStatementTimeout(error)) return QUERY_TIMEOUT;
  return null;
}

/** The GraphQL application (GraphiQL at /graphql too). Used by the server and by tests (`yoga.fetch`). */
export function createApp({ prisma, config, rateLimiter, demoApiKey = null, logger, clientTokens }: AppOptions) {
  const { graphql: limits, http } = config;
  const tokens = clientTokens ?? createClientTokenKeys({ current: generateClientTokenSecret() });
  const contextOptions = {
    prisma,
    clientTokens: tokens,
    authenticate: createAuthenticator(prisma, config.apiKeyCacheTtlMs, tokens),
    allowSecretKeysFromBrowsers: config.allowSecretKeysFromBrowsers,
    importMaxRows: config.importMaxRows,
  };
  return createYoga({
    schema,
    context: ({ request }) => createContext(contextOptions, request),
    plugins: [
      useRequestRecord(),
      // Refuses "simple" cross-site requests (a GET, or a form/text POST) that lack this header.
      useCSRFPrevention({ requestHeaders: ["x-graphql-yoga-csrf"] }),
      // Text no column can store (NUL, unpaired surrogates) and absurdly deep variables: 400 first.
      useInputGuard(),
      useGraphQLLimits(limits),
      ...(limits.introspection ? [] : [useDisableIntrospection()]),
      requireApiKeyForData(),
      ...(rateLimiter ? [useRateLimits(rateLimiter)] : []),
      useIdempotency(prisma),
      ...useCompiledExecution(),
    ],
    // Parsed documents (and, through them, their compiled forms) kept for reuse. A document at the
    // token limit parses to about 220 kB, so Yoga's default of 1,024 would let a client that sends
    // distinct documents make the server hold over 200 MB; 128 hold under 30 MB.
    parserAndValidationCache: {
      documentCache: new LRUCache<string, DocumentNode>({ max: PARSED_DOCUMENTS_KEPT }),
      errorCache: new LRUCache<string, object>({ max: PARSED_DOCUMENTS_KEPT }),
    },
    // Unexpected errors reach clients as "Unexpected error." only: no stack, SQL or key material. A
    // database that cannot be reached is said so (503), so clients know to retry; a statement stopped
    // by the statement timeout is QUERY_TIMEOUT, so they know to ask for less.
    maskedErrors: {
      isDev: false,
      maskError: (error, message, isDev) => {
        const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
        const known = knownFailure(original);
        if (!known) return maskError(error, message, isDev);
        const { nodes, path } = error instanceof GraphQLError ? error : { nodes: undefined, path: undefined };
        return new GraphQLError(known.message, { nodes, path, extensions: known.extensions });
      },
    },
    batching: limits.maxBatch > 0 ? { limit: limits.maxBatch } : false,
    // http.ts refuses a body over MAX_BODY_BYTES (413) before Yoga sees it; Yoga's own limit would
    // also pipe every body through a TransformStream, a cost on every request.
    maxRequestBodySize: false,
    cors: {
      origin: http.corsOrigins,
      credentials: false,
      allowedHeaders: ["authorization", "content-type", "idempotency-key", "x-request-id", "x-graphql-yoga-csrf"],
      exposedHeaders: ["x-request-id", "retry-after"],
    },
    // Its files come from http.ts, not from a CDN.
    graphiql: servesGraphiQL(config) ? graphiqlOptions(demoApiKey) : false,
    renderGraphiQL,
    landingPage: false,
    logging: logger ? yogaLogger(logger) : false,
  });
}
