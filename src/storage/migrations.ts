import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Logger } from "../server/observability/logger.js";
import type { Database, SqlConnection } from "./database.js";

/**
 * Applies the SQL migrations in prisma/migrations, keeping Prisma's layout and its
 * `_prisma_migrations` bookkeeping (same columns, SHA-256 checksum of each file), so that
 * `prisma migrate status` and `prisma migrate deploy` agree with it wherever Prisma's schema engine
 * can be had. Written by hand because Prisma 7 downloads that engine at run time, and a machine
 * without internet access cannot.
 */
export const MIGRATIONS_DIRECTORY = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

/** Any fixed number: every replica asks for the same lock. */
const MIGRATION_LOCK_KEY = 72_707_369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {}

export function readMigrations(directory = MIGRATIONS_DIRECTORY): MigrationFile[] {
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(`${directory}/${name}/migration.sql`, "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Applies every pending migration; returns the names applied (empty when up to date). */
export async function migrate(db: Database, migrations = readMigrations()): Promise<string[]> {
  return db.withConnection(async (connection) => {
    // Replicas starting together queue here, so each migration is applied once.
    await connection.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      return await applyPending(connection, migrations);
    } finally {
      await connection.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  });
}

async function applyPending(connection: SqlConnection, migrations: MigrationFile[]): Promise<string[]> {
  await connection.exec(CREATE_MIGRATIONS_TABLE);
  const rows = await connection.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
  );
  const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed) {
    throw new MigrationError(`Migration ${failed.migration_name} failed earlier and must be resolved by hand first`);
  }
  const applied = new Map(rows.filter((row) => row.finished_at !== null).map((row) => [row.migration_name, row]));
  const done: string[] = [];
  for (const migration of migrations) {
    const previous = applied.get(migration.name);
    if (previous) {
      if (previous.checksum !== migration.checksum) {
        throw new MigrationError(`Migration ${migration.name} was changed after it was applied`);
      }
      continue;
    }
    // PostgreSQL runs DDL inside transactions: a migration that fails leaves nothing behind.
    await connection.exec("BEGIN");
    try {
      await connection.exec(migration.sql);
      await connection.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), now(), 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
      await connection.exec("COMMIT");
    } catch (error) {
      await connection.exec("ROLLBACK");
      throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
    }
    done.push(migration.name);
  }
  return done;
}

/** What a starting server does: applies the pending migrations and logs which, if any. */
export async function migrateAndLog(db: Database, logger: Logger): Promise<void> {
  const applied = await migrate(db);
  if (applied.length > 0) logger.info({ migrations: applied }, "applied migrations");
}
