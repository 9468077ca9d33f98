import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeApiKey } from "../../src/access/accounts.js";
import { ContactDocument, CreateContactDocument, WorkspacesDocument } from "../support/generated/graphql.js";
import {
  countRows,
  defaultAppConfig,
  expectTypename,
  type GraphQLResponse,
  startTestApp,
  type TestApp,
} from "../support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

function expectUnauthenticated(response: GraphQLResponse<unknown>) {
  expect(response.status).toBe(401);
  expect(response.headers.get("www-authenticate")).toBe("Bearer");
  expect(response.body).toEqual({ errors: [{ message: "Unauthenticated", extensions: { code: "UNAUTHENTICATED" } }] });
}

describe("API keys", () => {
  it.each([
    ["no key", null],
    ["an unknown key", `sk_live_${"x".repeat(40)}`],
    ["a malformed key", "not-a-key"],
    ["a key with too few random characters", "sk_live_abc"],
  ])("refuses %s with 401 UNAUTHENTICATED and nothing else, on reads and writes", async (_label, key) => {
    const before = await countRows(app);
    expectUnauthenticated(await app.graphql(key, ContactDocument, { id: "00000000-0000-0000-0000-000000000000" }));
    expectUnauthenticated(await app.graphql(key, CreateContactDocument, { input: { email: "nobody@example.com" } }));
    expect(await countRows(app)).toEqual(before);
  });

  it("refuses a key without the Bearer scheme", async () => {
    const response = await app.yoga.fetch("http://test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: app.tenant.workspaceKey },
      body: JSON.stringify({ query: '{ contact(id: "x") { id } }' }),
    });
    expect(response.status).toBe(401);
  });

  it("refuses a revoked key, which worked before, once the key cache has forgotten it", async () => {
    const ttl = 400;
    const cached = await startTestApp({ app: { config: { ...defaultAppConfig, apiKeyCacheTtlMs: ttl } } });
    try {
      const key = await cached.createApiKey({ workspaceId: cached.tenant.workspaceId });
      const ok = await cached.graphql(key.apiKey, CreateContactDocument, {
        input: { email: "before-revoke@example.com" },
      });
      expectTypename(ok.data.createContact, "CreateContactSuccess");
      await revokeApiKey(cached.db.prisma, key.apiKeyId);
      await new Promise((resolve) => setTimeout(resolve, ttl + 100));
      expectUnauthenticated(
        await cached.graphql(key.apiKey, CreateContactDocument, { input: { email: "after@example.com" } }),
      );
    } finally {
      await cached.close();
    }
  });

  it("refuses a revoked key at once when the key cache is off", async () => {
    const uncached = await startTestApp({ app: { config: { ...defaultAppConfig, apiKeyCacheTtlMs: 0 } } });
    try {
      const key = await uncached.createApiKey({ workspaceId: uncached.tenant.workspaceId });
      expect((await uncached.graphql(key.apiKey, WorkspacesDocument)).status).toBe(200);
      await revokeApiKey(uncached.db.prisma, key.apiKeyId);
      expectUnauthenticated(await uncached.graphql(key.apiKey, WorkspacesDocument));
    } finally {
      await uncached.close();
    }
  });

  it("serves a brand-new key at once, even after it was tried before it existed", async () => {
    const key = await app.createApiKey({ workspaceId: app.tenant.workspaceId });
    expect((await app.graphql(key.apiKey, WorkspacesDocument)).status).toBe(200);
  });

  it("refuses a query that hides a data field in a fragment", async () => {
    const response = await app.graphql(
      null,
      `query { ...F } fragment F on Query { __typename contact(id: "00000000-0000-0000-0000-000000000000") { id } }`,
    );
    expectUnauthenticated(response);
  });

  it("lets introspection and __typename through without a key, so GraphiQL can load the schema", async () => {
    const response = await app.graphql(null, `{ __typename __schema { queryType { name } } }`);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ __typename: "Query", __schema: { queryType: { name: "Query" } } });
  });

  it("stores only a hash and a short prefix of each key", async () => {
    const keys = await app.db.prisma.apiKey.findMany();
    const serialized = JSON.stringify(keys);
    for (const key of [app.tenant.accountKey, app.tenant.workspaceKey]) {
      expect(serialized).not.toContain(key);
      expect(serialized).toContain(key.slice(0, 12));
    }
  });
});

describe("masked errors", () => {
  it("hides the cause of an unexpected failure: no stack, SQL or key material", async () => {
    // Break the database underneath a request: dropping the table makes the insert fail in SQL.
    const broken = await startTestApp();
    try {
      await broken.db.prisma.$executeRawUnsafe("DROP TABLE contact_custom_values");
      const response = await broken.graphql(broken.tenant.workspaceKey, CreateContactDocument, {
        input: { email: "masked@example.com" },
      });
      expect(response.errors).toEqual([
        {
          message: "Unexpected error.",
          locations: expect.any(Array),
          path: ["createContact"],
          extensions: { code: "INTERNAL_SERVER_ERROR" },
        },
      ]);
      const text = JSON.stringify(response.body);
      expect(text).not.toMatch(/contact_custom_values|SELECT|INSERT|stack|at \w+ \(/i);
      expect(text).not.toContain(broken.tenant.workspaceKey);
    } finally {
      await broken.close();
    }
  });
});
