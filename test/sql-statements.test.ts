/**
 * The fixed statements in prisma/sql are plain files, so nothing checks them until they run: here
 * each is prepared (parsed and type-checked, not run) against a migrated database of the storage
 * under test, and the files and the loader's list must agree.
 */
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REACHED_WORKSPACE_SQL } from "../src/access/workspace-access.js";
import { SQL_DIRECTORY, STATEMENT_NAMES, statementText } from "../src/storage/sql-statements.js";
import { openTestDatabase, type TestDatabase } from "./support/test-database.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

/** The types PostgreSQL gave a prepared statement's parameters, as `regtype` names. */
async function preparedParameterTypes(name: string, text: string): Promise<string[]> {
  return db.withConnection(async (connection) => {
    const statement = `check_${name}`;
    await connection.exec(`PREPARE ${statement} AS ${text}`);
    try {
      const [row] = await connection.query<{ types: string }>(
        "SELECT parameter_types::text AS types FROM pg_prepared_statements WHERE name = $1",
        [statement.toLowerCase()],
      );
      return (row?.types ?? "{}")
        .replace(/^\{|\}$/g, "")
        .split(",")
        .filter(Boolean);
    } finally {
      await connection.exec(`DEALLOCATE ${statement}`);
    }
  });
}

describe("SQL statement files", () => {
  it("are the statements the loader knows, one a file", () => {
    const files = readdirSync(SQL_DIRECTORY).filter((file) => !file.startsWith("."));
    expect(files.sort()).toEqual(STATEMENT_NAMES.map((name) => `${name}.sql`).sort());
  });

  it.each(STATEMENT_NAMES)("%s prepares on a migrated database", async (name) => {
    const types = await preparedParameterTypes(name, statementText(name));
    const numbered = new Set([...statementText(name).matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
    // Every parameter from $1 to the last is used, so no value is bound to nothing.
    expect(types.length).toBe(numbered.size);
    expect([...numbered].sort((a, b) => a - b)).toEqual(types.map((_, index) => index + 1));
  });

  it.each(STATEMENT_NAMES)("%s checks the caller's reach with the one rule, or reads no workspace", async (name) => {
    const text = statementText(name);
    if (!/\bworkspaces\b/.test(text)) return;
    expect(text).toContain(REACHED_WORKSPACE_SQL);
    expect(text.split("account_id").length - 1).toBe(1);
    expect((await preparedParameterTypes(name, text)).slice(0, 2)).toEqual(["uuid", "uuid"]);
  });
});
