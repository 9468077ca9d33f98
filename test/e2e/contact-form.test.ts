import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createWorkspace } from "../../src/access/accounts.js";
import { defineCustomVariable } from "../../src/custom-variables/custom-variables.service.js";
import { createApp } from "../../src/server/app.js";
import { createHttpHandler } from "../../src/server/http.js";
import { createLogger } from "../../src/server/observability/logger.js";
import { openTestPage, type TestPage } from "../support/browser.js";
import { defaultAppConfig } from "../support/test-app.js";
import { openTestDatabase, storage, type TestDatabase } from "../support/test-database.js";

/**
 * The example app (examples/web) in headless Chromium, served by the API's own HTTP handler the way
 * `npm start` serves it at /app: a user saves the API key, creates a contact, hits a conflict and a
 * bad phone. Chromium (see test/support/browser.ts: CHROMIUM_PATH, the system's, or the one npm
 * installs) driven by playwright-core; it never skips. Screenshots of each state go to
 * test-results/e2e/<project>/.
 */
const WEB_ROOT = fileURLToPath(new URL("../../examples/web/", import.meta.url));
const SCREENSHOTS = join("test-results", "e2e", storage);

const execFileAsync = promisify(execFile);

/** Builds the current examples/web source (not a possibly stale dist/) into `outDir`. */
async function buildWebApp(outDir: string) {
  const { createRequire } = await import("node:module");
  const vitePackage = createRequire(join(WEB_ROOT, "package.json")).resolve("vite/package.json");
  await execFileAsync(
    process.execPath,
    [join(dirname(vitePackage), "bin", "vite.js"), "build", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"],
    { cwd: WEB_ROOT },
  );
}

describe("example app: the contact form in Chromium", () => {
  let db: TestDatabase;
  let server: Server;
  let browser: TestPage;
  let page: Page;
  let origin: string;
  let workspaceKey: string;
  const temporary = mkdtempSync(join(tmpdir(), "contacts-e2e-"));

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
    // The HTTP handler `npm start` uses, serving this build at /app.
    const http = createHttpHandler({
      graphql: createApp({ prisma: db.prisma, config: defaultAppConfig }),
      logger: createLogger("silent"),
      maxBodyBytes: defaultAppConfig.http.maxBodyBytes,
      checkReadiness: async () => {},
      webAppDirectory: join(temporary, "dist"),
    });
    server = createServer(http.listener);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    browser = await openTestPage({ timeoutMs: 10_000, viewport: { width: 1100, height: 900 } });
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await db?.close();
    rmSync(temporary, { recursive: true, force: true });
  });

  it("takes the API key from its settings and renders the workspace's custom variables as fields", async () => {
    await page.goto(`${origin}/app/`);
    // Nothing is compiled in: the URL defaults to this origin's /graphql, and the key is asked for.
    expect(await textbox("API URL").inputValue()).toBe(`${origin}/graphql`);
    expect(await textbox("API key").inputValue()).toBe("");
    await page.getByText("Enter an API key in the settings above to start.").waitFor();
    await screenshot("00-settings");

    // A key the server does not know: the page says so instead of failing silently.
    await page.getByLabel("API key").fill("sk_live_NotAKeyOfThisServerNotAKeyOfThisServer");
    await page.getByRole("button", { name: "Save settings" }).click();
    const refused = page.getByText("The API refused the key. Check the API key in the settings.");
    await refused.first().waitFor();

    await page.locator(".settings summary").click();
    await page.getByLabel("API key").fill(workspaceKey);
    await page.getByRole("button", { name: "Save settings" }).click();
    await textbox("Lead Source").waitFor();
    await page.getByText("No contacts yet.").waitFor();
    expect(await refused.count()).toBe(0);
    // The summary names the key's kind, never its secret part.
    expect(await page.locator(".settings summary").textContent()).toBe(`Settings ${origin}/graphql · key sk_live_…`);
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

  it("threw no error in the page", () => {
    expect(browser.pageErrors).toEqual([]);
  });
});
