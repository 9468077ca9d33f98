import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page, Request } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAccount, createWorkspace } from "../../src/access/accounts.js";
import { findContactRecords } from "../../src/contacts/contact-record.js";
import { MAX_CUSTOM_VALUE_LENGTH } from "../../src/contacts/rules/custom-fields.js";
import { defineCustomVariable } from "../../src/custom-variables/custom-variables.service.js";
import { createApp } from "../../src/server/app.js";
import { openTestPage, type TestPage } from "../support/browser.js";
import { mintClientToken } from "../support/client-tokens.js";
import { defaultAppConfig } from "../support/test-app.js";
import { openTestDatabase, storage, type TestDatabase } from "../support/test-database.js";
import { buildWebApp, type ServedWebApp, serveWebApp } from "../support/web-app.js";

/**
 * The example app's Import CSV panel in headless Chromium, served as contact-form.test.ts serves it
 * (the API's own HTTP handler, client tokens from a token route of the test's own): a file in the
 * export-contacts format goes in through the file input, in importContacts batches of 1,000, and the
 * page shows the counts and each rejected row with its issues; the database holds the good rows only.
 */
const SCREENSHOTS = join("test-results", "e2e", storage);
const HEADER = "id,firstName,lastName,email,phone,timezone,tags,createdAt,updatedAt,Lead Source";

describe("example app: Import CSV in Chromium", () => {
  let db: TestDatabase;
  let served: ServedWebApp | undefined;
  let browser: TestPage;
  let page: Page;
  let workspaceId: string;
  let heldContactId: string;
  const temporary = mkdtempSync(join(tmpdir(), "contacts-e2e-import-"));
  /** The importContacts requests the page sent, each with its number of rows. */
  const importRequests: number[] = [];

  const screenshot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const panel = () => page.getByRole("region", { name: "Import CSV" });
  const count = (name: "created" | "updated" | "failed") => panel().locator(`[data-count="${name}"]`).textContent();

  const recordImport = (request: Request) => {
    if (new URL(request.url()).pathname !== "/graphql") return;
    const body = request.postDataJSON() as { query?: string; variables?: { input?: { contacts?: unknown[] } } } | null;
    if (body?.query?.includes("importContacts")) importRequests.push(body.variables?.input?.contacts?.length ?? -1);
  };

  async function importFile(name: string, csv: string | Buffer) {
    await panel()
      .getByLabel("CSV file")
      .setInputFiles({ name, mimeType: "text/csv", buffer: typeof csv === "string" ? Buffer.from(csv) : csv });
  }

  /** The rejected table: each row's cells, its issues one by one. */
  async function rejectedRows() {
    return panel()
      .getByRole("table", { name: /^Rejected rows/ })
      .locator("tbody tr")
      .evaluateAll((rows) =>
        rows.map((row) => {
          const cells = [...row.querySelectorAll("td")];
          return {
            line: Number(cells[0]?.textContent),
            email: cells[1]?.textContent ?? "",
            phone: cells[2]?.textContent ?? "",
            issues: [...(cells[3]?.querySelectorAll("li") ?? [])].map((item) => item.textContent ?? ""),
          };
        }),
      );
  }

  const liveContacts = () =>
    findContactRecords(db.prisma, { where: { workspaceId, deletedAt: null }, orderBy: [{ email: "asc" }] });

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const built = buildWebApp(join(temporary, "dist"));

    db = await openTestDatabase();
    const account = await createAccount(db.prisma, { name: "E2E import account" });
    const workspace = await createWorkspace(db.prisma, { accountId: account.accountId, name: "E2E import workspace" });
    workspaceId = workspace.workspaceId;
    await defineCustomVariable(db.prisma, workspaceId, "Lead Source");

    const graphql = createApp({ prisma: db.prisma, config: defaultAppConfig });
    // A contact the workspace already has: a row with its email is a conflict naming it.
    const held = await graphql.fetch("http://test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${workspace.apiKey}` },
      body: JSON.stringify({
        query: `mutation { createContact(input: { firstName: "Held", email: "held@example.com" }) {
          __typename ... on CreateContactSuccess { contact { id } } } }`,
      }),
    });
    heldContactId = ((await held.json()) as { data: { createContact: { contact: { id: string } } } }).data.createContact
      .contact.id;

    await built;
    const mint = () => mintClientToken((request) => graphql.fetch(request), "http://test/graphql", workspace.apiKey);
    const serveToken = async (response: ServerResponse) => {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(await mint()));
    };
    served = await serveWebApp({ graphql, webAppDirectory: join(temporary, "dist"), serveToken });

    browser = await openTestPage({ timeoutMs: 10_000, viewport: { width: 1100, height: 900 } });
    page = browser.page;
    page.on("request", recordImport);
    await page.goto(`${served.origin}/app/`);
    await page.evaluate((settings) => localStorage.setItem("contacts-api-example/settings", JSON.stringify(settings)), {
      apiUrl: `${served.origin}/graphql`,
      tokenUrl: served.tokenUrl,
    });
    await page.reload();
    await page.locator(".contact-list > li", { hasText: "held@example.com" }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await db?.close();
    rmSync(temporary, { recursive: true, force: true });
  });

  beforeEach(() => {
    importRequests.length = 0;
  });

  it("imports the good rows and lists each bad one with its issues, by CSV line", async () => {
    const csv = [
      HEADER,
      /* 2 */ ',Ada,Lovelace,ada@example.com,+12125550123,,"[""VIP""]",,,Webinar',
      /* 3 */ ",Bad,Email,not-an-address,,,,,,",
      /* 4 */ ",Grace,Hopper,grace@example.com,+12125550124,Europe/Amsterdam,[],,,",
      /* 5 */ ",Bad,Phone,badphone@example.com,555-0123,,,,,",
      /* 6 */ ",Ada,Again,ada@example.com,,,,,,", // an earlier row of the same file has this email
      /* 7 */ ",Tag,Less,tagless@example.com,,,VIP,,,", // not a JSON array: rejected here, never sent
      /* 8 */ ",Held,Again,held@example.com,,,,,,", // the workspace has it
      /* 9 */ `,Long,Value,long@example.com,,,,,,${"x".repeat(MAX_CUSTOM_VALUE_LENGTH + 1)}`,
      // id, createdAt and updatedAt are the server's: ignored.
      /* 10 */ '2b3c0a52-0000-4000-8000-000000000000,Linus,,linus@example.com,,,"[""Referral""]",2020-01-01T00:00:00.000Z,2020-01-01T00:00:00.000Z,',
      "",
    ].join("\n");
    await importFile("contacts.csv", csv);

    const status = panel().getByRole("status");
    await status.waitFor();
    expect(await status.textContent()).toBe("Imported contacts.csv: 3 created, 0 updated, 6 failed.");
    expect([await count("created"), await count("updated"), await count("failed")]).toEqual(["3", "0", "6"]);
    // One batch, without the row rejected here.
    expect(importRequests).toEqual([8]);
    const progress = panel().getByRole("progressbar", { name: /rows sent/ });
    expect(await progress.getAttribute("value")).toBe("8");
    expect(await progress.getAttribute("max")).toBe("8");

    const contacts = await liveContacts();
    const ada = contacts.find((contact) => contact.email === "ada@example.com");
    expect(await rejectedRows()).toEqual([
      { line: 3, email: "not-an-address", phone: "", issues: [expect.stringMatching(/^email: \S/)] },
      {
        line: 5,
        email: "badphone@example.com",
        phone: "555-0123",
        issues: [expect.stringMatching(/^phone: phone must be a possible number in E\.164 form/)],
      },
      { line: 6, email: "ada@example.com", phone: "", issues: [`email: a contact already has this value: ${ada?.id}`] },
      { line: 7, email: "tagless@example.com", phone: "", issues: ['tags: a JSON array of names, e.g. ["VIP"]'] },
      {
        line: 8,
        email: "held@example.com",
        phone: "",
        issues: [`email: a contact already has this value: ${heldContactId}`],
      },
      {
        line: 9,
        email: "long@example.com",
        phone: "",
        issues: [expect.stringMatching(/^customFields\.Lead Source: \S/)],
      },
    ]);
    // A conflict links to the contact that holds the value.
    const link = panel().getByRole("link", { name: heldContactId });
    expect(await link.getAttribute("href")).toBe(`/app/contacts/${heldContactId}`);

    // The good rows, as given; none of the bad ones.
    expect(
      contacts.map(({ firstName, lastName, email, phone, timezone, tags, customFields }) => ({
        firstName,
        lastName,
        email,
        phone,
        timezone,
        tags: tags.map((tag) => tag.name),
        customFields,
      })),
    ).toEqual([
      {
        firstName: "Ada",
        lastName: "Lovelace",
        email: "ada@example.com",
        phone: "+12125550123",
        timezone: "America/New_York",
        tags: ["VIP"],
        customFields: [{ name: "Lead Source", value: "Webinar" }],
      },
      {
        firstName: "Grace",
        lastName: "Hopper",
        email: "grace@example.com",
        phone: "+12125550124",
        timezone: "Europe/Amsterdam",
        tags: [],
        customFields: [],
      },
      {
        firstName: "Held",
        lastName: null,
        email: "held@example.com",
        phone: null,
        timezone: null,
        tags: [],
        customFields: [],
      },
      {
        firstName: "Linus",
        lastName: null,
        email: "linus@example.com",
        phone: null,
        timezone: null,
        tags: ["Referral"],
        customFields: [],
      },
    ]);
    expect(contacts.find((contact) => contact.email === "linus@example.com")?.id).not.toBe(
      "2b3c0a52-0000-4000-8000-000000000000",
    );
    // The recent contacts show the import (the client refetches them after the mutation).
    await page.locator(".contact-list > li", { hasText: "grace@example.com" }).waitFor();
    await screenshot("10-import-done");
  });

  it("keeps a quoted cell with a comma and a line break whole, a tag with a comma, and counts lines past it", async () => {
    // A BOM, as spreadsheet programs write, and CRLF line ends.
    const csv = `\uFEFF${[
      "firstName,email,phone,tags,Lead Source",
      /* 2-4 */ 'Quoted,quoted@example.com,,"[""a, b"",""VIP""]","Referral, partner',
      "second line",
      'third ""line"""',
      /* 5 */ "Broken,broken@example.com,+1555,,",
      /* 6 */ "Plain,plain@example.com,,,",
    ].join("\r\n")}\r\n`;
    await importFile("quoted.csv", csv);
    await panel().getByRole("status").getByText("Imported quoted.csv: 2 created, 0 updated, 1 failed.").waitFor();
    expect(importRequests).toEqual([3]);
    expect(await rejectedRows()).toEqual([
      { line: 5, email: "broken@example.com", phone: "+1555", issues: [expect.stringMatching(/^phone: /)] },
    ]);
    const [quoted] = (await liveContacts()).filter((contact) => contact.email === "quoted@example.com");
    expect(quoted?.firstName).toBe("Quoted");
    expect(quoted?.tags.map((tag) => tag.name)).toEqual(["a, b", "VIP"]);
    expect(quoted?.customFields).toEqual([
      { name: "Lead Source", value: 'Referral, partner\r\nsecond line\r\nthird "line"' },
    ]);
    expect((await liveContacts()).some((contact) => contact.email === "broken@example.com")).toBe(false);
    await screenshot("11-import-quoted");
  });

  it("refuses a file with a broken quote, or larger than 20 MB, and sends nothing", async () => {
    const before = await liveContacts();
    await importFile(
      "broken.csv",
      `${HEADER}\n,Eve,,eve@example.com,,,,,,"unterminated\n,Mallory,,m@example.com,,,,,,\n`,
    );
    const alert = panel().getByRole("alert");
    await alert
      .getByText(
        /^broken\.csv was not imported\. This is not a well-formed CSV file: .+ \(line 2\)\. Nothing was sent\.$/,
      )
      .waitFor();
    await screenshot("12-import-broken-quote");

    await importFile("huge.csv", Buffer.alloc(20 * 1024 * 1024 + 1, "a"));
    await alert.getByText("huge.csv is larger than 20 MB: split it into smaller files.").waitFor();

    expect(importRequests).toEqual([]);
    expect(await liveContacts()).toEqual(before);
  });

  it("sends a larger file in batches of 1,000, and stops at a refused batch saying what was written", async () => {
    const rows = Array.from({ length: 2500 }, (_, index) => `Bulk ${index},bulk${index}@example.com`);
    const csv = `firstName,email\n${rows.join("\n")}\n`;
    // The second batch is refused as over the import budget, the way the API answers a 429.
    let batches = 0;
    await page.route("**/graphql", async (route) => {
      if (!route.request().postData()?.includes("importContacts") || ++batches !== 2) return route.continue();
      return route.fulfill({
        status: 429,
        headers: { "content-type": "application/json", "retry-after": "1" },
        body: JSON.stringify({ errors: [{ message: "Too many requests", extensions: { code: "RATE_LIMITED" } }] }),
      });
    });
    try {
      await importFile("bulk.csv", csv);
      const alert = panel().getByRole("alert");
      await alert.waitFor();
      expect(await alert.textContent()).toBe(
        "Stopped after 1,000 of 2,500 rows: the API's import budget is spent for now (HTTP 429): import the file again in a minute (its rows already written come back as conflicts, or as updates with upsert). Nothing of the batch of lines 1,002 to 2,001 was written, and no later row was sent; the counts above are what was written.",
      );
    } finally {
      await page.unroute("**/graphql");
    }
    expect(importRequests).toEqual([1000, 1000]);
    expect([await count("created"), await count("updated"), await count("failed")]).toEqual(["1,000", "0", "0"]);
    const progress = panel().getByRole("progressbar", { name: /rows sent/ });
    expect([await progress.getAttribute("value"), await progress.getAttribute("max")]).toEqual(["1000", "2500"]);
    const bulk = (await liveContacts()).filter((contact) => contact.email?.startsWith("bulk"));
    expect(bulk.length).toBe(1000);
    expect(new Set(bulk.map((contact) => contact.firstName))).toEqual(
      new Set(Array.from({ length: 1000 }, (_, index) => `Bulk ${index}`)),
    );
    await screenshot("13-import-stopped");

    // Without the refusal, the same file in upsert mode: the first 1,000 update, the rest are created.
    await panel()
      .getByLabel(/Update existing contacts/)
      .check();
    importRequests.length = 0;
    await importFile("bulk.csv", csv);
    await panel()
      .getByRole("status")
      .getByText("Imported bulk.csv: 1,500 created, 1,000 updated, 0 failed.")
      .waitFor({ timeout: 30_000 });
    expect(importRequests).toEqual([1000, 1000, 500]);
    expect((await liveContacts()).filter((contact) => contact.email?.startsWith("bulk")).length).toBe(2500);
  });

  it("threw no error in the page", () => {
    expect(browser.pageErrors).toEqual([]);
  });
});
