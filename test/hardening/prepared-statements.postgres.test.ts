/**
 * PostgreSQL keeps the server's statements parsed and planned per connection (named prepared
 * statements, src/storage/prepared-statements.ts), unless DATABASE_PREPARED_STATEMENTS=false, as a
 * transaction-mode connection pooler needs. Each server here has a pool of one connection, so
 * pg_prepared_statements, which shows the current session's statements, shows the server's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createWorkspace } from "../../src/access/accounts.js";
import { loadConfig } from "../../src/config.js";
import { createApp } from "../../src/server/app.js";
import { type Database, openDatabase } from "../../src/storage/database.js";
import { createStatementNamer } from "../../src/storage/prepared-statements.js";
import { shape } from "../support/contact-helpers.js";
import type { CreateContactMutation } from "../support/generated/graphql.js";
import { CREATE_CONTACT, expectTypename, readResponse } from "../support/test-app.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await openTestDatabase();
});
afterAll(() => testDb.close());

async function serverWithOneConnection(preparedStatements: boolean) {
  const config = loadConfig({
    DATABASE_URL: testDb.url as string,
    DATABASE_POOL_SIZE: "1",
    DATABASE_PREPARED_STATEMENTS: String(preparedStatements),
  });
  const db: Database = await openDatabase(config);
  const account = await createAccount(db.prisma, { name: `Prepared ${preparedStatements}` });
  const { apiKey } = await createWorkspace(db.prisma, { accountId: account.accountId, name: "Main" });
  const yoga = createApp({ prisma: db.prisma, config });
  const create = async (email: string) => {
    const response = await yoga.fetch("http://test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query: CREATE_CONTACT, variables: { input: { email, tags: ["vip"] } } }),
    });
    return (await readResponse<CreateContactMutation>(response)).data.createContact;
  };
  const preparedInsertCount = async () => {
    const rows = await db.prisma.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM pg_prepared_statements 
      WHERE statement LIKE '%INSERT INTO contacts%' AND statement NOT LIKE '%pg_prepared_statements%'`;
    return rows[0]?.count ?? 0;
  };
  const planCacheMode = async () =>
    (await db.prisma.$queryRaw<{ mode: string }[]>`SELECT current_setting('plan_cache_mode') AS mode`)[0]?.mode;
  return { db, create, preparedInsertCount, planCacheMode };
}

describe("prepared statements on PostgreSQL", () => {
  it("prepares a create's statement once and reuses it for the next create", async () => {
    const server = await serverWithOneConnection(true);
    try {
      expect(await server.preparedInsertCount()).toBe(0);
      const one = expectTypename(await server.create("one@example.com"), "CreateContactSuccess");
      expect(shape(one.contact)).toMatchObject({ email: "one@example.com", tags: ["vip"] });
      expect(await server.preparedInsertCount()).toBe(1);
      expect((await server.create("two@example.com")).__typename).toBe("CreateContactSuccess");
      expect(await server.preparedInsertCount()).toBe(1);
      // A failed request on a prepared statement still writes nothing and says why.
      expect((await server.create("one@example.com")).__typename).toBe("ConflictError");
      // PostgreSQL may keep a plan after five executions (its default): planning was half its work.
      expect(await server.planCacheMode()).toBe("auto");
    } finally {
      await server.db.close();
    }
  });

  it("prepares nothing with DATABASE_PREPARED_STATEMENTS=false", async () => {
    const server = await serverWithOneConnection(false);
    try {
      expect((await server.create("three@example.com")).__typename).toBe("CreateContactSuccess");
      expect((await server.create("four@example.com")).__typename).toBe("CreateContactSuccess");
      expect(await server.preparedInsertCount()).toBe(0);
    } finally {
      await server.db.close();
    }
  });
});

describe("createStatementNamer", () => {
  it("gives one text one name, and stops naming past its limit", () => {
    const name = createStatementNamer(2);
    const a = name({ sql: "SELECT 1" });
    expect(a).toMatch(/^s_/);
    expect(name({ sql: "SELECT 1" })).toBe(a);
    const b = name({ sql: "SELECT 2" });
    expect(b).not.toBe(a);
    expect(name({ sql: "SELECT 3" })).toBe("");
    expect(name({ sql: "SELECT 2" })).toBe(b);
  });
});
