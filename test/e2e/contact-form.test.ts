import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createWorkspace } from "../../src/access/accounts.js";
import { defineCustomVariable } from "../../src/custom-variables/custom-variables.service.js";
import { createApp } from "../../src/server/app.js";
import { openTestPage, type TestPage } from "../support/browser.js";
import { type MintedToken, mintClientToken, SECRET_KEY } from "../support/client-tokens.js";
import { defaultAppConfig } from "../support/test-app.js";
import { openTestDatabase, storage, type TestDatabase } from "../support/test-database.js";
import { buildWebApp, type ServedWebApp, serveWebApp } from "../support/web-app.js";

/**
 * The example app (examples/web) in headless Chromium, served by the API's own HTTP handler the way
 * `npm start` serves it at /app: a user points it at a token URL, creates a contact, hits a conflict
 * and a bad phone, and keeps working when a token is refused or about to expire. The token URL is
 * the test's own route beside the API, minting client tokens with the workspace's secret key, as a
 * team's backend does (examples/token-server); the page never sees that key. Chromium (see test/support/browser.ts: CHROMIUM_PATH, the system's, or the one npm
 * installs) driven by playwright-core; it never skips. Screenshots of each state go to
 * test-results/e2e/<project>/.
 */
const SCREENSHOTS = join("test-results", "e2e", storage);

/** Every file under `directory`, recursively. */
function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe("example app: the contact form in Chromium", () => {
  let db: TestDatabase;
  let served: ServedWebApp | undefined;
  let browser: TestPage;
  let page: Page;
  let origin: string;
  let tokenUrl: string;
  let workspaceKey: string;
  const temporary = mkdtempSync(join(tmpdir(), "contacts-e2e-"));
  /** The token route: how often it was asked, what it answered, and answers to give before minting. */
  const tokenRoute = { calls: 0, given: [] as MintedToken[], next: [] as (() => Promise<MintedToken>)[] };
  /** The Authorization header of every request a page sent to the API. */
  const authorizations: string[] = [];
  let mint: () => Promise<MintedToken>;

  const recordAuthorization = (request: Request) => {
    if (new URL(request.url()).pathname === "/graphql") authorizations.push(request.headers().authorization ?? "");
  };

  async function serveToken(response: ServerResponse) {
    tokenRoute.calls++;
    const token = await (tokenRoute.next.shift() ?? mint)();
    tokenRoute.given.push(token);
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(token));
  }

  const screenshot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const textbox = (name: string) => page.getByRole("textbox", { name, exact: true });

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const built = buildWebApp(join(temporary, "dist"));

    db = await openTestDatabase();
    const account = await createAccount(db.prisma, { name: "E2E account" });
    const workspace = await createWorkspace(db.prisma, { accountId: account.accountId, name: "E2E workspace" });
    await defineCustomVariable(db.prisma, workspace.workspaceId, "Lead Source");
    workspaceKey = workspace.apiKey;

    await built;
    const graphql = createApp({ prisma: db.prisma, config: defaultAppConfig });
    mint = () => mintClientToken((request) => graphql.fetch(request), "http://test/graphql", workspaceKey);
    // The HTTP handler `npm start` uses, serving this build at /app, behind the token route a team's
    // backend would serve (same origin here).
    served = await serveWebApp({ graphql, webAppDirectory: join(temporary, "dist"), serveToken });
    ({ origin, tokenUrl } = served);

    browser = await openTestPage({ timeoutMs: 10_000, viewport: { width: 1100, height: 900 } });
    page = browser.page;
    page.on("request", recordAuthorization);
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await db?.close();
    rmSync(temporary, { recursive: true, force: true });
  });

  it("takes its token from the token URL in its settings and renders the workspace's custom variables", async () => {
    // An earlier version kept the API key in localStorage: the page drops it and never sends it.
    await page.goto(`${origin}/app/`);
    await page.evaluate(
      (key) => localStorage.setItem("contacts-api-example/settings", JSON.stringify({ apiKey: key, workspaceId: "" })),
      workspaceKey,
    );
    await page.reload();
    // Nothing is compiled in: the URLs default to this origin's /graphql and its demo token route,
    // which this server (not the demo database) does not serve.
    await page.getByText(`Cannot get a token from ${origin}/demo/client-token`).first().waitFor();
    await page.locator(".settings summary").click();
    expect(await textbox("API URL").inputValue()).toBe(`${origin}/graphql`);
    expect(await textbox("Token URL").inputValue()).toBe(`${origin}/demo/client-token`);
    expect(await page.getByLabel("API key").count()).toBe(0);
    await screenshot("00-settings");

    await textbox("Token URL").fill(tokenUrl);
    await page.getByRole("button", { name: "Save settings" }).click();
    await textbox("Lead Source").waitFor();
    await page.getByText("No contacts yet.").waitFor();
    expect(await page.locator(".form-error").count()).toBe(0);
    expect(await page.locator(".settings summary").textContent()).toBe(
      `Settings ${origin}/graphql · tokens from ${tokenUrl}`,
    );
    // One token for the page's first requests, sent with each of them.
    expect(tokenRoute.calls).toBe(1);
    const token = tokenRoute.given[0]?.token;
    expect(authorizations.length).toBeGreaterThan(0);
    expect(new Set(authorizations)).toEqual(new Set([`Bearer ${token}`]));
    await screenshot("01-ready");
  });

  it("creates a contact and shows it in the recent contacts with its tags", async () => {
    await textbox("First name").fill("Ada");
    await textbox("Last name").fill("Lovelace");
    await textbox("Email").fill("ada@example.com");
    await textbox("Phone").fill("+12125550123");
    await textbox("Tags").fill("vip, newsletter");
    await textbox("Lead Source").fill("Webinar");
    await page.getByRole("button", { name: "Create contact" }).click();

    const item = page.locator(".contact-list > li", { hasText: "ada@example.com" });
    await item.waitFor();
    expect(await item.locator(".contact-name").textContent()).toBe("Ada Lovelace");
    expect(await item.locator(".tag").allTextContents()).toEqual(["newsletter", "vip"]);
    expect(await item.textContent()).toContain("America/New_York");
    expect(await page.getByRole("status").textContent()).toBe("Created Ada Lovelace.");
    // The form is ready for the next contact.
    expect(await textbox("Email").inputValue()).toBe("");

    const stored = await db.prisma.contact.findMany({ select: { id: true, email: true } });
    expect(stored).toEqual([{ id: await item.getAttribute("data-contact-id"), email: "ada@example.com" }]);
    await screenshot("02-created");
  });

  it("shows a conflict for a duplicate email, linking to the existing contact", async () => {
    const existing = await db.prisma.contact.findFirstOrThrow({ where: { email: "ada@example.com" } });
    await textbox("First name").fill("Augusta");
    await textbox("Email").fill("ada@example.com");
    await textbox("Phone").fill("+12125550199");
    await page.getByRole("button", { name: "Create contact" }).click();

    const conflict = page.locator(".conflict");
    await conflict.waitFor();
    expect(await conflict.textContent()).toBe(
      "A contact with this email address already exists. Open the existing contact",
    );
    const link = conflict.getByRole("link", { name: "Open the existing contact" });
    expect(await link.getAttribute("href")).toBe(`/app/contacts/${existing.id}`);
    expect(await textbox("Email").getAttribute("aria-invalid")).toBe("true");
    expect(await textbox("Phone").getAttribute("aria-invalid")).toBe("false");
    expect(await db.prisma.contact.count()).toBe(1);
    await screenshot("03-conflict");

    // The link opens that contact, and the form keeps what was typed.
    await link.click();
    const card = page.locator(".contact-card");
    await card.getByRole("heading", { name: "Ada Lovelace" }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/app/contacts/${existing.id}`);
    expect(await card.textContent()).toContain(existing.id);
    expect(await card.textContent()).toContain("Webinar");
    expect(await textbox("First name").inputValue()).toBe("Augusta");
    await screenshot("04-existing-contact");
  });

  it("shows the API's error under the phone field for a phone that is not E.164", async () => {
    await textbox("Email").fill("augusta@example.com");
    await textbox("Phone").fill("555-0123");
    await page.getByRole("button", { name: "Create contact" }).click();

    const phoneErrors = page.locator('[data-field="phone"] .field-error');
    await phoneErrors.first().waitFor();
    expect(await phoneErrors.allTextContents()).toEqual([
      expect.stringMatching(/^phone must be a possible number in E\.164 form/),
    ]);
    expect(await textbox("Phone").getAttribute("aria-invalid")).toBe("true");
    expect(await textbox("Phone").getAttribute("aria-describedby")).toBe("phone-errors");
    // Only the phone is wrong: no other field has an error, and the conflict message is gone.
    expect(await page.locator(".field-error").count()).toBe(1);
    expect(await page.locator(".conflict").count()).toBe(0);
    expect(await db.prisma.contact.count()).toBe(1);
    await screenshot("05-invalid-phone");
  });

  /** The app in a new tab of the same browser (its settings kept), until its contacts are shown. */
  async function openApp(prepare: (tab: Page) => Promise<void> = async () => {}) {
    const tab = await browser.context.newPage();
    tab.on("pageerror", (error) => browser.pageErrors.push(error.message));
    tab.on("request", recordAuthorization);
    await prepare(tab);
    await tab.goto(`${origin}/app/`);
    await tab.locator(".contact-list > li", { hasText: "ada@example.com" }).waitFor();
    return tab;
  }

  async function createFrom(tab: Page, email: string) {
    await tab.getByRole("textbox", { name: "Email", exact: true }).fill(email);
    await tab.getByRole("button", { name: "Create contact" }).click();
    await tab.getByRole("status").getByText(`Created ${email}.`).waitFor();
  }

  it("asks the token URL again when the API refuses a token (401), and the requests still succeed", async () => {
    tokenRoute.calls = 0;
    tokenRoute.given = [];
    authorizations.length = 0;
    tokenRoute.next.push(async () => ({
      token: "forged-client-token",
      expiresAt: new Date(Date.now() + 900_000).toISOString(),
    }));
    const tab = await openApp();
    // The page's first requests were refused together and shared the one new token.
    expect(tokenRoute.calls).toBe(2);
    await createFrom(tab, "retry@example.com");
    expect(tokenRoute.calls).toBe(2);
    const fresh = `Bearer ${tokenRoute.given[1]?.token}`;
    expect(authorizations[0]).toBe("Bearer forged-client-token");
    expect(authorizations.at(-1)).toBe(fresh);
    expect(await tab.locator(".form-error").count()).toBe(0);
    await tab.close();
  });

  it("asks the token URL for a new token before the current one expires", async () => {
    tokenRoute.calls = 0;
    tokenRoute.given = [];
    authorizations.length = 0;
    // The route says the first token expires in a minute: the client renews it 30 s before.
    tokenRoute.next.push(async () => ({ ...(await mint()), expiresAt: new Date(Date.now() + 60_000).toISOString() }));
    const tab = await openApp((tab) => tab.clock.install());
    expect(tokenRoute.calls).toBe(1);
    await tab.clock.fastForward(20_000);
    await createFrom(tab, "early@example.com");
    expect(tokenRoute.calls).toBe(1);
    await tab.clock.fastForward(15_000);
    const sentBefore = authorizations.length;
    await createFrom(tab, "renewed@example.com");
    expect(tokenRoute.calls).toBe(2);
    // The renewal came before the request: everything until then carried the first token, the create the new one.
    const [first, renewed] = tokenRoute.given.map(({ token }) => `Bearer ${token}`);
    expect(new Set(authorizations.slice(0, sentBefore))).toEqual(new Set([first]));
    expect(new Set(authorizations.slice(sentBefore))).toEqual(new Set([renewed]));
    await tab.close();
  });

  it("kept no credential in the browser: localStorage holds the two URLs only, sessionStorage nothing", async () => {
    const storage = await page.evaluate(() => ({
      local: Object.fromEntries(Object.entries(localStorage)),
      session: Object.fromEntries(Object.entries(sessionStorage)),
    }));
    expect(storage).toEqual({
      local: { "contacts-api-example/settings": JSON.stringify({ apiUrl: `${origin}/graphql`, tokenUrl }) },
      session: {},
    });
    expect(authorizations.filter((header) => SECRET_KEY.test(header))).toEqual([]);
  });

  it("built no secret key into the page", () => {
    // The pattern catches a real key, so finding none in the build means something.
    expect(workspaceKey).toMatch(SECRET_KEY);
    const files = filesUnder(join(temporary, "dist"));
    expect(files.filter((file) => file.endsWith(".js")).length).toBeGreaterThan(0);
    expect(files.filter((file) => SECRET_KEY.test(readFileSync(file, "latin1")))).toEqual([]);
  });

  it("threw no error in the page", () => {
    expect(browser.pageErrors).toEqual([]);
  });
});
