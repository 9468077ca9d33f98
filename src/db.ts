import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { Config } from "./config.js";
import { PrismaClient } from "./generated/prisma/client.js";
import { lockDataDirectory } from "./pglite-lock.js";

/** A plain SQL connection, used where Prisma cannot help: applying migrations. */
export interface SqlConnection {
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements. */
  exec(sql: string): Promise<void>;
}

export interface Database {
  kind: "postgres" | "pglite";
  prisma: PrismaClient;
  /** Lends one dedicated connection for the duration of `work`. */
  withConnection<T>(work: (connection: SqlConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

type DatabaseSettings = Pick<Config, "databaseUrl" | "databasePoolSize" | "databaseConnectTimeoutMs">;

export function isPostgresUrl(url: string): boolean {
  return /^(postgres|postgresql):\/\//.test(url);
}

export async function openDatabase(settings: DatabaseSettings): Promise<Database> {
  if (isPostgresUrl(settings.databaseUrl)) return openPostgres(settings);
  const location = settings.databaseUrl.slice("pglite:".length);
  if (location === "memory") return openPGlite(await PGlite.create());
  const directory = resolve(location);
  mkdirSync(dirname(directory), { recursive: true });
  const unlock = lockDataDirectory(directory);
  try {
    return openPGlite(await PGlite.create(directory), unlock);
  } catch (error) {
    unlock();
    throw error;
  }
}

function openPostgres(settings: DatabaseSettings): Database {
  const pool = new pg.Pool({
    connectionString: settings.databaseUrl,
    max: settings.databasePoolSize,
    connectionTimeoutMillis: settings.databaseConnectTimeoutMs,
  });
  // An idle connection that the server drops must not crash the process; the pool replaces it.
  pool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: "postgres",
    prisma,
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

/** Wraps an open PGlite instance (also used by tests that load a prepared data directory). */
export function openPGlite(pglite: PGlite, onClose?: () => void): Database {
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    kind: "pglite",
    prisma,
    withConnection: (work) =>
      work({
        query: async (sql, params) => (await pglite.query(sql, params)).rows as never,
        exec: async (sql) => {
          await pglite.exec(sql);
        },
      }),
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      onClose?.();
    },
  };
}
