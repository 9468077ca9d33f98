import { mkdirSync } from "node:fs";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createWorkspace } from "../../src/access/accounts.js";
import { createApp } from "../../src/server/app.js";
import { servesGraphiQL } from "../../src/server/graphiql.js";
import { createHttpHandler } from "../../src/server/http.js";
import { createLogger } from "../../src/server/observability/logger.js";
import { openTestPage, type TestPage } from "../support/browser.js";
import { defaultAppConfig } from "../support/test-app.js";
import { openTestDatabase, storage, type TestDatabase } from "../support/test-database.js";

/**
 * GraphiQL in headless Chromium with the network cut off: every request to another origin is
 * aborted and recorded, and none may be attempted. Served by the HTTP handler `npm start` uses, with
 * the workspace key prefilled as on the embedded demo database. Screenshots go to
 * test-results/e2e/<project>/graphiql-*.png.
 */
const SCREENSHOTS = join("test-results", "e2e", storage);

describe("GraphiQL in Chromium, offline", { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let server: Server;
  let browser: TestPage;
  let page: Page;
  let origin: string;
  let workspaceKey: string;
  const elsewhere: string[] = [];

  let listener: RequestListener;
  /** What `npm start` serves, with this key as the demo key: swapped in as a restarted server would be. */
  const serveWithDemoKey = (demoApiKey: string) => {
    listener = createHttpHandler({
      graphql: createApp({ prisma: db.prisma, config: defaultAppConfig, demoApiKey }),
      logger: createLogger("silent"),
      maxBodyBytes: defaultAppConfig.http.maxBodyBytes,
      checkReadiness: async () => {},
      graphiql: servesGraphiQL(defaultAppConfig),
    }).listener;
  };

  const screenshot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `graphiql-${name}.png`) });
  const resultPane = () => page.getByRole("region", { name: "Result Window" });
  const variablesPane = () => page.getByRole("region", { name: "Variables" });

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    db = await openTestDatabase();
    const account = await createAccount(db.prisma, { name: "GraphiQL account" });
    const workspace = await createWorkspace(db.prisma, { accountId: account.accountId, name: "GraphiQL workspace" });
    workspaceKey = workspace.apiKey;

    serveWithDemoKey(workspaceKey);
    server = createServer((request, response) => listener(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // Generous: on a busy two-core machine the first render (5 MB of script) has taken 15 s.
    browser = await openTestPage({ timeoutMs: 60_000, viewport: { width: 1400, height: 900 } });
    page = browser.page;
    // No internet: anything not from this server is refused, and kept to be reported.
    await browser.context.route("**/*", (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      elsewhere.push(url);
      return route.abort("internetdisconnected");
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await db?.close();
  });

  it("renders the createContact example with its variables and the key in the headers", async () => {
    await page.goto(`${origin}/graphql`);
    await page.getByText("mutation CreateContact($input: CreateContactInput!)").waitFor();
    await variablesPane().getByText('"email"').waitFor();
    expect(await variablesPane().textContent()).toMatch(/grace\.hopper\.[0-9a-f]{8}@example\.com/);

    await page.getByRole("button", { name: "Headers" }).click();
    await page.getByText(`"Bearer ${workspaceKey}"`).waitFor();
    await screenshot("01-opened");
    await page.getByRole("button", { name: "Variables" }).click();
  });

  it("lists the schema with its descriptions in the docs pane", async () => {
    await page.getByRole("button", { name: "Show Documentation Explorer" }).click();
    const docs = page.locator(".graphiql-doc-explorer");
    await docs.getByText("mutation: Mutation").waitFor();
    await docs.getByRole("link", { name: "Mutation" }).click();
    await docs.getByText("createContact", { exact: true }).first().waitFor();
    await docs
      .getByText("Creates a contact, its new tags and its custom values in one transaction, or nothing at all.")
      .waitFor();
    await screenshot("02-docs");
    await page.getByRole("button", { name: "Hide Documentation Explorer" }).click();
  });

  it("runs the example in one click: CreateContactSuccess, and the contact is stored", async () => {
    await page.getByRole("button", { name: "Execute query (Ctrl-Enter)" }).click();
    await resultPane().getByText('"CreateContactSuccess"').waitFor();
    await screenshot("03-created");
    const contacts = await db.prisma.contact.findMany({ select: { email: true } });
    expect(contacts).toHaveLength(1);
    expect(await resultPane().textContent()).toContain(contacts[0]?.email);
  });

  it("offers new values on the next page load, so running it again succeeds again", async () => {
    await page.reload();
    await page.getByText("mutation CreateContact($input: CreateContactInput!)").waitFor();
    await variablesPane().getByText('"email"').waitFor();
    await page.getByRole("button", { name: "Execute query (Ctrl-Enter)" }).click();
    await resultPane().getByText('"CreateContactSuccess"').waitFor();
    expect(await db.prisma.contact.count()).toBe(2);
    // One tab still: nothing kept from the last load adds to it.
    expect(await page.getByRole("tab").count()).toBe(1);
    await screenshot("04-created-again");
  });

  it("holds the key of the server it comes from after a restart with another demo key", async () => {
    const account = await createAccount(db.prisma, { name: "Restarted account" });
    const restarted = await createWorkspace(db.prisma, { accountId: account.accountId, name: "Restarted" });
    serveWithDemoKey(restarted.apiKey);
    await page.reload();
    await page.getByRole("button", { name: "Headers" }).click();
    await page.getByText(`"Bearer ${restarted.apiKey}"`).waitFor();
    await page.getByRole("button", { name: "Execute query (Ctrl-Enter)" }).click();
    await resultPane().getByText('"CreateContactSuccess"').waitFor();
    expect(await db.prisma.contact.count({ where: { workspaceId: restarted.workspaceId } })).toBe(1);
    expect(await page.getByRole("tab").count()).toBe(1);
  });

  it("asked for nothing outside its own server, and threw no error", () => {
    expect(elsewhere).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
