import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContactsDocument } from "../../client/src/generated/graphql.js";
import { defaultAppConfig, startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
let closed: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  closed = await startTestApp({
    app: { config: { ...defaultAppConfig, graphql: { ...defaultAppConfig.graphql, introspection: false } } },
  });
});
afterAll(async () => {
  await app?.close();
  await closed?.close();
});

const limits = defaultAppConfig.graphql;

async function expectRejected(query: string, code: string) {
  const response = await app.graphql(app.tenant.workspaceKey, query);
  expect(response.status).toBe(400);
  expect(response.body.errors?.map((error) => error.extensions?.code)).toContain(code);
  expect(response.body.data).toBeUndefined();
}

describe("abuse limits", () => {
  it("has defaults in graphql-armor's range", () => {
    expect(limits).toMatchObject({ maxDepth: 8, maxAliases: 15, maxTokens: 2000 });
  });

  it("refuses a query deeper than the limit, before it runs", async () => {
    // contacts > edges > node > tags > id is depth 5: nest fragments' selections to exceed 8.
    const deep = `{ contacts { edges { node { tags { id } } } pageInfo { hasNextPage } } }`;
    expect((await app.graphql(app.tenant.workspaceKey, deep)).status).toBe(200);
    const tooDeep = `{ a: __type(name: "Contact") { fields { type { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } }`;
    await expectRejected(tooDeep, "QUERY_TOO_DEEP");
  });

  it("refuses more aliases than the limit", async () => {
    const alias = (i: number) => `a${i}: contact(id: "00000000-0000-4000-8000-000000000000") { id }`;
    const aliases = Array.from({ length: limits.maxAliases + 1 }, (_, i) => alias(i)).join(" ");
    await expectRejected(`{ ${aliases} }`, "TOO_MANY_ALIASES");
    const allowed = Array.from({ length: limits.maxAliases }, (_, i) => alias(i)).join(" ");
    expect((await app.graphql(app.tenant.workspaceKey, `{ ${allowed} }`)).status).toBe(200);
  });

  it("refuses more directives than the limit", async () => {
    const directives = Array.from({ length: limits.maxDirectives + 1 }, () => "@include(if: true)").join(" ");
    await expectRejected(`{ __typename ${directives} }`, "TOO_MANY_DIRECTIVES");
  });

  it("refuses a document with more tokens than the limit", async () => {
    const fields = Array.from({ length: limits.maxTokens }, () => "__typename").join(" ");
    await expectRejected(`{ ${fields} }`, "TOO_MANY_TOKENS");
  });

  it("refuses a query whose cost is over the limit", async () => {
    const costly = Array.from(
      { length: 14 },
      (_, i) => `c${i}: contacts(first: 100) { edges { node { tags { id name } customFields { name value } } } }`,
    ).join(" ");
    await expectRejected(`{ ${costly} }`, "QUERY_TOO_COSTLY");
  });

  it("counts a `first` passed as a variable (or its default) like a literal one", async () => {
    const costly = (first: string) =>
      Array.from(
        { length: 14 },
        (_, i) =>
          `c${i}: contacts(first: ${first}) { edges { node { tags { id name } customFields { name value } } } }`,
      ).join(" ");
    const withVariable = `query($f: Int) { ${costly("$f")} }`;
    const refused = await app.graphql(app.tenant.workspaceKey, withVariable, { f: 100 });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.map((error) => error.extensions?.code)).toEqual(["QUERY_TOO_COSTLY"]);
    expect(refused.body.data).toBeUndefined();
    const byDefault = await app.graphql(app.tenant.workspaceKey, `query($f: Int = 100) { ${costly("$f")} }`);
    expect(byDefault.status).toBe(400);
    // 15 aliases of 100 contacts each, through a fragment: refused too.
    const wide = `query($f: Int!) { ${Array.from({ length: 15 }, (_, i) => `c${i}: contacts(first: $f) { ...Ids }`).join(" ")} }
      fragment Ids on ContactConnection { edges { node { id } } }`;
    expect((await app.graphql(app.tenant.workspaceKey, wide, { f: 100 })).status).toBe(400);
    // The same documents with a modest page pass.
    const modest = await app.graphql(app.tenant.workspaceKey, withVariable, { f: 2 });
    expect(modest.status).toBe(200);
    expect(modest.body.errors).toBeUndefined();
    expect((await app.graphql(app.tenant.workspaceKey, wide, { f: 5 })).status).toBe(200);
  });

  it("lets the client package's contact list ask for its largest page, and refuses 15 such pages", async () => {
    // The document the client package sends for `contacts`, every field of a contact included.
    const page = await app.graphql(app.tenant.workspaceKey, ContactsDocument, { first: 100 });
    expect(page.status).toBe(200);
    expect(page.body.errors).toBeUndefined();
    const ids = Array.from({ length: 15 }, (_, i) => `c${i}: contacts(first: $f) { edges { node { id } } }`);
    const pages = await app.graphql(app.tenant.workspaceKey, `query($f: Int) { ${ids.join(" ")} }`, { f: 100 });
    expect(pages.status).toBe(400);
    expect(pages.body.errors?.map((error) => error.extensions?.code)).toEqual(["QUERY_TOO_COSTLY"]);
  });

  it("prices an operation with graphql-armor's formula", async () => {
    // A page of 100 contacts with tags and custom fields: (2 + 1.5 × 27.5) × 100 each.
    const one = `contacts(first: 100) { edges { node { tags { id name } customFields { name value } } } }`;
    const five = ["a", "b", "c", "d", "e"].map((alias) => `${alias}: ${one}`).join(" ");
    const response = await app.graphql(app.tenant.workspaceKey, `{ ${five} }`);
    expect(response.body.errors?.[0]?.message).toBe(`Query Cost limit of ${limits.maxCost} exceeded, found 21625.`);
    expect((await app.graphql(app.tenant.workspaceKey, `{ ${one} }`)).status).toBe(200);
  });

  it("keeps batched operations off unless configured", async () => {
    const response = await app.yoga.fetch("http://test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${app.tenant.workspaceKey}` },
      body: JSON.stringify([{ query: "{ __typename }" }, { query: "{ __typename }" }]),
    });
    expect(response.status).toBe(400);
  });
});

describe("introspection switch (GRAPHQL_INTROSPECTION=false)", () => {
  it("answers introspection when on (default)", async () => {
    const response = await app.graphql(null, `{ __schema { queryType { name } } }`);
    expect(response.status).toBe(200);
  });

  it("refuses introspection, hides GraphiQL and field suggestions when off", async () => {
    const introspection = await closed.graphql(closed.tenant.workspaceKey, `{ __schema { queryType { name } } }`);
    expect(introspection.body.data).toBeUndefined();
    expect(introspection.body.errors?.[0]?.message).toMatch(/introspection has been disabled/i);

    const graphiql = await closed.yoga.fetch("http://test/graphql", { headers: { accept: "text/html" } });
    expect(await graphiql.text()).not.toContain("GraphiQL");

    const typo = await closed.graphql(closed.tenant.workspaceKey, `{ contactz(id: "x") { id } }`);
    expect(JSON.stringify(typo.body)).not.toMatch(/Did you mean/i);
    const typoWhenOpen = await app.graphql(app.tenant.workspaceKey, `{ contactz(id: "x") { id } }`);
    expect(JSON.stringify(typoWhenOpen.body)).toMatch(/Did you mean/i);
  });
});
