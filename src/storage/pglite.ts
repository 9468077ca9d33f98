import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { setImmediate } from "node:timers/promises";
import type { PGlite, PGliteOptions } from "@electric-sql/pglite";
import { createPrisma, type Database, type DatabaseOptions, type SqlConnection } from "./database.js";
import { lockDataDirectory } from "./pglite-lock.js";

/**
 * The embedded database (PGlite), kept apart from database.ts so that a server on PostgreSQL never loads
 * it: database.ts imports this module, and this module its packages, only when DATABASE_URL is pglite:.
 */
export async function openPGliteLocation(location: string, options: DatabaseOptions = {}): Promise<Database> {
  if (location === "memory") return openPGlite(await createPGlite(), undefined, options);
  const directory = resolve(location);
  mkdirSync(dirname(directory), { recursive: true });
  const unlock = lockDataDirectory(directory);
  try {
    return await openPGlite(await createPGlite({ dataDir: directory }), unlock, options);
  } catch (error) {
    unlock();
    throw error;
  }
}

/**
 * A PGlite instance with the extensions the migrations create: pg_trgm, whose trigram indexes serve
 * contact search. Every embedded database is opened through here, tests' and the bench's included.
 */
export async function createPGlite(options: PGliteOptions = {}): Promise<PGlite> {
  const [{ PGlite }, { pg_trgm }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite/contrib/pg_trgm"),
  ]);
  return PGlite.create({ ...options, extensions: { ...options.extensions, pg_trgm } });
}

/**
 * PGlite runs each statement on the server's own thread, and statements queued back to back ran
 * with no turn of the event loop between them: one request of many searches held /health and every
 * other request for all of them. Each statement Prisma sends first waits for the event loop's next
 * turn, so the longest stall is one statement.
 */
function yieldingBetweenStatements(pglite: PGlite): PGlite {
  const query = async (...args: Parameters<PGlite["query"]>) => {
    await setImmediate();
    return pglite.query(...args);
  };
  return new Proxy(pglite, {
    get(target, property) {
      if (property === "query") return query;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Wraps an open PGlite instance (also used by tests that load a prepared data directory). */
export async function openPGlite(
  pglite: PGlite,
  onClose?: () => void,
  options: DatabaseOptions = {},
): Promise<Database> {
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const { prisma, queryLog } = createPrisma(new PrismaPGlite(yieldingBetweenStatements(pglite)), options);
  const connection: SqlConnection = {
    query: async (sql, params) => (await pglite.query(sql, params)).rows as never,
    exec: async (sql) => {
      await pglite.exec(sql);
    },
  };
  // PGlite has one session, so borrowers take turns: each has it to itself, as with a pooled
  // connection. Sharing it would share transactions and advisory locks (which are re-entrant
  // within a session), and two migrate() calls would then interleave.
  let turn: Promise<unknown> = Promise.resolve();
  return {
    kind: "pglite",
    prisma,
    queryLog,
    async ping() {
      await pglite.query("SELECT 1");
    },
    withConnection(work) {
      const result = turn.then(() => work(connection));
      turn = result.catch(() => {});
      return result;
    },
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      onClose?.();
    },
  };
}
