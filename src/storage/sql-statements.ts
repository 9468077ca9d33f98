import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PrismaClient } from "../generated/prisma/client.js";

/**
 * The fixed SQL statements, one a file in prisma/sql/<name>.sql with `$1…` parameters: Prisma
 * TypedSQL's layout, so that `$queryRawTyped` can replace `runStatement` where Prisma's engine can
 * be had. Statements whose text depends on the request (filters, cursors) stay `Prisma.sql`.
 */
export const SQL_DIRECTORY = fileURLToPath(new URL("../../prisma/sql", import.meta.url));

/** Every statement file, by name; a test prepares each and fails on a file missing from this list. */
export const STATEMENT_NAMES = [
  "insertContact",
  "updateContact",
  "loadWriteWorkspace",
  "deleteContact",
  "deleteContactAsOperator",
  "loadImportMatches",
  "writeImport",
] as const;

export type StatementName = (typeof STATEMENT_NAMES)[number];

/** The leading `--` lines say what a statement does; they are not sent. */
function withoutLeadingComments(text: string): string {
  const lines = text.split("\n");
  const first = lines.findIndex((line) => !line.startsWith("--"));
  return lines.slice(first).join("\n").trim();
}

/** Read once, when the server starts. */
const STATEMENTS: Record<StatementName, string> = Object.fromEntries(
  STATEMENT_NAMES.map((name) => [
    name,
    withoutLeadingComments(readFileSync(join(SQL_DIRECTORY, `${name}.sql`), "utf8")),
  ]),
) as Record<StatementName, string>;

/** The text sent for a statement (the same text gets the same prepared-statement name). */
export function statementText(name: StatementName): string {
  return STATEMENTS[name];
}

/**
 * Runs a statement with bound parameters, one round trip. Written by hand because TypedSQL's
 * generator needs Prisma's schema engine binary, which this project's driver-adapter install does
 * not download.
 */
export function runStatement<Row>(
  prisma: PrismaClient,
  name: StatementName,
  params: readonly unknown[],
): Promise<Row[]> {
  return prisma.$queryRawUnsafe<Row[]>(STATEMENTS[name], ...params);
}
