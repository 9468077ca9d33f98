/**
 * Settings are read from the environment once, at start, into this typed object; everything else
 * receives it. Every setting, with its default, is listed in docs/operations.md ("Settings").
 */
export interface Config {
  /** `postgres://…`, `postgresql://…`, `pglite:<directory>` or `pglite:memory`. */
  databaseUrl: string;
  port: number;
  host: string | undefined;
  /** PostgreSQL only: connections in the pool, how long to wait for one, and the longest statement. */
  databasePoolSize: number;
  databaseConnectTimeoutMs: number;
  databaseStatementTimeoutMs: number;
  /** PostgreSQL: parse statements once per connection (off behind a transaction-mode pooler). */
  databasePreparedStatements: boolean;
  /** Create a demo account and workspace on an empty embedded database. Never on PostgreSQL. */
  seedDemo: boolean;
  http: HttpConfig;
  /** Limits of the Node HTTP server itself: slow clients and connection count. */
  httpServer: HttpServerConfig;
  graphql: GraphQLLimits;
  rateLimits: RateLimitConfig;
  /** How long a valid API key is remembered; a revoked key keeps working at most this long. */
  apiKeyCacheTtlMs: number;
  /** Signs client tokens; required on PostgreSQL, generated beside an embedded database (see start.ts). */
  clientTokenSecret: string | undefined;
  /** The secret before a rotation, still accepted until its tokens expire. */
  clientTokenSecretPrevious: string | undefined;
  /** The most rows one importContacts takes. */
  importMaxRows: number;
  /** Serve secret keys sent from other sites' pages (off: they are refused). */
  allowSecretKeysFromBrowsers: boolean;
  /** Shared store for rate limits across replicas; in memory when unset. */
  redisUrl: string | undefined;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  metricsEnabled: boolean;
  /** How long SIGTERM waits for in-flight requests before closing anyway. */
  shutdownTimeoutMs: number;
  /** Server processes (node:cluster) on PostgreSQL; 1 runs the server in this process. */
  webConcurrency: number;
}

export interface HttpConfig {
  /** Larger request bodies get HTTP 413 before they are parsed. */
  maxBodyBytes: number;
  /** Origins allowed by CORS: "*" for any, or a list. */
  corsOrigins: "*" | string[];
}

export interface HttpServerConfig {
  /** How long a client may take to send a whole request (headers and body); then 408 and closed. */
  requestTimeoutMs: number;
  /** How long a client may take to send the headers; never more than requestTimeoutMs. */
  headersTimeoutMs: number;
  /** Open connections per process (idle keep-alive ones count); more are closed at once. */
  maxConnections: number;
}

export interface GraphQLLimits {
  /** Introspection, GraphiQL and "did you mean" suggestions; turn off in production if wanted. */
  introspection: boolean;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  /** Operations per batched request; 0 turns batching off. */
  maxBatch: number;
}

export interface TokenBucket {
  /** Sustained tokens per second; 0 turns the limit off. */
  rate: number;
  burst: number;
}

export interface RateLimitConfig {
  write: TokenBucket;
  read: TokenBucket;
  /** Rows of importContacts batches (each batch also spends one write). */
  importRows: TokenBucket;
  /** All client tokens of one key together get this many times the key's own rates and bursts. */
  clientTokenFactor: number;
}

export const DEFAULT_DATABASE_URL = "pglite:./data/pglite";
export const DEFAULT_IMPORT_MAX_ROWS = 1000;

export class ConfigError extends Error {}

/** A bucket whose burst is its rate: at most `rate` in any second. */
function tokenBucket(rate: number): TokenBucket {
  return { rate, burst: Math.max(rate, 1) };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (["true", "1", "yes", "on"].includes(raw)) return true;
  if (["false", "0", "no", "off"].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

/** Secrets this short can be guessed; HS256 wants at least 256 bits. */
const MIN_SECRET_LENGTH = 32;

function secret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  if (value.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `${name} must be at least ${MIN_SECRET_LENGTH} characters: make one with openssl rand -base64 32`,
    );
  }
  return value;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
  if (!/^(postgres|postgresql):\/\//.test(databaseUrl) && !databaseUrl.startsWith("pglite:")) {
    throw new ConfigError("DATABASE_URL must start with postgres://, postgresql:// or pglite:");
  }
  const logLevel = (env.LOG_LEVEL?.trim() || "info") as Config["logLevel"];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`);
  const origins = env.CORS_ORIGINS?.trim() || "*";
  const webConcurrency = integer(env, "WEB_CONCURRENCY", 1, 1, 64);
  const requestTimeoutMs = integer(env, "HTTP_REQUEST_TIMEOUT_MS", 30_000, 100, 3_600_000);
  // Node refuses a headers timeout longer than the request timeout: the shorter one wins.
  const headersTimeoutMs = Math.min(integer(env, "HTTP_HEADERS_TIMEOUT_MS", 10_000, 100, 3_600_000), requestTimeoutMs);
  if (webConcurrency > 1 && databaseUrl.startsWith("pglite:")) {
    throw new ConfigError("WEB_CONCURRENCY above 1 needs PostgreSQL: an embedded database is opened by one process");
  }
  return {
    databaseUrl,
    port: integer(env, "PORT", 4000, 0, 65535),
    host: env.HOST?.trim() || undefined,
    databasePoolSize: integer(env, "DATABASE_POOL_SIZE", 10, 1, 1000),
    databaseConnectTimeoutMs: integer(env, "DATABASE_CONNECT_TIMEOUT_MS", 5000, 100, 600_000),
    databaseStatementTimeoutMs: integer(env, "DATABASE_STATEMENT_TIMEOUT_MS", 15_000, 100, 3_600_000),
    databasePreparedStatements: boolean(env, "DATABASE_PREPARED_STATEMENTS", true),
    seedDemo: boolean(env, "SEED_DEMO", true),
    http: {
      maxBodyBytes: integer(env, "MAX_BODY_BYTES", 1024 * 1024, 1024, 1024 * 1024 * 1024),
      corsOrigins: origins === "*" ? "*" : origins.split(",").map((origin) => origin.trim()),
    },
    httpServer: {
      requestTimeoutMs,
      headersTimeoutMs,
      maxConnections: integer(env, "HTTP_MAX_CONNECTIONS", 1000, 1, 1_000_000),
    },
    graphql: {
      introspection: boolean(env, "GRAPHQL_INTROSPECTION", true),
      maxDepth: integer(env, "GRAPHQL_MAX_DEPTH", 8, 1, 100),
      maxAliases: integer(env, "GRAPHQL_MAX_ALIASES", 15, 0, 1000),
      maxDirectives: integer(env, "GRAPHQL_MAX_DIRECTIVES", 10, 0, 1000),
      maxTokens: integer(env, "GRAPHQL_MAX_TOKENS", 2000, 10, 1_000_000),
      maxCost: integer(env, "GRAPHQL_MAX_COST", 19_000, 1, 10_000_000),
      maxBatch: integer(env, "GRAPHQL_MAX_BATCH", 0, 0, 100),
    },
    rateLimits: {
      write: {
        rate: integer(env, "RATE_LIMIT_WRITE_RATE", 10, 0, 1_000_000),
        burst: integer(env, "RATE_LIMIT_WRITE_BURST", 20, 1, 1_000_000),
      },
      read: {
        rate: integer(env, "RATE_LIMIT_READ_RATE", 50, 0, 1_000_000),
        burst: integer(env, "RATE_LIMIT_READ_BURST", 100, 1, 1_000_000),
      },
      importRows: tokenBucket(integer(env, "RATE_LIMIT_IMPORT_ROWS", 5000, 0, 10_000_000)),
      clientTokenFactor: integer(env, "CLIENT_TOKEN_RATE_FACTOR", 10, 1, 10_000),
    },
    apiKeyCacheTtlMs: integer(env, "API_KEY_CACHE_TTL_MS", 5000, 0, 60_000),
    clientTokenSecret: secret(env, "CLIENT_TOKEN_SECRET"),
    clientTokenSecretPrevious: secret(env, "CLIENT_TOKEN_SECRET_PREVIOUS"),
    allowSecretKeysFromBrowsers: boolean(env, "ALLOW_SECRET_KEYS_FROM_BROWSERS", false),
    importMaxRows: integer(env, "IMPORT_MAX_ROWS", DEFAULT_IMPORT_MAX_ROWS, 1, 100_000),
    redisUrl: env.REDIS_URL?.trim() || undefined,
    logLevel,
    metricsEnabled: boolean(env, "METRICS_ENABLED", false),
    shutdownTimeoutMs: integer(env, "SHUTDOWN_TIMEOUT_MS", 10_000, 0, 600_000),
    webConcurrency,
  };
}
