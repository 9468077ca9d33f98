import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrate } from "../../src/storage/migrations.js";
import { createPGlite, openPGlite } from "../../src/storage/pglite.js";
import { adminUrl, databaseUrl } from "./postgres-urls.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** PGlite: a migrated data directory dump that each test file loads. */
    pgliteTemplate: string;
    /** PostgreSQL: a migrated database that each test file copies (CREATE DATABASE … TEMPLATE). */
    postgresTemplate: string;
  }
}

/**
 * Migrates one template database per run, so each test file starts from a copy instead of paying
 * for initdb and the migrations again.
 */
export default async function setup(project: TestProject) {
  if (project.name === "postgres") return setupPostgres(project);
  const pglite = await createPGlite();
  const db = await openPGlite(pglite);
  await migrate(db);
  const dump = await pglite.dumpDataDir("none");
  await db.close();
  const directory = mkdtempSync(join(tmpdir(), "contacts-test-"));
  const file = join(directory, "template.tar");
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide("pgliteTemplate", file);
  project.provide("postgresTemplate", "");
  return () => rmSync(directory, { recursive: true, force: true });
}

async function setupPostgres(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set");
  const admin = new pg.Client({ connectionString: adminUrl(url), connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL at TEST_DATABASE_URL is unreachable: ${(error as Error).message}`);
  }
  const template = `contacts_template_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  const { openDatabase } = await import("../../src/storage/database.js");
  const db = await openDatabase({
    databaseUrl: databaseUrl(url, template),
    databasePoolSize: 2,
    databaseConnectTimeoutMs: 5000,
  });
  await migrate(db);
  await db.close();
  project.provide("postgresTemplate", template);
  project.provide("pgliteTemplate", "");
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
  };
}
