/** Settings are read from the environment once, at start, into this typed object. */
export interface Config {
  /** `postgres://…`, `postgresql://…`, `pglite:<directory>` or `pglite:memory`. */
  databaseUrl: string;
  port: number;
  host: string | undefined;
  /** PostgreSQL only: connections in the pool, and how long to wait for one. */
  databasePoolSize: number;
  databaseConnectTimeoutMs: number;
  /** Create a demo account and workspace on an empty embedded database. Never on PostgreSQL. */
  seedDemo: boolean;
}

export const DEFAULT_DATABASE_URL = "pglite:./data/pglite";

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
  if (!/^(postgres|postgresql):\/\//.test(databaseUrl) && !databaseUrl.startsWith("pglite:")) {
    throw new ConfigError("DATABASE_URL must start with postgres://, postgresql:// or pglite:");
  }
  return {
    databaseUrl,
    port: integer(env, "PORT", 4000, 0, 65535),
    host: env.HOST?.trim() || undefined,
    databasePoolSize: integer(env, "DATABASE_POOL_SIZE", 10, 1, 1000),
    databaseConnectTimeoutMs: integer(env, "DATABASE_CONNECT_TIMEOUT_MS", 5000, 100, 600_000),
    seedDemo: env.SEED_DEMO !== "false",
  };
}
