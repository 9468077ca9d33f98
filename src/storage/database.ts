import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/client/runtime/client";
import pg from "pg";
import type { Config } from "../config.js";
import { PrismaClient } from "../generated/prisma/client.js";
import { forgettingQueryArguments } from "./debug-history.js";
import { createStatementNamer } from "./prepared-statements.js";

/** Distinct SQL texts kept as prepared statements on each PostgreSQL connection. */
const PREPARED_STATEMENT_LIMIT = 500;

/** A plain SQL connection, used where Prisma cannot help: applying migrations. */
export interface SqlConnection {
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements. */
  exec(sql: string): Promise<void>;
}

export interface Database {
  kind: "postgres" | "pglite";
  prisma: PrismaClient;
  /** Every SQL statement Prisma sends, in order; only when opened with `logQueries` (tests). */
  queryLog?: string[];
  /** Resolves when the database answers a trivial query (readiness probe). */
  ping(): Promise<void>;
  /** PostgreSQL only: the pool's connections, for metrics. */
  poolStats?: () => { total: number; idle: number; waiting: number };
  /** Lends one dedicated connection for the duration of `work`. */
  withConnection<T>(work: (connection: SqlConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

type DatabaseSettings = Pick<Config, "databaseUrl" | "databasePoolSize" | "databaseConnectTimeoutMs"> &
  Partial<Pick<Config, "databaseStatementTimeoutMs" | "databasePreparedStatements">>;

export interface DatabaseOptions {
  logQueries?: boolean;
}

export function createPrisma(adapter: SqlDriverAdapterFactory, options: DatabaseOptions) {
  // "minimal": Prisma's other formats capture a stack trace (`new Error`) on every call, to point an
  // error message at the caller's line; that cost about a tenth of a $queryRaw call's CPU. Database
  // errors reach clients as typed results or masked errors, never as Prisma's message.
  const errorFormat = "minimal";
  adapter = forgettingQueryArguments(adapter);
  if (!options.logQueries) return { prisma: new PrismaClient({ adapter, errorFormat }) };
  const prisma = new PrismaClient({ adapter, errorFormat, log: [{ emit: "event", level: "query" }] });
  const queryLog: string[] = [];
  prisma.$on("query", (event) => queryLog.push(event.query));
  return { prisma: prisma as PrismaClient, queryLog };
}

export function isPostgresUrl(url: string): boolean {
  return /^(postgres|postgresql):\/\//.test(url);
}

export async function openDatabase(settings: DatabaseSettings, options: DatabaseOptions = {}): Promise<Database> {
  if (isPostgresUrl(settings.databaseUrl)) return openPostgres(settings, options);
  // Loaded only when used: a PostgreSQL server does not carry the embedded database in memory.
  const { openPGliteLocation } = await import("./pglite.js");
  return openPGliteLocation(settings.databaseUrl.slice("pglite:".length), options);
}

function openPostgres(settings: DatabaseSettings, options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: settings.databaseUrl,
    max: settings.databasePoolSize,
    connectionTimeoutMillis: settings.databaseConnectTimeoutMs,
    // No statement may hold a connection for ever, and no request may wait for ever on a lost server.
    statement_timeout: settings.databaseStatementTimeoutMs,
    query_timeout: settings.databaseStatementTimeoutMs && settings.databaseStatementTimeoutMs + 5000,
  });
  // An idle connection that the server drops must not crash the process; the pool replaces it.
  pool.on("error", () => {});
  const statementNameGenerator =
    settings.databasePreparedStatements === false ? undefined : createStatementNamer(PREPARED_STATEMENT_LIMIT);
  const { prisma, queryLog } = createPrisma(new PrismaPg(pool, { statementNameGenerator }), options);
  return {
    kind: "postgres",
    prisma,
    queryLog,
    async ping() {
      await pool.query("SELECT 1");
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async withConnection(work) {
      const client = await pool.connect();
      try {
        return await work({
          query: async (sql, params) => (await client.query(sql, params)).rows,
          exec: async (sql) => {
            await client.query(sql);
          },
        });
      } finally {
        client.release();
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
