import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  byName,
  createContactThroughApi,
  deleteContact,
  fresh,
  issuesOf,
  type ShapedContact,
  shape,
  storedContact,
  tick,
} from "../support/contact-helpers.js";
import {
  type CreateContactInput,
  UpsertContactDocument,
  type UpsertContactInput,
} from "../support/generated/graphql.js";
import { countRows, expectTypename, startTestApp, type TestApp, unchecked } from "../support/test-app.js";

// Upserting a contact (create or update): every rule, and the inputs that break it.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  for (const workspaceId of [app.tenant.workspaceId, app.tenant.otherWorkspaceId]) {
    await app.defineCustomVariable(workspaceId, "Lead Source");
    await app.defineCustomVariable(workspaceId, "Score");
    await app.defineCustomVariable(workspaceId, "Tier");
  }
});
afterAll(() => app?.close());

const FORBIDDEN = { __typename: "ForbiddenError", message: "This API key may not access that workspace" };

const create = (input: CreateContactInput, key?: string) => createContactThroughApi(app, input, key);
const remove = (id: string) => deleteContact(app, id);
const stored = (id: string) => storedContact(app, id);

async function upsert(input: UpsertContactInput, key = app.tenant.workspaceKey) {
  const response = await app.graphql(key, UpsertContactDocument, { input });
  expect(response.status).toBe(200);
  expect(response.errors).toBeUndefined();
  const result = response.data.upsertContact;
  return result.__typename === "UpsertContactSuccess" ? { ...result, contact: shape(result.contact) } : result;
}

/** An upsert that must succeed: whether it created, and the contact shaped. */
async function upserted(input: UpsertContactInput, key?: string) {
  return expectTypename(await upsert(input, key), "UpsertContactSuccess");
}

describe("upsertContact: which contact matches", () => {
  it("matches by phone first: the contact holding the phone wins over another holding the email", async () => {
    const a = fresh();
    const b = fresh();
    const holdsPhone = await create({ firstName: "Phone", phone: a.phone, email: a.email });
    const holdsEmail = await create({ firstName: "Email", email: b.email });
    const emailHolderBefore = await stored(holdsEmail.id);

    const result = await upserted({ phone: a.phone, email: b.email, lastName: "Matched", preserveExisting: true });
    expect(result.__typename).toBe("UpsertContactSuccess");
    expect(result.created).toBe(false);
    expect(result.contact).toMatchObject({
      id: holdsPhone.id,
      firstName: "Phone",
      lastName: "Matched",
      email: a.email,
      phone: a.phone,
    });
    expect(await stored(holdsEmail.id)).toEqual(emailHolderBefore);
  });

  it("matches by email when the phone matches nothing, and gives that contact the new phone", async () => {
    const b = fresh();
    const holdsEmail = await create({ firstName: "Before", email: b.email, phone: b.phone });
    const { phone: newPhone } = fresh();

    const result = await upserted({ phone: newPhone, email: `  ${b.email.toUpperCase()} `, firstName: "After" });
    expect(result.created).toBe(false);
    expect(result.contact).toMatchObject({ id: holdsEmail.id, firstName: "After", email: b.email, phone: newPhone });
    expect(await app.db.prisma.contact.count({ where: { phone: { in: [b.phone, newPhone] } } })).toBe(1);
  });

  it("matches by email when no phone is given (email compared lowercased)", async () => {
    const b = fresh();
    const holdsEmail = await create({ email: b.email, phone: b.phone });
    const result = await upserted({ email: b.email.toUpperCase(), lastName: "ByEmail" });
    expect(result.created).toBe(false);
    expect(result.contact).toMatchObject({ id: holdsEmail.id, lastName: "ByEmail", email: b.email, phone: b.phone });
  });

  it("matches by phone when no email is given", async () => {
    const a = fresh();
    const holdsPhone = await create({ email: a.email, phone: a.phone });
    const result = await upserted({ phone: a.phone, firstName: "ByPhone" });
    expect(result.created).toBe(false);
    expect(result.contact).toMatchObject({ id: holdsPhone.id, firstName: "ByPhone", email: a.email });
  });

  it("matches only within the workspace: the same phone in another workspace is a new contact here", async () => {
    const a = fresh();
    const elsewhere = await create(
      { firstName: "Elsewhere", phone: a.phone, email: a.email },
      app.tenant.otherWorkspaceKey,
    );
    const elsewhereBefore = await stored(elsewhere.id);
    const result = await upserted({ phone: a.phone, email: a.email, firstName: "Here" });
    expect(result.created).toBe(true);
    expect(result.contact.id).not.toBe(elsewhere.id);
    expect(result.contact).toMatchObject({ workspaceId: app.tenant.workspaceId, firstName: "Here" });
    expect(await stored(elsewhere.id)).toEqual(elsewhereBefore);
  });
});

describe("upsertContact: deleted contacts are never matched", () => {
  it("a phone held only by a deleted contact creates a new contact and leaves the deleted one as it was", async () => {
    const a = fresh();
    const gone = await create({
      firstName: "Gone",
      phone: a.phone,
      email: a.email,
      tags: ["old-tag"],
      customFields: { Score: 1 },
    });
    await remove(gone.id);
    const goneBefore = await stored(gone.id);
    expect(goneBefore.deletedAt).not.toBeNull();

    const result = await upserted({ phone: a.phone, firstName: "New", tags: ["new-tag"], customFields: { Score: 2 } });
    expect(result.created).toBe(true);
    expect(result.contact.id).not.toBe(gone.id);
    expect(result.contact).toMatchObject({
      firstName: "New",
      phone: a.phone,
      email: null,
      tags: ["new-tag"],
      customFields: [{ name: "Score", value: "2" }],
    });
    expect(await stored(gone.id)).toEqual(goneBefore);

    // The new live contact is what the phone matches from now on.
    const again = await upserted({ phone: a.phone, lastName: "Again" });
    expect(again.created).toBe(false);
    expect(again.contact.id).toBe(result.contact.id);
    expect(await stored(gone.id)).toEqual(goneBefore);
  });

  it("an email held only by a deleted contact creates a new contact and leaves the deleted one as it was", async () => {
    const a = fresh();
    const gone = await create({ firstName: "Gone", email: a.email });
    await remove(gone.id);
    const goneBefore = await stored(gone.id);

    const result = await upserted({ email: a.email, firstName: "New" });
    expect(result.created).toBe(true);
    expect(result.contact.id).not.toBe(gone.id);
    expect(result.contact).toMatchObject({ firstName: "New", email: a.email });
    expect(await stored(gone.id)).toEqual(goneBefore);
  });

  it("a phone held only by a deleted contact falls through to the live contact holding the email", async () => {
    const a = fresh();
    const b = fresh();
    const gone = await create({ firstName: "Gone", phone: a.phone });
    await remove(gone.id);
    const goneBefore = await stored(gone.id);
    const live = await create({ firstName: "Live", email: b.email });

    const result = await upserted({ phone: a.phone, email: b.email, lastName: "Matched" });
    expect(result.created).toBe(false);
    expect(result.contact).toMatchObject({ id: live.id, firstName: "Live", lastName: "Matched", phone: a.phone });
    expect(await stored(gone.id)).toEqual(goneBefore);
  });
});

describe("upsertContact: a phone or an email is required", () => {
  it.each([
    ["both left out", { firstName: "Nobody" }],
    ["both null", { firstName: "Nobody", phone: null, email: null }],
    ["one null, the other left out", { firstName: "Nobody", phone: null }],
  ])("refuses %s with REQUIRED on phone and on email, writing nothing", async (_label, input) => {
    const before = await countRows(app);
    const result = expectTypename(await upsert({ ...input, tags: ["required-tag"] }), "ValidationError");
    expect(issuesOf(result)).toEqual([
      { path: ["phone"], code: "REQUIRED" },
      { path: ["email"], code: "REQUIRED" },
    ]);
    expect(await countRows(app)).toEqual(before);
  });
});

describe("upsertContact: no match behaves exactly as a create", () => {
  it("creates the same contact a createContact would, and says created: true", async () => {
    const input = {
      firstName: "  Ada ",
      lastName: "Lovelace  ",
      email: " Ada.NoMatch@Example.COM ",
      phone: "+14155550199",
      tags: ["zeta", " Alpha ", "beta", "zeta"],
      customFields: { Score: 250, "Lead Source": "Webinar", Tier: null },
    };
    const before = await countRows(app);
    const result = await upserted(input);
    expect(result.__typename).toBe("UpsertContactSuccess");
    expect(result.created).toBe(true);
    expect(result.contact).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      workspaceId: app.tenant.workspaceId,
      firstName: "Ada",
      lastName: "Lovelace",
      email: "ada.nomatch@example.com",
      phone: "+14155550199",
      timezone: "America/Los_Angeles",
      tags: ["Alpha", "beta", "zeta"],
      customFields: [
        { name: "Lead Source", value: "Webinar" },
        { name: "Score", value: "250" },
      ],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(result.contact.updatedAt).toBe(result.contact.createdAt);
    expect(await stored(result.contact.id)).toEqual({ ...result.contact, deletedAt: null });
    const after = await countRows(app);
    expect(after.contacts).toBe(before.contacts + 1);

    // The same input as a create, in a workspace where it collides with nothing, gives the same contact.
    const created = await create(input, app.tenant.otherWorkspaceKey);
    const comparable = ({ id: _id, workspaceId: _ws, createdAt: _c, updatedAt: _u, ...rest }: ShapedContact) => rest;
    expect(comparable(result.contact)).toEqual(comparable(created));
  });

  it("stores a given timezone as given, whatever the phone says", async () => {
    const a = fresh();
    const result = await upserted({ phone: a.phone, timezone: "Europe/Amsterdam" });
    expect(result.created).toBe(true);
    expect(result.contact.timezone).toBe("Europe/Amsterdam");
  });

  it("derives the timezone from a phone whose prefix maps to exactly one zone", async () => {
    expect((await upserted({ phone: fresh("212").phone })).contact.timezone).toBe("America/New_York");
    expect((await upserted({ phone: fresh("415").phone })).contact.timezone).toBe("America/Los_Angeles");
  });

  it("falls back to the workspace default, else null", async () => {
    const tenant = await app.makeTenant("Upsert Defaults");
    await app.db.prisma.workspace.update({
      where: { id: tenant.workspaceId },
      data: { defaultTimezone: "Europe/Berlin" },
    });
    const withDefault = tenant.workspaceKey;
    const alaska = await upserted({ phone: fresh("907").phone }, withDefault); // Adak and Anchorage
    expect(alaska).toMatchObject({ created: true, contact: { timezone: "Europe/Berlin" } });
    const emailOnly = await upserted({ email: fresh().email }, withDefault);
    expect(emailOnly).toMatchObject({ created: true, contact: { timezone: "Europe/Berlin" } });

    const noDefault = tenant.otherWorkspaceKey;
    expect((await upserted({ phone: fresh("907").phone }, noDefault)).contact.timezone).toBeNull();
    expect((await upserted({ email: fresh().email }, noDefault)).contact.timezone).toBeNull();
  });
});

describe("upsertContact: a match, by default, overwrites what is given and keeps the rest", () => {
  async function fullContact() {
    const a = fresh();
    const contact = await create({
      firstName: "Old",
      lastName: "Name",
      email: a.email,
      phone: a.phone,
      timezone: "Europe/Berlin",
      tags: ["keep"],
      customFields: { Score: 1, "Lead Source": "Ads" },
    });
    await tick();
    return contact;
  }

  it("overwrites every field and custom value given, leaves the omitted ones, adds tags, created: false", async () => {
    const contact = await fullContact();
    const { email: newEmail } = fresh();
    const before = await countRows(app);
    const result = await upserted({
      phone: contact.phone,
      firstName: " New ",
      email: newEmail.toUpperCase(),
      timezone: "Asia/Tokyo",
      tags: ["added", "keep"],
      customFields: { Score: 2, Tier: "gold" },
    });
    expect(result.__typename).toBe("UpsertContactSuccess");
    expect(result.created).toBe(false);
    expect(result.contact).toEqual({
      ...contact,
      firstName: "New",
      lastName: "Name",
      email: newEmail,
      phone: contact.phone,
      timezone: "Asia/Tokyo",
      tags: ["added", "keep"],
      customFields: [
        { name: "Lead Source", value: "Ads" },
        { name: "Score", value: "2" },
        { name: "Tier", value: "gold" },
      ],
      updatedAt: expect.any(String),
    });
    expect(Date.parse(result.contact.updatedAt)).toBeGreaterThan(Date.parse(contact.updatedAt));
    expect(await stored(contact.id)).toEqual({ ...result.contact, deletedAt: null });
    expect(await countRows(app)).toEqual({
      contacts: before.contacts,
      tags: before.tags + 1,
      links: before.links + 1,
      values: before.values + 1,
    });
  });

  it("overwrites the phone of a contact matched by email, and its last name", async () => {
    const contact = await fullContact();
    const { phone: newPhone } = fresh();
    const result = await upserted({ email: contact.email, phone: newPhone, lastName: "Changed" });
    expect(result.created).toBe(false);
    expect(result.contact).toEqual({ ...contact, phone: newPhone, lastName: "Changed", updatedAt: expect.any(String) });
  });

  it("with only the matching phone given, changes nothing but updatedAt", async () => {
    const contact = await fullContact();
    const result = await upserted({ phone: contact.phone });
    expect(result.created).toBe(false);
    expect(result.contact).toEqual({ ...contact, updatedAt: expect.any(String) });
  });

  it("a null custom value clears that key and leaves the others", async () => {
    const contact = await fullContact();
    const result = await upserted({ phone: contact.phone, customFields: { Score: null } });
    expect(result.contact.customFields).toEqual([{ name: "Lead Source", value: "Ads" }]);
    expect((await stored(contact.id)).customFields).toEqual([{ name: "Lead Source", value: "Ads" }]);
  });

  it("preserveExisting: false is the default mode", async () => {
    const contact = await fullContact();
    const result = await upserted({ phone: contact.phone, firstName: "Explicit", preserveExisting: false });
    expect(result.contact.firstName).toBe("Explicit");
  });

  it("a name that is empty after trimming counts as not given and keeps the stored one", async () => {
    const contact = await fullContact();
    const result = await upserted({ phone: contact.phone, firstName: "   ", lastName: "" });
    expect(result.created).toBe(false);
    expect(result.contact).toMatchObject({ firstName: "Old", lastName: "Name" });
  });

  it("never removes tags: an empty tag list and an omitted one keep them all", async () => {
    const contact = await fullContact();
    expect((await upserted({ phone: contact.phone, tags: [] })).contact.tags).toEqual(["keep"]);
    expect((await upserted({ phone: contact.phone, firstName: "X" })).contact.tags).toEqual(["keep"]);
    expect((await stored(contact.id)).tags).toEqual(["keep"]);
  });

  it("has no way to ask for tag removal: removeTags is refused before anything runs", async () => {
    const contact = await fullContact();
    const before = await stored(contact.id);
    const response = await app.graphql(app.tenant.workspaceKey, UpsertContactDocument, {
      input: unchecked({ phone: contact.phone, removeTags: ["keep"] }),
    });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.message).toContain('"removeTags"');
    expect(await stored(contact.id)).toEqual(before);
  });

  it("a given email held by a deleted contact is no obstacle", async () => {
    const contact = await fullContact();
    const { email } = fresh();
    const gone = await create({ email });
    await remove(gone.id);
    const result = await upserted({ phone: contact.phone, email });
    expect(result).toMatchObject({
      __typename: "UpsertContactSuccess",
      created: false,
      contact: { id: contact.id, email },
    });
  });
});

describe("upsertContact: preserveExisting only fills what is empty", () => {
  it("never changes a stored firstName, lastName, email, phone, timezone or custom value; fills an empty custom value; adds tags", async () => {
    const a = fresh();
    const contact = await create({
      firstName: "Kept",
      lastName: "Stored",
      email: a.email,
      phone: a.phone,
      timezone: "Europe/Berlin",
      tags: ["old"],
      customFields: { Score: 1, "Lead Source": "Ads" },
    });
    const other = fresh();
    const result = await upserted({
      phone: a.phone,
      preserveExisting: true,
      firstName: "Changed",
      lastName: "Changed",
      email: other.email,
      timezone: "Asia/Tokyo",
      tags: ["new"],
      customFields: { Score: 2, "Lead Source": "Changed", Tier: "gold" },
    });
    expect(result.created).toBe(false);
    expect(result.contact).toEqual({
      ...contact,
      tags: ["new", "old"],
      customFields: [
        { name: "Lead Source", value: "Ads" },
        { name: "Score", value: "1" },
        { name: "Tier", value: "gold" },
      ],
      updatedAt: expect.any(String),
    });
    expect(await stored(contact.id)).toEqual({ ...result.contact, deletedAt: null });
  });

  it("never changes the stored phone of a contact matched by email", async () => {
    const a = fresh();
    const contact = await create({ email: a.email, phone: a.phone });
    const { phone: otherPhone } = fresh();
    const result = await upserted({ email: a.email, phone: otherPhone, preserveExisting: true });
    expect(result.created).toBe(false);
    expect(result.contact).toMatchObject({ id: contact.id, phone: a.phone });
    expect(await app.db.prisma.contact.count({ where: { phone: otherPhone } })).toBe(0);
  });

  it("fills every empty field and custom value", async () => {
    const a = fresh();
    const contact = await create({ phone: "+19075550777" }); // Alaska: two zones, so no timezone derived
    expect(contact.timezone).toBeNull();
    const result = await upserted({
      phone: "+19075550777",
      preserveExisting: true,
      firstName: "Filled",
      lastName: "In",
      email: a.email,
      timezone: "Asia/Tokyo",
      customFields: { Score: 7 },
    });
    expect(result.contact).toEqual({
      ...contact,
      firstName: "Filled",
      lastName: "In",
      email: a.email,
      timezone: "Asia/Tokyo",
      customFields: [{ name: "Score", value: "7" }],
      updatedAt: expect.any(String),
    });
  });

  it("fills an empty phone of a contact matched by email, without deriving a timezone", async () => {
    const a = fresh();
    const contact = await create({ email: a.email });
    const result = await upserted({ email: a.email, phone: a.phone, preserveExisting: true });
    expect(result.contact).toMatchObject({ id: contact.id, phone: a.phone, timezone: null });
  });

  it("a null custom value does not clear in preserve mode", async () => {
    const a = fresh();
    const contact = await create({ phone: a.phone, customFields: { Score: 1, Tier: "gold" } });
    const result = await upserted({
      phone: a.phone,
      preserveExisting: true,
      customFields: { Score: null, Tier: null },
    });
    const kept = [
      { name: "Score", value: "1" },
      { name: "Tier", value: "gold" },
    ];
    expect(result.contact.customFields).toEqual(kept);
    expect((await stored(contact.id)).customFields).toEqual(kept);
  });

  it("a null field does not clear in preserve mode", async () => {
    const a = fresh();
    const contact = await create({ phone: a.phone, email: a.email, firstName: "Kept", timezone: "UTC" });
    const result = await upserted({
      phone: a.phone,
      preserveExisting: true,
      email: null,
      firstName: null,
      timezone: null,
    });
    expect(result.contact).toMatchObject({ id: contact.id, email: a.email, firstName: "Kept", timezone: "UTC" });
  });
});

describe("upsertContact: the timezone on a match", () => {
  it("is not derived from the phone: an empty timezone stays null", async () => {
    const a = fresh();
    const contact = await create({ email: a.email });
    expect(contact.timezone).toBeNull();
    const result = await upserted({ email: a.email, phone: "+12125550888" }); // New York only
    expect(result.created).toBe(false);
    expect(result.contact).toMatchObject({ id: contact.id, phone: "+12125550888", timezone: null });
    expect((await stored(contact.id)).timezone).toBeNull();
  });

  it("is not derived from the phone: a stored timezone stays", async () => {
    const a = fresh();
    const contact = await create({ email: a.email, timezone: "Europe/Berlin" });
    const result = await upserted({ email: a.email, phone: "+14155550888" }); // Los Angeles only
    expect(result.contact).toMatchObject({ id: contact.id, phone: "+14155550888", timezone: "Europe/Berlin" });
  });

  it("does not take the workspace default either", async () => {
    const tenant = await app.makeTenant("Upsert Match Default");
    const a = fresh();
    const contact = await create({ email: a.email }, tenant.workspaceKey);
    expect(contact.timezone).toBeNull();
    await app.db.prisma.workspace.update({
      where: { id: tenant.workspaceId },
      data: { defaultTimezone: "Europe/Berlin" },
    });
    const result = await upserted({ email: a.email, phone: fresh("907").phone, firstName: "X" }, tenant.workspaceKey);
    expect(result).toMatchObject({ created: false, contact: { id: contact.id, timezone: null } });
  });

  it("a given timezone overwrites by default", async () => {
    const a = fresh();
    await create({ phone: a.phone }); // derived America/New_York
    const result = await upserted({ phone: a.phone, timezone: "Australia/Sydney" });
    expect(result.contact.timezone).toBe("Australia/Sydney");
  });

  it("a given timezone only fills an empty one in preserve mode", async () => {
    const a = fresh("907");
    const empty = await create({ phone: a.phone });
    expect(empty.timezone).toBeNull();
    const filled = await upserted({ phone: a.phone, timezone: "America/Anchorage", preserveExisting: true });
    expect(filled.contact.timezone).toBe("America/Anchorage");
    const kept = await upserted({ phone: a.phone, timezone: "America/Adak", preserveExisting: true });
    expect(kept.contact.timezone).toBe("America/Anchorage");
    expect((await stored(empty.id)).timezone).toBe("America/Anchorage");
  });
});

describe("upsertContact: the field rules of a create, nothing changed when any fails", () => {
  async function matched() {
    const a = fresh();
    const contact = await create({
      firstName: "Stable",
      email: a.email,
      phone: a.phone,
      tags: ["stable"],
      customFields: { Score: 1 },
    });
    return { contact, before: await stored(contact.id) };
  }

  async function expectRefused(input: UpsertContactInput, expected: { path: string[]; code: string }[]) {
    const { contact, before } = await matched();
    const rows = await countRows(app);
    const result = expectTypename(await upsert({ phone: contact.phone, ...input }), "ValidationError");
    expect(issuesOf(result)).toEqual(expected);
    expect(await stored(contact.id)).toEqual(before);
    expect(await countRows(app)).toEqual(rows);
    return result;
  }

  it("reports every broken rule of a matching upsert at once, with its path, and changes nothing", async () => {
    const result = await expectRefused(
      {
        firstName: "x".repeat(256),
        lastName: "y".repeat(300),
        email: "not-an-email",
        timezone: "Nowhere/City",
        tags: ["upsert-invalid-new-tag", "  ", "z".repeat(256)],
        customFields: {
          Score: unchecked({ nested: true }),
          Unknown: "x",
          Tier: "t".repeat(65_536),
          "Lead Source": unchecked([1]),
        },
      },
      [
        { path: ["firstName"], code: "TOO_LONG" },
        { path: ["lastName"], code: "TOO_LONG" },
        { path: ["email"], code: "INVALID_EMAIL" },
        { path: ["timezone"], code: "INVALID_TIMEZONE" },
        { path: ["tags", "1"], code: "EMPTY" },
        { path: ["tags", "2"], code: "TOO_LONG" },
        { path: ["customFields", "Score"], code: "INVALID_VALUE_TYPE" },
        { path: ["customFields", "Unknown"], code: "UNKNOWN_CUSTOM_FIELD" },
        { path: ["customFields", "Tier"], code: "TOO_LONG" },
        { path: ["customFields", "Lead Source"], code: "INVALID_VALUE_TYPE" },
      ],
    );
    expect(result.message).toBe("10 input values are invalid");
    expect(await app.db.prisma.tag.count({ where: { name: "upsert-invalid-new-tag" } })).toBe(0);
  });

  it.each([
    ["no @", "person.example.com", "INVALID_EMAIL"],
    ["two @", "a@b@example.com", "INVALID_EMAIL"],
    ["no dot in the domain", "person@localhost", "INVALID_EMAIL"],
    ["a space inside", "per son@example.com", "INVALID_EMAIL"],
    ["only spaces", "   ", "INVALID_EMAIL"],
    ["255 characters", `${"a".repeat(64)}@${"b".repeat(186)}.com`, "TOO_LONG"],
  ])("refuses an email with %s", async (_label, email, code) => {
    await expectRefused({ email, firstName: "Changed" }, [{ path: ["email"], code }]);
  });

  it.each([
    ["spaces", "+1 212 555 0199"],
    ["dashes", "+1-212-555-0199"],
    ["no plus", "12125550199"],
    ["a national format", "(212) 555-0199"],
    ["an impossible length", "+1212555"],
    ["more than 15 digits", "+1212555019912345"],
    ["empty", ""],
  ])("refuses a phone with %s, even when the email matches", async (_label, phone) => {
    const { contact, before } = await matched();
    const rows = await countRows(app);
    const result = expectTypename(
      await upsert({ email: contact.email, phone, firstName: "Changed", tags: ["phone-invalid-tag"] }),
      "ValidationError",
    );
    expect(issuesOf(result)).toEqual([{ path: ["phone"], code: "INVALID_PHONE" }]);
    expect(await stored(contact.id)).toEqual(before);
    expect(await countRows(app)).toEqual(rows);
  });

  it.each(["america/new_york", "EST-5", "Mars/Olympus", "Factory", "", "+05:00"])(
    "refuses the timezone %j",
    async (timezone) => {
      await expectRefused({ timezone }, [{ path: ["timezone"], code: "INVALID_TIMEZONE" }]);
    },
  );

  it("refuses more than 100 distinct tags and accepts 100", async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => `upsert-t${i}`);
    await expectRefused({ tags: [...hundred, "upsert-t100"] }, [{ path: ["tags"], code: "TOO_MANY" }]);
    const { contact } = await matched();
    const result = await upserted({ phone: contact.phone, tags: [...hundred, "upsert-t0"] });
    expect(result.contact.tags).toHaveLength(101); // its own "stable" tag and the 100 added
  });

  it("refuses another workspace's custom variable names", async () => {
    await app.defineCustomVariable(app.stranger.workspaceId, "Stranger Only");
    await expectRefused({ customFields: { "Stranger Only": "x" } }, [
      { path: ["customFields", "Stranger Only"], code: "UNKNOWN_CUSTOM_FIELD" },
    ]);
  });

  it("accepts a custom value of 65,535 characters", async () => {
    const { contact } = await matched();
    const result = await upserted({ phone: contact.phone, customFields: { Tier: "t".repeat(65_535) } });
    expect(result.contact.customFields.find((value) => value.name === "Tier")?.value).toHaveLength(65_535);
  });

  it("refuses a broken rule when nothing matches, writing nothing", async () => {
    const before = await countRows(app);
    const result = expectTypename(
      await upsert({ phone: fresh().phone, email: "bad", tags: ["no-match-invalid-tag"] }),
      "ValidationError",
    );
    expect(issuesOf(result)).toEqual([{ path: ["email"], code: "INVALID_EMAIL" }]);
    expect(await countRows(app)).toEqual(before);
  });

  it("refuses a custom value given as a top-level field, before anything runs", async () => {
    const { contact, before } = await matched();
    const response = await app.graphql(app.tenant.workspaceKey, UpsertContactDocument, {
      input: unchecked({ phone: contact.phone, Score: 5 }),
    });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.message).toContain('"Score"');
    expect(await stored(contact.id)).toEqual(before);
  });
});

describe("upsertContact: an update that would collide with another live contact", () => {
  it("gives the matched contact another live contact's email: ConflictError naming EMAIL and that contact, nothing changes", async () => {
    const a = fresh();
    const b = fresh();
    const matched = await create({ firstName: "Matched", phone: a.phone, email: a.email, customFields: { Score: 1 } });
    const holder = await create({ firstName: "Holder", email: b.email });
    const [matchedBefore, holderBefore, rows] = await Promise.all([
      stored(matched.id),
      stored(holder.id),
      countRows(app),
    ]);

    const result = await upsert({
      phone: a.phone,
      email: b.email.toUpperCase(),
      firstName: "Changed",
      tags: ["conflict-new-tag"],
      customFields: { Score: 2, Tier: "gold" },
    });
    expect(result).toEqual({
      __typename: "ConflictError",
      message: "Another contact in this workspace already has this email",
      conflicts: [{ field: "EMAIL", existingContactId: holder.id }],
    });
    expect(await stored(matched.id)).toEqual(matchedBefore);
    expect(await stored(holder.id)).toEqual(holderBefore);
    expect(await countRows(app)).toEqual(rows);
    expect(await app.db.prisma.tag.count({ where: { name: "conflict-new-tag" } })).toBe(0);
  });

  it("in preserve mode, filling an empty email with another live contact's is the same conflict", async () => {
    const a = fresh();
    const b = fresh();
    const matched = await create({ phone: a.phone });
    const holder = await create({ email: b.email });
    const matchedBefore = await stored(matched.id);
    const result = await upsert({ phone: a.phone, email: b.email, firstName: "Filled", preserveExisting: true });
    expect(result).toMatchObject({
      __typename: "ConflictError",
      conflicts: [{ field: "EMAIL", existingContactId: holder.id }],
    });
    expect(await stored(matched.id)).toEqual(matchedBefore);
  });
});

describe("upsertContact: who may upsert where", () => {
  it("an account key must name the workspace: a validation issue on workspaceId, nothing written", async () => {
    const a = fresh();
    const before = await countRows(app);
    const result = expectTypename(await upsert({ phone: a.phone }, app.tenant.accountKey), "ValidationError");
    expect(issuesOf(result)).toEqual([{ path: ["workspaceId"], code: "REQUIRED" }]);
    expect(await countRows(app)).toEqual(before);
  });

  it("a workspaceId that is not a UUID is a validation issue", async () => {
    const result = expectTypename(
      await upsert({ workspaceId: "main", phone: fresh().phone }, app.tenant.accountKey),
      "ValidationError",
    );
    expect(issuesOf(result)).toEqual([{ path: ["workspaceId"], code: "INVALID_ID" }]);
  });

  it("an account key upserts into, and matches within, the workspace it names", async () => {
    const a = fresh();
    const inOther = await create({ phone: a.phone }, app.tenant.otherWorkspaceKey);
    const key = app.tenant.accountKey;
    const matched = await upserted(
      { workspaceId: app.tenant.otherWorkspaceId, phone: a.phone, firstName: "Other" },
      key,
    );
    expect(matched).toMatchObject({ created: false, contact: { id: inOther.id, firstName: "Other" } });
    const createdInMain = await upserted({ workspaceId: app.tenant.workspaceId, phone: a.phone }, key);
    expect(createdInMain).toMatchObject({ created: true, contact: { workspaceId: app.tenant.workspaceId } });
  });

  it.each([
    [
      "a workspace key naming another workspace of its account",
      (): string => app.tenant.otherWorkspaceId,
      "workspaceKey",
    ],
    ["an account key naming another account's workspace", (): string => app.stranger.workspaceId, "accountKey"],
    [
      "an account key naming a workspace that does not exist",
      (): string => "00000000-0000-4000-8000-000000000000",
      "accountKey",
    ],
  ] as const)("refuses %s with the same ForbiddenError, changing nothing", async (_label, workspaceId, keyName) => {
    const a = fresh();
    const target = await create({ phone: a.phone, firstName: "Untouched" }, app.stranger.workspaceKey);
    const inOther = await create({ phone: a.phone, firstName: "Untouched" }, app.tenant.otherWorkspaceKey);
    const [targetBefore, otherBefore, rows] = await Promise.all([
      stored(target.id),
      stored(inOther.id),
      countRows(app),
    ]);
    const result = await upsert(
      { workspaceId: workspaceId(), phone: a.phone, firstName: "Changed", tags: ["forbidden-tag"] },
      app.tenant[keyName],
    );
    expect(result).toEqual(FORBIDDEN);
    expect(await stored(target.id)).toEqual(targetBefore);
    expect(await stored(inOther.id)).toEqual(otherBefore);
    expect(await countRows(app)).toEqual(rows);
  });
});

describe("upsertContact: simultaneous upserts of one new contact", () => {
  const CONCURRENT_REQUESTS = 24;

  function upsertAll(inputs: UpsertContactInput[]) {
    return Promise.all(inputs.map((input) => app.graphql(app.tenant.workspaceKey, UpsertContactDocument, { input })));
  }

  async function expectOneContact(responses: Awaited<ReturnType<typeof upsertAll>>, tagNames: string[]) {
    for (const response of responses) {
      expect({ status: response.status, errors: response.errors, data: response.body.data }).toMatchObject({
        status: 200,
        errors: undefined,
        data: { upsertContact: { __typename: "UpsertContactSuccess" } },
      });
    }
    const results = responses.map((response) => expectTypename(response.data.upsertContact, "UpsertContactSuccess"));
    expect(results.filter((result) => result.created === true)).toHaveLength(1);
    const ids = new Set(results.map((result) => result.contact.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids] as [string];
    const contact = await stored(id);
    expect(contact.tags).toEqual([...tagNames].sort(byName));
    return contact;
  }

  it("with one new phone: one contact, every response a success, one created, all tags on it", async () => {
    const phone = "+13125550777";
    const inputs = Array.from({ length: CONCURRENT_REQUESTS }, (_, i) => ({
      phone,
      firstName: `Racer ${i}`,
      tags: [`phone-race-${i}`],
    }));
    const responses = await upsertAll(inputs);
    const contact = await expectOneContact(
      responses,
      inputs.flatMap((input) => input.tags),
    );
    expect(await app.db.prisma.contact.count({ where: { phone } })).toBe(1);
    expect(inputs.map((input) => input.firstName)).toContain(contact.firstName);
    expect(contact.timezone).toBe("America/Chicago");
  });

  it("with one new email (in varying case): one contact, every response a success, one created, all tags on it", async () => {
    const inputs = Array.from({ length: CONCURRENT_REQUESTS }, (_, i) => ({
      email: i % 2 === 0 ? "email-race@example.com" : " Email-Race@Example.COM ",
      firstName: `Racer ${i}`,
      tags: [`email-race-${i}`],
    }));
    const responses = await upsertAll(inputs);
    const contact = await expectOneContact(
      responses,
      inputs.flatMap((input) => input.tags),
    );
    expect(contact.email).toBe("email-race@example.com");
    expect(await app.db.prisma.contact.count({ where: { email: "email-race@example.com" } })).toBe(1);
  });

  it("with one new phone and a shared new tag as well: still one contact and no failure", async () => {
    const phone = "+13125550778";
    const inputs = Array.from({ length: CONCURRENT_REQUESTS }, (_, i) => ({
      phone,
      firstName: `Racer ${i}`,
      tags: ["shared-race-tag", `shared-race-${i}`],
    }));
    const responses = await upsertAll(inputs);
    await expectOneContact(responses, ["shared-race-tag", ...inputs.map((input) => input.tags[1] as string)]);
    expect(await app.db.prisma.tag.count({ where: { name: "shared-race-tag" } })).toBe(1);
  });
});
