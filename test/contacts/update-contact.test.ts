import { v3 as uuidV3 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
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
  UpdateContactDocument,
  type UpdateContactInput,
} from "../support/generated/graphql.js";
import { countRows, expectTypename, startTestApp, type TestApp, unchecked } from "../support/test-app.js";

// Updating a contact: every rule, and the inputs that break it.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  for (const workspaceId of [app.tenant.workspaceId, app.tenant.otherWorkspaceId]) {
    await app.defineCustomVariable(workspaceId, "Lead Source");
    await app.defineCustomVariable(workspaceId, "Score");
    await app.defineCustomVariable(workspaceId, "Tier");
  }
  await app.defineCustomVariable(app.tenant.otherWorkspaceId, "Other Only");
});
afterAll(() => app?.close());

const NOT_FOUND = { __typename: "NotFoundError", message: "Contact not found" };

const create = (input: CreateContactInput, key?: string) => createContactThroughApi(app, input, key);
const remove = (id: string) => deleteContact(app, id);
const stored = (id: string) => storedContact(app, id);

async function update(id: string, input: UpdateContactInput, key = app.tenant.workspaceKey) {
  const response = await app.graphql(key, UpdateContactDocument, { id, input });
  expect(response.status).toBe(200);
  expect(response.errors).toBeUndefined();
  const result = response.data.updateContact;
  return result.__typename === "UpdateContactSuccess" ? { ...result, contact: shape(result.contact) } : result;
}

/** An update that must succeed: its contact, shaped. */
async function updated(id: string, input: UpdateContactInput, key?: string) {
  return expectTypename(await update(id, input, key), "UpdateContactSuccess").contact;
}

/** A contact with every field, two tags and two custom values. */
async function fullContact(key = app.tenant.workspaceKey) {
  const a = fresh();
  const contact = await create(
    {
      firstName: "Ada",
      lastName: "Lovelace",
      email: a.email,
      phone: a.phone,
      timezone: "Europe/London",
      tags: ["alpha", "beta"],
      customFields: { Score: 1, "Lead Source": "Ads" },
    },
    key,
  );
  await tick();
  return contact;
}

/** Expects a successful update that changed exactly `changes` (and updatedAt), in the response and in storage. */
async function expectUpdated(contact: ShapedContact, input: UpdateContactInput, changes: Partial<ShapedContact>) {
  const result = expectTypename(await update(contact.id, input), "UpdateContactSuccess");
  expect(result.contact).toEqual({ ...contact, ...changes, updatedAt: expect.any(String) });
  expect(await stored(contact.id)).toEqual({ ...result.contact, deletedAt: null });
  return result.contact;
}

describe("updateContact: only the fields given change", () => {
  it.each([
    ["firstName", { firstName: "  Grace " }, { firstName: "Grace" }],
    ["lastName", { lastName: "Hopper  " }, { lastName: "Hopper" }],
    [
      "email (trimmed, lowercased)",
      { email: " Changed.Address@Example.COM " },
      { email: "changed.address@example.com" },
    ],
    ["phone", { phone: "+31201234599" }, { phone: "+31201234599" }],
    ["timezone", { timezone: "Asia/Tokyo" }, { timezone: "Asia/Tokyo" }],
    ["one custom value", { customFields: { Score: 2 } }, {}],
    ["a new custom value", { customFields: { Tier: true } }, {}],
  ])("changes only %s", async (label, input, changes) => {
    const contact = await fullContact();
    const customFields =
      label === "one custom value"
        ? [
            { name: "Lead Source", value: "Ads" },
            { name: "Score", value: "2" },
          ]
        : label === "a new custom value"
          ? [...contact.customFields, { name: "Tier", value: "true" }]
          : contact.customFields;
    await expectUpdated(contact, input, { ...changes, customFields });
  });

  it("changes several fields at once and leaves the others", async () => {
    const contact = await fullContact();
    await expectUpdated(
      contact,
      { firstName: "Grace", timezone: "UTC", customFields: { "Lead Source": 42 } },
      {
        firstName: "Grace",
        timezone: "UTC",
        customFields: [
          { name: "Lead Source", value: "42" },
          { name: "Score", value: "1" },
        ],
      },
    );
  });

  it("a name that is empty after trimming counts as not given", async () => {
    const contact = await fullContact();
    await expectUpdated(contact, { firstName: "   ", lastName: "Byron" }, { lastName: "Byron" });
  });

  it("advances updatedAt and keeps createdAt", async () => {
    const contact = await fullContact();
    const updated = await expectUpdated(contact, { firstName: "Later" }, { firstName: "Later" });
    expect(updated.createdAt).toBe(contact.createdAt);
    expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(contact.updatedAt));
  });
});

describe("updateContact: null clears", () => {
  it.each(["firstName", "lastName", "email", "phone", "timezone"])("clears %s and nothing else", async (field) => {
    const contact = await fullContact();
    await expectUpdated(contact, { [field]: null }, { [field]: null });
  });

  it("clears a custom value and leaves the other", async () => {
    const contact = await fullContact();
    await expectUpdated(
      contact,
      { customFields: { Score: null } },
      { customFields: [{ name: "Lead Source", value: "Ads" }] },
    );
  });

  it("clears every field and custom value at once; tags stay", async () => {
    const contact = await fullContact();
    await expectUpdated(
      contact,
      {
        firstName: null,
        lastName: null,
        email: null,
        phone: null,
        timezone: null,
        customFields: { Score: null, "Lead Source": null },
      },
      { firstName: null, lastName: null, email: null, phone: null, timezone: null, customFields: [] },
    );
  });

  it("a cleared email and phone no longer count for uniqueness", async () => {
    const contact = await fullContact();
    await update(contact.id, { email: null, phone: null });
    const other = await create({ email: contact.email, phone: contact.phone });
    expect(other.id).not.toBe(contact.id);
  });
});

describe("updateContact: at least one field", () => {
  it("refuses an empty input with NO_FIELDS and changes nothing", async () => {
    const contact = await fullContact();
    const before = await stored(contact.id);
    const result = expectTypename(await update(contact.id, {}), "ValidationError");
    expect(issuesOf(result)).toEqual([{ path: [], code: "NO_FIELDS" }]);
    expect(result.message).toBe("1 input value is invalid");
    expect(await stored(contact.id)).toEqual(before);
  });
});

describe("updateContact: the timezone is not re-derived", () => {
  it("changing the phone to one in another zone keeps the stored timezone", async () => {
    const ny = fresh("212");
    const contact = await create({ phone: ny.phone });
    expect(contact.timezone).toBe("America/New_York");
    const { phone: laPhone } = fresh("415");
    await expectUpdated(contact, { phone: laPhone }, { phone: laPhone });
  });

  it("giving a phone to a contact without a timezone leaves it null, even with a workspace default", async () => {
    const tenant = await app.makeTenant("Update Timezone");
    const contact = await create({ email: fresh().email }, tenant.workspaceKey);
    expect(contact.timezone).toBeNull();
    await app.db.prisma.workspace.update({
      where: { id: tenant.workspaceId },
      data: { defaultTimezone: "Europe/Berlin" },
    });
    const { phone } = fresh("415");
    expect(await updated(contact.id, { phone }, tenant.workspaceKey)).toMatchObject({ phone, timezone: null });
  });

  it("clearing the phone keeps the timezone", async () => {
    const contact = await create({ phone: fresh("415").phone });
    expect(contact.timezone).toBe("America/Los_Angeles");
    await expectUpdated(contact, { phone: null }, { phone: null });
  });
});

describe("updateContact: tags", () => {
  it("a tag list adds: existing tags stay, a new name is created once, a known one is reused", async () => {
    const contact = await fullContact();
    const before = await app.db.prisma.tag.count({ where: { workspaceId: app.tenant.workspaceId } });
    await expectUpdated(
      contact,
      { tags: [" gamma-added ", "alpha", "gamma-added", "Beta"] },
      { tags: ["alpha", "Beta", "beta", "gamma-added"] },
    );
    expect(await app.db.prisma.tag.count({ where: { workspaceId: app.tenant.workspaceId } })).toBe(before + 2);
  });

  it("a tag an update creates has the id a create would give it", async () => {
    const contact = await fullContact();
    await expectUpdated(contact, { tags: ["made-by-update"] }, { tags: ["alpha", "beta", "made-by-update"] });
    const tag = await app.db.prisma.tag.findUniqueOrThrow({
      where: { workspaceId_name: { workspaceId: app.tenant.workspaceId, name: "made-by-update" } },
    });
    expect(tag.id).toBe(uuidV3("made-by-update", app.tenant.workspaceId));
  });

  it("an empty tag list changes no tag", async () => {
    const contact = await fullContact();
    await expectUpdated(contact, { tags: [] }, {});
  });

  it("removeTags removes only those tags from this contact, case-sensitively", async () => {
    const contact = await create({ email: fresh().email, tags: ["keep", "drop", "VIP", "vip"] });
    const sharer = await create({ email: fresh().email, tags: ["drop"] });
    await tick();
    await expectUpdated(contact, { removeTags: ["drop", "vip"] }, { tags: ["keep", "VIP"] });
    expect((await stored(sharer.id)).tags).toEqual(["drop"]);
  });

  it("removing a tag the contact lacks, or the workspace lacks, is not an error", async () => {
    const contact = await fullContact();
    await create({ email: fresh().email, tags: ["someone-elses"] });
    const tagsBefore = await app.db.prisma.tag.count();
    await expectUpdated(contact, { removeTags: ["someone-elses", "nobody-has-this", "beta"] }, { tags: ["alpha"] });
    await expectUpdated({ ...contact, tags: ["alpha"] }, { removeTags: ["nobody-has-this"] }, { tags: ["alpha"] });
    expect(await app.db.prisma.tag.count()).toBe(tagsBefore);
  });

  it("adds and removes in one update", async () => {
    const contact = await fullContact();
    await expectUpdated(contact, { tags: ["gamma"], removeTags: ["alpha"] }, { tags: ["beta", "gamma"] });
  });

  it("a name in both lists ends up removed, whether the contact had it or not", async () => {
    const contact = await fullContact();
    await expectUpdated(
      contact,
      { tags: ["alpha", "both-new", "delta"], removeTags: ["alpha", "both-new"] },
      {
        tags: ["beta", "delta"],
      },
    );
  });
});

describe("updateContact: the validation rules of a create, nothing changed when any fails", () => {
  async function expectRefused(input: UpdateContactInput, expected: { path: string[]; code: string }[]) {
    const contact = await fullContact();
    const before = await stored(contact.id);
    const rows = await countRows(app);
    const result = expectTypename(await update(contact.id, input), "ValidationError");
    expect(issuesOf(result)).toEqual(expected);
    expect(await stored(contact.id)).toEqual(before);
    expect(await countRows(app)).toEqual(rows);
    return result;
  }

  it("reports every broken rule at once, each with its path, and changes nothing", async () => {
    const result = await expectRefused(
      {
        firstName: "x".repeat(256),
        lastName: ` ${"y".repeat(300)} `,
        email: "not-an-email",
        phone: "555-0100",
        timezone: "Nowhere/City",
        tags: ["update-invalid-new-tag", "", "z".repeat(256)],
        removeTags: ["alpha"],
        customFields: {
          Unknown: 1,
          Score: unchecked([1]),
          Tier: "t".repeat(65_536),
          "Lead Source": unchecked({ a: 1 }),
        },
      },
      [
        { path: ["firstName"], code: "TOO_LONG" },
        { path: ["lastName"], code: "TOO_LONG" },
        { path: ["email"], code: "INVALID_EMAIL" },
        { path: ["phone"], code: "INVALID_PHONE" },
        { path: ["timezone"], code: "INVALID_TIMEZONE" },
        { path: ["tags", "1"], code: "EMPTY" },
        { path: ["tags", "2"], code: "TOO_LONG" },
        { path: ["customFields", "Unknown"], code: "UNKNOWN_CUSTOM_FIELD" },
        { path: ["customFields", "Score"], code: "INVALID_VALUE_TYPE" },
        { path: ["customFields", "Tier"], code: "TOO_LONG" },
        { path: ["customFields", "Lead Source"], code: "INVALID_VALUE_TYPE" },
      ],
    );
    expect(result.message).toBe("11 input values are invalid");
    expect(await app.db.prisma.tag.count({ where: { name: "update-invalid-new-tag" } })).toBe(0);
  });

  it("a single broken rule still blocks the valid changes given with it, including new tags", async () => {
    await expectRefused(
      { firstName: "Valid", tags: ["update-blocked-tag"], customFields: { Score: 9 }, timezone: "Mars/Olympus" },
      [{ path: ["timezone"], code: "INVALID_TIMEZONE" }],
    );
    expect(await app.db.prisma.tag.count({ where: { name: "update-blocked-tag" } })).toBe(0);
  });

  it.each([
    ["no @", "person.example.com", "INVALID_EMAIL"],
    ["two @", "a@b@example.com", "INVALID_EMAIL"],
    ["an empty local part", "@example.com", "INVALID_EMAIL"],
    ["no dot in the domain", "person@localhost", "INVALID_EMAIL"],
    ["a space inside", "per son@example.com", "INVALID_EMAIL"],
    ["nothing but spaces", "   ", "INVALID_EMAIL"],
    ["255 characters", `${"a".repeat(64)}@${"b".repeat(186)}.com`, "TOO_LONG"],
  ])("refuses an email with %s", async (_label, email, code) => {
    await expectRefused({ email }, [{ path: ["email"], code }]);
  });

  it.each([
    ["spaces", "+1 212 555 0199"],
    ["dashes", "+1-212-555-0199"],
    ["no plus", "12125550199"],
    ["a national format", "(212) 555-0199"],
    ["letters", "+1212555CALL"],
    ["an impossible length", "+1212555"],
    ["more than 15 digits", "+1212555019912345"],
    ["surrounding spaces", " +12125550199 "],
    ["nothing", ""],
  ])("refuses a phone with %s", async (_label, phone) => {
    await expectRefused({ phone }, [{ path: ["phone"], code: "INVALID_PHONE" }]);
  });

  it.each(["america/new_york", "EST-5", "New York", "Factory", "", "+05:00"])(
    "refuses the timezone %j",
    async (timezone) => {
      await expectRefused({ timezone }, [{ path: ["timezone"], code: "INVALID_TIMEZONE" }]);
    },
  );

  it("accepts names of 255 characters and refuses 256", async () => {
    const contact = await fullContact();
    expect((await updated(contact.id, { firstName: ` ${"a".repeat(255)} ` })).firstName).toBe("a".repeat(255));
    await expectRefused({ lastName: "b".repeat(256) }, [{ path: ["lastName"], code: "TOO_LONG" }]);
  });

  it("accepts 100 distinct tags and refuses 101", async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => `update-t${i}`);
    await expectRefused({ tags: [...hundred, "update-t100"] }, [{ path: ["tags"], code: "TOO_MANY" }]);
    const contact = await fullContact();
    expect((await updated(contact.id, { tags: [...hundred, " update-t0 "] })).tags).toHaveLength(102); // alpha, beta and the 100 added
  });

  it("accepts a custom value of 65,535 characters and refuses 65,536", async () => {
    const contact = await fullContact();
    const result = await updated(contact.id, { customFields: { Tier: "t".repeat(65_535) } });
    expect(result.customFields.find((value) => value.name === "Tier")?.value).toHaveLength(65_535);
    await expectRefused({ customFields: { Tier: "t".repeat(65_536) } }, [
      { path: ["customFields", "Tier"], code: "TOO_LONG" },
    ]);
  });

  it("refuses custom variable names of another workspace, or not spelled exactly", async () => {
    await app.defineCustomVariable(app.stranger.workspaceId, "Stranger Only");
    await expectRefused({ customFields: { "Other Only": 1, "Stranger Only": 2, score: 3, "Score ": 4 } }, [
      { path: ["customFields", "Other Only"], code: "UNKNOWN_CUSTOM_FIELD" },
      { path: ["customFields", "Stranger Only"], code: "UNKNOWN_CUSTOM_FIELD" },
      { path: ["customFields", "score"], code: "UNKNOWN_CUSTOM_FIELD" },
      { path: ["customFields", "Score "], code: "UNKNOWN_CUSTOM_FIELD" },
    ]);
  });

  it.each([
    ["a custom value as a top-level field", { "Lead Source": "x" }, '"Lead Source"'],
    ["a workspaceId (a contact cannot move)", { workspaceId: "00000000-0000-4000-8000-000000000000" }, '"workspaceId"'],
  ])("refuses %s before anything runs", async (_label, input, named) => {
    const contact = await fullContact();
    const before = await stored(contact.id);
    const response = await app.graphql(app.tenant.workspaceKey, UpdateContactDocument, {
      id: contact.id,
      input: unchecked(input),
    });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.message).toContain(named);
    expect(await stored(contact.id)).toEqual(before);
  });
});

describe("updateContact: uniqueness against the other live contacts", () => {
  async function expectConflict(
    contact: ShapedContact,
    input: UpdateContactInput,
    conflicts: { field: string; existingContactId: string }[],
    message: string,
  ) {
    const before = await stored(contact.id);
    const rows = await countRows(app);
    const result = await update(contact.id, { ...input, firstName: "Changed", tags: ["conflict-tag"] });
    expect(result).toEqual({ __typename: "ConflictError", message, conflicts });
    expect(await stored(contact.id)).toEqual(before);
    expect(await countRows(app)).toEqual(rows);
  }

  it("an email another live contact holds (compared lowercased) is a ConflictError naming it", async () => {
    const contact = await fullContact();
    const { email } = fresh();
    const holder = await create({ email });
    const holderBefore = await stored(holder.id);
    await expectConflict(
      contact,
      { email: email.toUpperCase() },
      [{ field: "EMAIL", existingContactId: holder.id }],
      "Another contact in this workspace already has this email",
    );
    expect(await stored(holder.id)).toEqual(holderBefore);
  });

  it("a phone another live contact holds is a ConflictError naming it", async () => {
    const contact = await fullContact();
    const holder = await create({ phone: fresh().phone });
    await expectConflict(
      contact,
      { phone: holder.phone },
      [{ field: "PHONE", existingContactId: holder.id }],
      "Another contact in this workspace already has this phone",
    );
  });

  it("both, held by two contacts, are both listed", async () => {
    const contact = await fullContact();
    const holdsEmail = await create({ email: fresh().email });
    const holdsPhone = await create({ phone: fresh().phone });
    await expectConflict(
      contact,
      { email: holdsEmail.email, phone: holdsPhone.phone },
      [
        { field: "EMAIL", existingContactId: holdsEmail.id },
        { field: "PHONE", existingContactId: holdsPhone.id },
      ],
      "Another contact in this workspace already has this email and phone",
    );
  });

  it("an email and a phone held by a deleted contact are free", async () => {
    const contact = await fullContact();
    const gone = await create({ email: fresh().email, phone: fresh().phone });
    await remove(gone.id);
    const goneBefore = await stored(gone.id);
    await expectUpdated(contact, { email: gone.email, phone: gone.phone }, { email: gone.email, phone: gone.phone });
    expect(await stored(gone.id)).toEqual(goneBefore);
  });

  it("the contact's own email and phone, given again (in another case), are fine", async () => {
    const contact = await fullContact();
    expect(contact.email).toEqual(expect.any(String));
    await expectUpdated(
      contact,
      { email: contact.email?.toUpperCase(), phone: contact.phone, lastName: "Same" },
      {
        lastName: "Same",
      },
    );
  });

  it("an email and a phone held in another workspace are fine", async () => {
    const contact = await fullContact();
    const elsewhere = await create({ email: fresh().email, phone: fresh().phone }, app.tenant.otherWorkspaceKey);
    await expectUpdated(
      contact,
      { email: elsewhere.email, phone: elsewhere.phone },
      {
        email: elsewhere.email,
        phone: elsewhere.phone,
      },
    );
  });
});

describe("updateContact: which contacts a key can update", () => {
  it.each([
    ["an unknown id", async () => "00000000-0000-4000-8000-000000000000", () => app.tenant.workspaceKey],
    ["a malformed id", async () => "not-a-uuid", () => app.tenant.workspaceKey],
    [
      "a deleted contact",
      async () => {
        const contact = await create({ email: fresh().email });
        await remove(contact.id);
        return contact.id;
      },
      () => app.tenant.workspaceKey,
    ],
    [
      "another tenant's contact (workspace key)",
      async () => (await create({ email: fresh().email }, app.stranger.workspaceKey)).id,
      () => app.tenant.workspaceKey,
    ],
    [
      "another tenant's contact (account key)",
      async () => (await create({ email: fresh().email }, app.stranger.workspaceKey)).id,
      () => app.tenant.accountKey,
    ],
    [
      "a contact of another workspace of the account, with a workspace key",
      async () => (await create({ email: fresh().email }, app.tenant.otherWorkspaceKey)).id,
      () => app.tenant.workspaceKey,
    ],
  ])("%s is not found, and nothing changes", async (_label, target, key) => {
    const id = await target();
    const before = id.length === 36 ? await app.db.prisma.contact.findFirst({ where: { id } }) : null;
    const rows = await countRows(app);
    const result = await update(
      id,
      { firstName: "Intruder", tags: ["intruder-tag"], customFields: { Score: 1 } },
      key(),
    );
    expect(result).toEqual(NOT_FOUND);
    if (before) expect(await app.db.prisma.contact.findFirst({ where: { id } })).toEqual(before);
    expect(await countRows(app)).toEqual(rows);
  });

  it("finds an upper-case spelling of the id", async () => {
    const contact = await fullContact();
    expect(await updated(contact.id.toUpperCase(), { firstName: "Upper" })).toMatchObject({
      id: contact.id,
      firstName: "Upper",
    });
  });

  it("an account key updates contacts in any of its workspaces, with that workspace's custom variables", async () => {
    const key = app.tenant.accountKey;
    const inMain = await fullContact(app.tenant.workspaceKey);
    const inOther = await fullContact(app.tenant.otherWorkspaceKey);
    const main = await updated(inMain.id, { firstName: "Main" }, key);
    expect(main).toEqual({ ...inMain, firstName: "Main", updatedAt: expect.any(String) });
    const other = await updated(inOther.id, { firstName: "Other", customFields: { "Other Only": "yes" } }, key);
    expect(other).toEqual({
      ...inOther,
      firstName: "Other",
      customFields: [
        { name: "Lead Source", value: "Ads" },
        { name: "Other Only", value: "yes" },
        { name: "Score", value: "1" },
      ],
      updatedAt: expect.any(String),
    });
    expect(other.workspaceId).toBe(app.tenant.otherWorkspaceId);
  });

  it("a workspace key updates the contacts of its own workspace", async () => {
    const inOther = await fullContact(app.tenant.otherWorkspaceKey);
    expect(await updated(inOther.id, { lastName: "Own" }, app.tenant.otherWorkspaceKey)).toMatchObject({
      id: inOther.id,
      lastName: "Own",
    });
  });
});
