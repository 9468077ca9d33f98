import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_MUTATION, exampleInputs, GRAPHIQL_ASSETS_PATH } from "../src/server/graphiql.js";
import { startHttpServer } from "./support/http-server.js";
import { defaultAppConfig, expectTypename, startTestApp, type TestApp } from "./support/test-app.js";

// What the page is and what it links to, through the HTTP entry point `npm start` uses;
// test/e2e/graphiql.test.ts drives it in Chromium.
let demo: TestApp;
let plain: TestApp;
let http: Awaited<ReturnType<typeof startHttpServer>>;
let closed: Awaited<ReturnType<typeof startHttpServer>>;
beforeAll(async () => {
  demo = await startTestApp({ app: { demoApiKey: "sk_live_DemoKeyForGraphiQL000000000000000000" } });
  plain = await startTestApp();
  http = await startHttpServer(plain);
  closed = await startHttpServer(plain, {
    config: { graphql: { ...defaultAppConfig.graphql, introspection: false } },
  });
});
afterAll(async () => {
  await http?.close();
  await closed?.close();
  await demo?.close();
  await plain?.close();
});

/**
 * What the page's example mutation (the server's text, sent as it is) answers, as far as this test
 * reads it.
 */
interface ExampleResult {
  createContact:
    | { __typename: "CreateContactSuccess"; contact: { timezone: string | null } }
    | { __typename: "ValidationError" | "ConflictError" | "ForbiddenError"; message: string };
}

async function graphiqlPage(app: TestApp) {
  const response = await app.yoga.fetch("http://test/graphql", { headers: { accept: "text/html" } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/html");
  return response.text();
}

/** The files the page loads: its stylesheet and script, and the editor workers its script names. */
function linkedFiles(page: string): string[] {
  return [...page.matchAll(/(?:href|src)="(\/[^"]+)"|"(\/graphiql\/[^"]+)"/g)].map(
    (match) => match[1] ?? match[2] ?? "",
  );
}

describe("GraphiQL page", () => {
  it("opens on the createContact example and says how to pass the key", async () => {
    const page = await graphiqlPage(plain);
    expect(page).toContain("mutation CreateContact($input: CreateContactInput!)");
    // The options are JSON in a <script>, with "<" escaped so that no text can close the element.
    expect(page).toContain("Bearer \\u003cyour sk_live_ or sk_test_ API key>");
    expect(page).not.toMatch(/Bearer sk_live_[A-Za-z0-9]{32,}/);
  });

  it("holds the demo workspace key on the embedded demo database, so the example runs in one click", async () => {
    const page = await graphiqlPage(demo);
    expect(page).toContain("Bearer sk_live_DemoKeyForGraphiQL000000000000000000");
  });

  it("names no other host: no CDN, favicon or font host", async () => {
    const page = await graphiqlPage(plain);
    expect(page.match(/(?:https?:)?\/\/[a-z0-9.-]+/gi)).toBeNull();
    expect(linkedFiles(page).length).toBe(5);
  });

  it("stays small: its files are linked, not inlined", async () => {
    const page = await graphiqlPage(plain);
    expect(new TextEncoder().encode(page).length).toBeLessThan(8 * 1024);
  });

  it("gets every file it links from this server, cacheable for good (the version is in the path)", async () => {
    const page = await graphiqlPage(plain);
    for (const path of linkedFiles(page)) {
      const response = await fetch(`${http.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("cache-control"), path).toBe("public,max-age=31536000,immutable");
      expect(response.headers.get("content-type"), path).toMatch(/^text\/(javascript|css)/);
      expect((await response.arrayBuffer()).byteLength, path).toBeGreaterThan(1000);
    }
    // The request log names the path the client asked for (a line is written once a response closes).
    const logged = () => http.logs.entries().flatMap((entry) => (entry.msg === "request" ? [entry.path] : []));
    await expect.poll(logged).toEqual(expect.arrayContaining(linkedFiles(page)));
  });

  it("serves only the files the page links, and only to GET and HEAD", async () => {
    const css = `${http.url}${GRAPHIQL_ASSETS_PATH}/graphiql.css`;
    expect((await fetch(css, { method: "HEAD" })).status).toBe(200);
    const post = await fetch(css, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    for (const other of ["yoga-graphiql.es.js", "graphiql.css.missing", "", "../package.json", "%2e%2e/package.json"]) {
      expect((await fetch(`${http.url}${GRAPHIQL_ASSETS_PATH}/${other}`)).status, other).toBe(404);
    }
  });

  it("is off with introspection (GRAPHQL_INTROSPECTION=false): no page and none of its files", async () => {
    const page = await fetch(`${closed.url}/graphql`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(406);
    expect(page.headers.get("content-type") ?? "").not.toMatch(/text\/html/);
    expect(await page.text()).not.toContain("YogaGraphiQL");
    expect((await fetch(`${closed.url}${GRAPHIQL_ASSETS_PATH}/graphiql.css`)).status).toBe(404);
  });

  it("offers a new email and phone on each load, none of them the README's", async () => {
    const emails = new Set<string>();
    const phones = new Set<string>();
    for (let load = 0; load < 5; load += 1) {
      const page = await graphiqlPage(plain);
      emails.add(page.match(/grace\.hopper\.[0-9a-f]{8}@example\.com/)?.[0] ?? "none");
      phones.add(page.match(/\+1\d{3}55501\d{2}/)?.[0] ?? "none");
      expect(page).not.toContain("ada@example.com");
      expect(page).not.toContain("+12125550123");
    }
    expect(emails.size).toBe(5);
    expect(phones.size).toBe(5);
  });

  it("gives 2,000 loads in a row 2,000 different phones, never the README's", () => {
    const next = exampleInputs();
    const phones = Array.from({ length: 2000 }, () => next().phone);
    expect(new Set(phones).size).toBe(2000);
    expect(phones).not.toContain("+12125550123");
  });

  it("runs its example input as a valid createContact with a derived timezone, for every area code it uses", async () => {
    const next = exampleInputs();
    for (let areaCode = 0; areaCode < 20; areaCode += 1) {
      const input = next();
      for (let skip = 1; skip < 100; skip += 1) next();
      const response = await plain.graphql<ExampleResult>(plain.tenant.workspaceKey, EXAMPLE_MUTATION, { input });
      const result = response.data.createContact;
      expect(result.__typename, input.phone).toBe("CreateContactSuccess");
      const { contact } = expectTypename(result, "CreateContactSuccess");
      expect(contact.timezone, input.phone).toMatch(/^(America|Pacific)\//);
    }
  });
});
