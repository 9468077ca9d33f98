import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/server/app.js";
import { type Database, openDatabase } from "../../src/storage/database.js";
import { ContactCountDocument, ContactEmailsDocument } from "../support/generated/graphql.js";
import { textOf } from "../support/graphql-response.js";
import { defaultAppConfig, readResponse, startTestApp, type TestApp } from "../support/test-app.js";

/**
 * A statement that runs past DATABASE_STATEMENT_TIMEOUT_MS is stopped by PostgreSQL, and the client
 * is told so with its own code. PostgreSQL only: the embedded database cannot stop a statement
 * (it runs on the server's one thread), so there its bound is the inputs' bounds.
 */
let app: TestApp;
let strict: Database;
let strictYoga: ReturnType<typeof createApp>;
beforeAll(async () => {
  app = await startTestApp();
  await app.db.withConnection((sql) =>
    sql.exec(`
      INSERT INTO contacts (workspace_id, id, first_name, email)
      SELECT '${app.tenant.workspaceId}'::uuid, gen_random_uuid(), 'First' || md5(i::text), 'person' || i || '@example.com'
        FROM generate_series(1, 400000) AS i;
      ANALYZE contacts;`),
  );
  strict = await openDatabase({
    databaseUrl: app.db.url as string,
    databasePoolSize: 4,
    databaseConnectTimeoutMs: 5000,
    databaseStatementTimeoutMs: 100,
  });
  strictYoga = createApp({ prisma: strict.prisma, config: defaultAppConfig });
}, 240_000);
afterAll(async () => {
  await strict?.close();
  await app?.close();
});

async function post<Data, Variables>(document: TypedDocumentNode<Data, Variables>, variables: Variables) {
  const response = await strictYoga.fetch("http://test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${app.tenant.workspaceKey}` },
    body: JSON.stringify({ query: textOf(document), variables }),
  });
  return readResponse<Data>(response);
}

describe("a statement that runs too long", () => {
  it("is answered QUERY_TIMEOUT, not a masked internal error, and the server goes on serving", async () => {
    // One character has no trigram: the count reads all 400,000 contacts, well over 100 ms.
    const slow = await post(ContactCountDocument, { first: 1, filter: { search: "q" } });
    expect(slow.status).toBe(200);
    expect(slow.body.errors).toEqual([
      {
        message: expect.stringMatching(/^The database stopped this query: it ran longer than the server allows/),
        locations: expect.any(Array),
        path: expect.any(Array),
        extensions: { code: "QUERY_TIMEOUT" },
      },
    ]);
    expect(JSON.stringify(slow.body)).not.toMatch(/SELECT|statement timeout|canceling/i);

    const quick = await post(ContactEmailsDocument, { first: 1, filter: { email: "person7@example.com" } });
    expect(quick.body).toEqual({
      data: { contacts: { edges: [{ node: { id: expect.any(String), email: "person7@example.com" } }] } },
    });
  });
});
