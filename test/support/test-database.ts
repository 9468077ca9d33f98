import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { inject } from "vitest";
import { type Database, openDatabase } from "../../src/storage/database.js";
import { createPGlite, openPGlite } from "../../src/storage/pglite.js";
import { adminUrl, databaseUrl } from "./postgres-urls.js";

export type TestStorage = "pglite" | "postgres";

export const storage: TestStorage = process.env.TEST_STORAGE === "postgres" ? "postgres" : "pglite";

export interface TestDatabase extends Database {
  /** A DATABASE_URL for the same database, for tests that start another process on it. */
  url: string | null;
}

/** A fresh, migrated database of the storage under test, dropped again by `close()`. */
export async function openTestDatabase(options: { logQueries?: boolean } = {}): Promise<TestDatabase> {
  if (storage === "pglite") {
    const template = new Blob([readFileSync(inject("pgliteTemplate"))]);
    const db = await openPGlite(await createPGlite({ loadDataDir: template }), undefined, options);
    return { ...db, url: null };
  }
  const serverUrl = process.env.TEST_DATABASE_URL as string;
  const name = `contacts_test_${randomBytes(6).toString("hex")}`;
  await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject("postgresTemplate")}`));
  const url = databaseUrl(serverUrl, name);
  const db = await openDatabase({ databaseUrl: url, databasePoolSize: 30, databaseConnectTimeoutMs: 10_000 }, options);
  return {
    ...db,
    url,
    async close() {
      await db.close();
      await withAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** An empty database (no migrations): for migration tests. */
export async function openEmptyTestDatabase(): Promise<TestDatabase> {
  if (storage === "pglite") return { ...(await openPGlite(await createPGlite())), url: null };
  const serverUrl = process.env.TEST_DATABASE_URL as string;
  const name = `contacts_empty_${randomBytes(6).toString("hex")}`;
  await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = databaseUrl(serverUrl, name);
  const db = await openDatabase({ databaseUrl: url, databasePoolSize: 4, databaseConnectTimeoutMs: 10_000 });
  return {
    ...db,
    url,
    async close() {
      await db.close();
      await withAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(serverUrl: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl(serverUrl) });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
