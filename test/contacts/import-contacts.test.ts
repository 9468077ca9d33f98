import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContact, fresh, issuesOf } from "../support/contact-helpers.js";
import {
  ImportContactsDocument,
  type ImportContactsInput,
  type ImportContactsMutation,
} from "../support/generated/graphql.js";
import { type ImportMode, importBesideSingles } from "../support/import-oracle.js";
import { countRows, expectTypename, startTestApp, type TestApp, unchecked } from "../support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  for (const workspaceId of [app.tenant.workspaceId, app.tenant.otherWorkspaceId]) {
    await app.defineCustomVariable(workspaceId, "Score");
    await app.defineCustomVariable(workspaceId, "Lead Source");
  }
});
afterAll(() => app?.close());

type Row = ImportContactsInput["contacts"][number];
type Imported = Extract<ImportContactsMutation["importContacts"], { __typename: "ImportContactsSuccess" }>;

async function importResult(input: ImportContactsInput, key = app.tenant.accountKey) {
  const response = await app.graphql(key, ImportContactsDocument, { input });
  expect(response.status).toBe(200);
  return response.data.importContacts;
}

async function imported(input: ImportContactsInput, key = app.tenant.accountKey): Promise<Imported> {
  return expectTypename(await importResult(input, key), "ImportContactsSuccess");
}

function outcomeOf(result: Imported, index: number) {
  const row = result.results[index];
  if (!row) throw new Error(`no result for row ${index}`);
  expect(row.index).toBe(index);
  return row.outcome;
}

/** The contact a row wrote; the test fails unless the row created it (or, with `created: false`, updated it). */
function writtenBy(result: Imported, index: number, created = true) {
  const success = expectTypename(outcomeOf(result, index), "ImportRowSuccess");
  expect(success.created).toBe(created);
  return success.contact;
}

describe("importContacts: rows are independent", () => {
  it("answers each row on its own: bad rows get their own errors, with paths within the row, and write nothing", async () => {
    const before = await countRows(app);
    const good = fresh();
    const result = await imported({
      workspaceId: app.tenant.workspaceId,
      mode: "CREATE",
      contacts: [
        { firstName: "Ada", ...good, tags: ["import-ok"], customFields: { Score: 5 } },
        { email: "not-an-email", tags: ["import-bad-row-tag"] },
        { ...fresh(), customFields: { "Lead Sauce": "web" }, tags: ["import-bad-row-tag"] },
        { ...fresh(), customFields: { "Lead Source": unchecked({ nested: true }) } },
        { email: good.email.toUpperCase(), tags: ["import-bad-row-tag"] },
      ],
    });
    expect(result).toMatchObject({ createdCount: 1, updatedCount: 0, failedCount: 4 });
    const created = writtenBy(result, 0);
    expect(created).toMatchObject({
      firstName: "Ada",
      email: good.email,
      timezone: "America/New_York",
      tags: [{ name: "import-ok" }],
      customFields: [{ name: "Score", value: "5" }],
    });
    expect(issuesOf(expectTypename(outcomeOf(result, 1), "ValidationError"))).toEqual([
      { path: ["email"], code: "INVALID_EMAIL" },
    ]);
    expect(issuesOf(expectTypename(outcomeOf(result, 2), "ValidationError"))).toEqual([
      { path: ["customFields", "Lead Sauce"], code: "UNKNOWN_CUSTOM_FIELD" },
    ]);
    expect(issuesOf(expectTypename(outcomeOf(result, 3), "ValidationError"))).toEqual([
      { path: ["customFields", "Lead Source"], code: "INVALID_VALUE_TYPE" },
    ]);
    expect(expectTypename(outcomeOf(result, 4), "ConflictError").conflicts).toEqual([
      { field: "EMAIL", existingContactId: created.id },
    ]);
    // Only the good row was written; no failed row left a tag behind.
    expect(await countRows(app)).toEqual({
      contacts: before.contacts + 1,
      tags: before.tags + 1,
      links: before.links + 1,
      values: before.values + 1,
    });
  });

  it("in CREATE mode, a later row with an earlier row's email or phone is a conflict naming that row's contact", async () => {
    const a = fresh();
    const b = fresh();
    const result = await imported({
      workspaceId: app.tenant.workspaceId,
      mode: "CREATE",
      contacts: [{ email: a.email }, { phone: b.phone }, { email: a.email, phone: b.phone }, { email: a.email }],
    });
    const first = writtenBy(result, 0).id;
    const second = writtenBy(result, 1).id;
    expect(expectTypename(outcomeOf(result, 2), "ConflictError").conflicts).toEqual([
      { field: "EMAIL", existingContactId: first },
      { field: "PHONE", existingContactId: second },
    ]);
    expect(expectTypename(outcomeOf(result, 3), "ConflictError").conflicts).toEqual([
      { field: "EMAIL", existingContactId: first },
    ]);
    expect(result).toMatchObject({ createdCount: 2, updatedCount: 0, failedCount: 2 });
  });

  it("in UPSERT mode, a later row updates the contact an earlier row created or matched", async () => {
    const a = fresh();
    const existing = await createContact(app, { phone: a.phone, firstName: "Old", tags: ["kept"] });
    const b = fresh();
    const result = await imported({
      workspaceId: app.tenant.workspaceId,
      mode: "UPSERT",
      contacts: [
        { email: b.email, firstName: "New", tags: ["one"], customFields: { Score: 1 } },
        { email: b.email, lastName: "Later", tags: ["two"], customFields: { Score: null, "Lead Source": "web" } },
        { phone: a.phone, firstName: "Renamed", tags: ["three"] },
        { phone: a.phone, email: b.email },
      ],
    });
    const created = writtenBy(result, 0);
    const updated = writtenBy(result, 1, false);
    expect(updated).toMatchObject({
      id: created.id,
      firstName: "New",
      lastName: "Later",
      tags: [{ name: "one" }, { name: "two" }],
      customFields: [{ name: "Lead Source", value: "web" }],
    });
    expect(writtenBy(result, 2, false)).toMatchObject({
      id: existing.id,
      firstName: "Renamed",
      tags: [{ name: "kept" }, { name: "three" }],
    });
    // The phone matches `existing`, whose new email the batch's first contact holds.
    expect(expectTypename(outcomeOf(result, 3), "ConflictError").conflicts).toEqual([
      { field: "EMAIL", existingContactId: created.id },
    ]);
    expect(result).toMatchObject({ createdCount: 1, updatedCount: 2, failedCount: 1 });
    // What the rows reported is what is stored.
    const stored = await app.db.prisma.contact.findUniqueOrThrow({
      where: { workspaceId_id: { workspaceId: app.tenant.workspaceId, id: created.id } },
      include: { tags: { include: { tag: true } }, customValues: true },
    });
    expect(stored.lastName).toBe("Later");
    expect(stored.tags.map((link) => link.tag.name).sort()).toEqual(["one", "two"]);
    expect(stored.customValues.map((value) => value.value)).toEqual(["web"]);
  });
});

describe("importContacts: the batch itself", () => {
  const refused = async (input: ImportContactsInput, key = app.tenant.accountKey) =>
    issuesOf(expectTypename(await importResult(input, key), "ValidationError"));

  it("refuses an empty batch, one over the row limit, a missing or malformed workspaceId, preserveExisting outside UPSERT", async () => {
    const before = await countRows(app);
    const workspaceId = app.tenant.workspaceId;
    expect(await refused({ workspaceId, mode: "CREATE", contacts: [] })).toEqual([
      { path: ["contacts"], code: "REQUIRED" },
    ]);
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ firstName: `Row ${i}` }));
    expect(await refused({ workspaceId, mode: "CREATE", contacts: tooMany })).toEqual([
      { path: ["contacts"], code: "TOO_MANY" },
    ]);
    expect(await refused({ mode: "CREATE", contacts: [{ firstName: "A" }] })).toEqual([
      { path: ["workspaceId"], code: "REQUIRED" },
    ]);
    expect(await refused({ workspaceId: "nope", mode: "CREATE", contacts: [{ firstName: "A" }] })).toEqual([
      { path: ["workspaceId"], code: "INVALID_ID" },
    ]);
    expect(
      await refused({ workspaceId, mode: "CREATE", preserveExisting: true, contacts: [{ firstName: "A" }] }),
    ).toEqual([{ path: ["preserveExisting"], code: "NOT_APPLICABLE" }]);
    expect(await countRows(app)).toEqual(before);
  });

  it("is forbidden, writing nothing, for a workspace the key cannot reach or a key without contacts:write", async () => {
    const before = await countRows(app);
    const row = { ...fresh(), tags: ["forbidden-import"] };
    for (const [key, workspaceId] of [
      [app.stranger.accountKey, app.tenant.workspaceId],
      [app.tenant.workspaceKey, app.tenant.otherWorkspaceId],
    ] as const) {
      const result = await importResult({ workspaceId, mode: "CREATE", contacts: [row] }, key);
      expect(result).toMatchObject({
        __typename: "ForbiddenError",
        message: "This API key may not access that workspace",
      });
    }
    const readOnly = await app.createApiKey({ workspaceId: app.tenant.workspaceId }, ["contacts:read"]);
    expect(await importResult({ mode: "CREATE", contacts: [row] }, readOnly.apiKey)).toMatchObject({
      __typename: "ForbiddenError",
      message: "This API key lacks the contacts:write scope",
    });
    expect(await countRows(app)).toEqual(before);
  });
});

/** Each row against the single mutation in a twin workspace (test/support/import-oracle.ts). */
describe("importContacts: each row answers as the single mutation would have", () => {
  async function compare(mode: ImportMode, existing: Row[], rows: Row[], preserveExisting?: boolean) {
    const { batchAnswers, singleAnswers } = await importBesideSingles({
      app,
      key: app.tenant.accountKey,
      batchSide: app.tenant.workspaceId,
      singleSide: app.tenant.otherWorkspaceId,
      mode,
      preserveExisting,
      existing,
      rows,
    });
    expect(batchAnswers).toEqual(singleAnswers);
    return batchAnswers;
  }

  it("in CREATE mode, for valid, invalid, colliding and in-batch duplicate rows", async () => {
    const [a, b, c, d] = [fresh(), fresh("907"), fresh("415"), fresh()];
    const answers = await compare(
      "CREATE",
      [{ email: a.email, firstName: "Held" }],
      [
        { firstName: "  Grace ", lastName: "Hopper", ...b, tags: ["b", "a", " a "], customFields: { Score: 2.5 } },
        { email: a.email.toUpperCase() },
        {
          phone: "212 555 0100",
          email: "x@y",
          firstName: "x".repeat(256),
          customFields: { Nope: 1, Score: unchecked([1]) },
        },
        { ...c, timezone: "Europe/Amsterdam", customFields: { "Lead Source": true, Score: null } },
        { email: c.email, phone: b.phone },
        { tags: ["", "ok"], timezone: "Mars/Olympus" },
        {},
        { firstName: "   ", ...d },
        { email: d.email, phone: a.phone },
      ],
    );
    expect(answers.map((answer) => answer.kind)).toEqual([
      "created",
      "ConflictError",
      "ValidationError",
      "created",
      "ConflictError",
      "ValidationError",
      "created",
      "created",
      "ConflictError",
    ]);
  });

  it("in UPSERT mode, overwriting, with matches by phone and by email, in the batch and before it", async () => {
    const [a, b, c, d] = [fresh(), fresh(), fresh("415"), fresh()];
    const answers = await compare(
      "UPSERT",
      [
        { ...a, firstName: "Ann", timezone: "Europe/Paris", tags: ["old"], customFields: { Score: 1 } },
        { email: b.email, lastName: "Bee" },
      ],
      [
        { phone: a.phone, firstName: "Anna", customFields: { Score: null, "Lead Source": "fair" }, tags: ["new"] },
        { email: b.email, phone: b.phone, timezone: null },
        { phone: c.phone, firstName: "Cee" },
        { email: c.email, phone: c.phone, tags: ["joined"] },
        { phone: b.phone, email: a.email },
        { firstName: "No key" },
        { email: d.email, phone: "+1 bad" },
        { email: d.email, firstName: null, lastName: "Dee", customFields: { Score: "7" } },
        { phone: a.phone, email: d.email.toUpperCase() },
      ],
    );
    expect(answers.map((answer) => answer.kind)).toEqual([
      "updated",
      "updated",
      "created",
      "updated",
      "ConflictError",
      "ValidationError",
      "ValidationError",
      "created",
      "ConflictError",
    ]);
  });

  it("in UPSERT mode with preserveExisting: only what is empty is filled", async () => {
    const [a, b] = [fresh(), fresh()];
    const answers = await compare(
      "UPSERT",
      [{ phone: a.phone, firstName: "Kept", customFields: { Score: 1 } }],
      [
        { phone: a.phone, firstName: "Lost", lastName: "Filled", customFields: { Score: 9, "Lead Source": "x" } },
        { phone: a.phone, email: b.email, lastName: null, customFields: { "Lead Source": null }, tags: ["t"] },
        { email: b.email, firstName: "New?" },
      ],
      true,
    );
    expect(answers.map((answer) => answer.kind)).toEqual(["updated", "updated", "updated"]);
  });
});

describe("importContacts: statements per batch", () => {
  it("sends the same few statements for 1 row as for 500, with tags and custom values", async () => {
    const logged = await startTestApp({ logQueries: true });
    try {
      const log = logged.db.queryLog as string[];
      await logged.defineCustomVariable(logged.tenant.workspaceId, "Score");
      const statementsFor = async (contacts: Row[]) => {
        log.length = 0;
        const response = await logged.graphql(logged.tenant.workspaceKey, ImportContactsDocument, {
          input: { mode: "UPSERT", contacts },
        });
        expect(expectTypename(response.data.importContacts, "ImportContactsSuccess").failedCount).toBe(0);
        return log.length;
      };
      const rows = (n: number, prefix: string) =>
        Array.from({ length: n }, (_, i) => ({
          email: `${prefix}${i}@example.com`,
          tags: [`t${i % 50}`, `shared`],
          customFields: { Score: i },
        }));
      // The first request also looks the API key up (then it is cached): leave it out of the comparison.
      await statementsFor(rows(1, "warm-up"));
      const one = await statementsFor(rows(1, "one"));
      const many = await statementsFor(rows(500, "many"));
      // Again over the same emails: now every row matches and updates.
      const updates = await statementsFor(rows(500, "many"));
      expect([one, many, updates]).toEqual([3, 3, 3]);
    } finally {
      await logged.close();
    }
  });
});
