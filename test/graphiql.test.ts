import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_MUTATION, freshExampleInput } from "../src/graphiql.js";
import { createHttpHandler } from "../src/http.js";
import { createLogger } from "../src/observability/logger.js";
import { defaultAppConfig, startTestApp, type TestApp } from "./support/test-app.js";

// What the page is and what it links to; test/e2e/graphiql.test.ts drives it in Chromium.
let demo: TestApp;
let plain: TestApp;
let server: Server;
let origin: string;
beforeAll(async () => {
  demo = await startTestApp({ app: { demoApiKey: "sk_live_DemoKeyForGraphiQL000000000000000000" } });
  plain = await startTestApp();
  const http = createHttpHandler({
    graphql: plain.yoga,
    logger: createLogger("silent"),
    maxBodyBytes: defaultAppConfig.http.maxBodyBytes,
    checkReadiness: async () => {},
    graphiql: true,
  });
  server = createServer(http.listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await demo?.close();
  await plain?.close();
});

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
      const response = await fetch(`${origin}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("cache-control"), path).toBe("public,max-age=31536000,immutable");
      expect(response.headers.get("content-type"), path).toMatch(/^text\/(javascript|css)/);
      expect((await response.arrayBuffer()).byteLength, path).toBeGreaterThan(1000);
    }
    expect((await fetch(`${origin}${linkedFiles(page)[0]}.missing`)).status).toBe(404);
  });

  it("serves none of GraphiQL's files when GraphiQL is off", async () => {
    const http = createHttpHandler({
      graphql: plain.yoga,
      logger: createLogger("silent"),
      maxBodyBytes: defaultAppConfig.http.maxBodyBytes,
      checkReadiness: async () => {},
    });
    const closed = createServer(http.listener);
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    try {
      const page = await graphiqlPage(plain);
      const response = await fetch(`http://127.0.0.1:${(closed.address() as AddressInfo).port}${linkedFiles(page)[0]}`);
      expect(response.status).toBe(404);
    } finally {
      await new Promise((resolve) => closed.close(resolve));
    }
  });

  it("offers a new email and phone on each load, none of them the README's", async () => {
    const emails = new Set<string>();
    for (let load = 0; load < 5; load += 1) {
      const page = await graphiqlPage(plain);
      const email = page.match(/grace\.hopper\.[0-9a-f]{8}@example\.com/)?.[0];
      expect(email).toBeDefined();
      emails.add(email ?? "");
      expect(page).not.toContain("ada@example.com");
      expect(page).not.toContain("+12125550123");
    }
    expect(emails.size).toBe(5);
  });

  it("runs its example input as a valid createContact, again and again", async () => {
    for (let run = 0; run < 5; run += 1) {
      const input = freshExampleInput();
      const response = await plain.graphql(plain.tenant.workspaceKey, EXAMPLE_MUTATION, { input });
      expect(response.body.data?.createContact.__typename).toBe("CreateContactSuccess");
      expect(response.body.data?.createContact.contact.timezone).toMatch(/^America\//);
    }
  });
});
