/**
 * The database under test: a fresh PostgreSQL database on the server that DATABASE_URL names (the
 * local one by default), or a fresh embedded PGlite data directory. Either way it is made for one
 * run and removed afterwards, and the floor gets a connection to the same data (PostgreSQL) or to
 * a copy seeded the same way (PGlite, whose data directory one process at a time may open).
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { createPGlite } from "../src/storage/pglite.js";

export type Storage = "postgres" | "pglite";

export const DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

export interface SqlRunner {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

/** What the floor sends its statements through, sized for one cell's concurrency. */
export interface FloorConnection extends SqlRunner {
  close(): Promise<void>;
}

/** One session on the floor's data that can also load rows with COPY. */
export interface CopySession extends FloorConnection {
  /** COPY's text format into `table (columns)`: FROM STDIN on PostgreSQL, FROM '/dev/blob' on PGlite. */
  copyIn(table: string, columns: readonly string[], lines: readonly string[]): Promise<void>;
  /** How the rows reach the database, for the report. */
  copyMethod: string;
}

export interface DatabaseFacts {
  version: string;
  fsync: string;
  synchronousCommit: string;
  defaultTransactionIsolation: string;
  /**
   * Whether autovacuum runs: without it nothing analyzes the tables as they grow, and kept plans
   * stay as made. (Results written before it was recorded have none.)
   */
  autovacuum?: string;
}

export interface BenchDatabase {
  storage: Storage;
  /** DATABASE_URL for the server and the admin command line. */
  url: string;
  /** Where the database lives, for the report (no credentials). */
  location: string;
  /** SQL on the benchmarked data, for seeding. On PGlite the server must not be running. */
  withSql<T>(work: (sql: SqlRunner) => Promise<T>): Promise<T>;
  /** Called once seeding is done and before the server opens the data. */
  sealSeed(): Promise<void>;
  /**
   * Before each side's warm-up: a checkpoint, so that both sides start from the same state. After
   * a checkpoint, the first change to each page writes the whole page to the WAL; without this,
   * whichever side ran first after the seed (ours) would pay for those pages for both. PGlite: none
   * (the server holds its data directory, and it runs without fsync).
   */
  settle(): Promise<void>;
  facts(): Promise<DatabaseFacts>;
  openFloor(concurrency: number): Promise<FloorConnection>;
  /** One session for the import floor (PGlite: the floor's copy, its one session). */
  openCopySession(): Promise<CopySession>;
  /** Drops the database or removes the directory; safe to call twice. */
  destroy(): Promise<void>;
}

const FACTS_SQL = `SELECT version() AS version, current_setting('fsync') AS fsync,
  current_setting('synchronous_commit') AS synchronous_commit,
  current_setting('default_transaction_isolation') AS isolation, current_setting('autovacuum') AS autovacuum`;

interface FactsRow {
  version: string;
  fsync: string;
  synchronous_commit: string;
  isolation: string;
  autovacuum: string;
}

function toFacts(row: FactsRow | undefined): DatabaseFacts {
  if (!row) throw new Error("no settings row");
  return {
    version: row.version,
    fsync: row.fsync,
    synchronousCommit: row.synchronous_commit,
    defaultTransactionIsolation: row.isolation,
    autovacuum: row.autovacuum,
  };
}

function timestampName(): string {
  return new Date().toISOString().replace(/[-:T]/g, "").replace(/\..*$/, "").toLowerCase();
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

/** Creates `contacts_bench_<timestamp>` on the server of `serverUrl`; fails loudly when it is unreachable. */
export async function createPostgresDatabase(serverUrl: string): Promise<BenchDatabase> {
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => {});
    throw new Error(
      `PostgreSQL at ${redact(serverUrl)} is unreachable (${(error as Error).message}).\n` +
        "Start it (here: pg_ctlcluster --skip-systemctl-redirect 15 main start), point DATABASE_URL at a " +
        "PostgreSQL server, or run the embedded variant: npm run bench -- --pglite",
    );
  }
  const name = `contacts_bench_${timestampName()}_${process.pid}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  let destroyed = false;
  const withSql = async <T>(work: (sql: SqlRunner) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await work({ query: async (sql, params) => (await client.query(sql, params)).rows });
    } finally {
      await client.end();
    }
  };
  return {
    storage: "postgres",
    url,
    location: redact(url),
    withSql,
    async sealSeed() {},
    async settle() {
      await withSql((sql) => sql.query("CHECKPOINT"));
    },
    facts: () => withSql(async (sql) => toFacts((await sql.query<FactsRow>(FACTS_SQL))[0])),
    async openFloor(concurrency) {
      const pool = new pg.Pool({ connectionString: url, max: concurrency });
      pool.on("error", () => {});
      // Open every connection before the clock starts, as the server's pool is warm too.
      const clients = await Promise.all(Array.from({ length: concurrency }, () => pool.connect()));
      for (const client of clients) client.release();
      return {
        query: async (sql, params) => (await pool.query(sql, params)).rows,
        close: () => pool.end(),
      };
    },
    async openCopySession() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return {
        copyMethod: "COPY … FROM STDIN (pg-copy-streams)",
        query: async (sql, params) => (await client.query(sql, params)).rows,
        async copyIn(table, columns, lines) {
          const stream = client.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN`));
          await pipeline(Readable.from(lines), stream);
        },
        close: () => client.end(),
      };
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      const cleaner = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
      await cleaner.connect();
      try {
        await cleaner.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleaner.end();
      }
    },
  };
}

/**
 * A fresh embedded data directory for the server, and after seeding a copy of it for the floor,
 * opened in this process.
 */
export async function createPGliteDatabase(): Promise<BenchDatabase> {
  const root = mkdtempSync(join(tmpdir(), "contacts-bench-"));
  const serverDirectory = join(root, "server");
  const floorDirectory = join(root, "floor");
  let floor: PGlite | undefined;
  let destroyed = false;
  const open = async <T>(directory: string, work: (db: PGlite) => Promise<T>) => {
    const db = await createPGlite({ dataDir: directory });
    try {
      return await work(db);
    } finally {
      await db.close();
    }
  };
  return {
    storage: "pglite",
    url: `pglite:${serverDirectory}`,
    location: `pglite:${serverDirectory}`,
    withSql(work) {
      return open(serverDirectory, (db) =>
        work({ query: async (sql, params) => (await db.query(sql, params)).rows as never }),
      );
    },
    async settle() {},
    async sealSeed() {
      cpSync(serverDirectory, floorDirectory, { recursive: true });
      floor = await createPGlite({ dataDir: floorDirectory });
    },
    async facts() {
      if (!floor) throw new Error("the floor copy is not open yet");
      return toFacts((await floor.query<FactsRow>(FACTS_SQL)).rows[0]);
    },
    async openFloor() {
      const db = floor;
      if (!db) throw new Error("the floor copy is not open yet");
      // One session, as the server has: concurrent workers queue on it.
      return { query: async (sql, params) => (await db.query(sql, params)).rows as never, close: async () => {} };
    },
    async openCopySession() {
      const db = floor;
      if (!db) throw new Error("the floor copy is not open yet");
      return {
        copyMethod: "COPY … FROM '/dev/blob' (PGlite's own COPY, the text given as a Blob)",
        query: async (sql, params) => (await db.query(sql, params)).rows as never,
        async copyIn(table, columns, lines) {
          await db.query(`COPY ${table} (${columns.join(", ")}) FROM '/dev/blob'`, [], {
            blob: new Blob(lines as string[]),
          });
        },
        close: async () => {},
      };
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await floor?.close().catch(() => {});
      rmSync(root, { recursive: true, force: true });
    },
  };
}
