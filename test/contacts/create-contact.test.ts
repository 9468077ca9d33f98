import { v3 as uuidV3 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiContact, deleteContact, fresh, issuesOf } from "../support/contact-helpers.js";
import { CreateContactDocument, type CreateContactInput } from "../support/generated/graphql.js";
import { countRows, expectTypename, startTestApp, type TestApp, unchecked } from "../support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

/** The createContact result, whichever member of the union it is. */
async function create(input: CreateContactInput, key = app.tenant.workspaceKey) {
  const response = await app.graphql(key, CreateContactDocument, { input });
  expect(response.status).toBe(200);
  return response.data.createContact;
}

/** A create that must succeed: its contact. */
async function created(input: CreateContactInput, key?: string) {
  return expectTypename(await create(input, key), "CreateContactSuccess").contact;
}

/** A create that must fail: its ConflictError. */
async function conflict(input: CreateContactInput) {
  return expectTypename(await create(input), "ConflictError");
}

async function expectIssues(input: CreateContactInput, expected: { path: string[]; code: string }[]) {
  const before = await countRows(app);
  const result = expectTypename(await create(input), "ValidationError");
  expect(issuesOf(result)).toEqual(expected);
  expect(await countRows(app)).toEqual(before);
  return result;
}

describe("createContact: success", () => {
  it("returns the stored contact with its workspace and timestamps", async () => {
    const result = expectTypename(
      await create({ firstName: "Ada", lastName: "Lovelace", ...fresh() }),
      "CreateContactSuccess",
    );
    expect(result.contact).toMatchObject({
      workspaceId: app.tenant.workspaceId,
      firstName: "Ada",
      lastName: "Lovelace",
    });
    expect(result.contact.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(result.contact.createdAt)).not.toBeNaN();
    expect(result.contact.updatedAt).toBe(result.contact.createdAt);
  });

  it("accepts a contact with no fields at all", async () => {
    const result = expectTypename(await create({}), "CreateContactSuccess");
    expect(result.contact).toMatchObject({ firstName: null, email: null, phone: null, tags: [], customFields: [] });
  });
});

describe("createContact: names", () => {
  it("trims names, and an empty name counts as not given", async () => {
    expect(await created({ firstName: "  Grace  ", lastName: "   " })).toMatchObject({
      firstName: "Grace",
      lastName: null,
    });
  });

  it("accepts 255 characters after trimming and refuses 256", async () => {
    expect((await created({ firstName: ` ${"a".repeat(255)} ` })).firstName).toHaveLength(255);
    await expectIssues({ firstName: "a".repeat(256), lastName: "b".repeat(300) }, [
      { path: ["firstName"], code: "TOO_LONG" },
      { path: ["lastName"], code: "TOO_LONG" },
    ]);
  });
});

describe("createContact: email", () => {
  it("trims and lowercases the stored email", async () => {
    expect((await created({ email: "  Mixed.Case@Example.COM " })).email).toBe("mixed.case@example.com");
  });

  it.each([
    ["no @", "person.example.com"],
    ["two @", "a@b@example.com"],
    ["empty local part", "@example.com"],
    ["no dot in the domain", "person@localhost"],
    ["a space inside", "per son@example.com"],
    ["empty", ""],
    ["only spaces", "   "],
  ])("refuses an address with %s", async (_label, email) => {
    await expectIssues({ email }, [{ path: ["email"], code: "INVALID_EMAIL" }]);
  });

  it("accepts 254 characters and refuses 255", async () => {
    const local = "a".repeat(64);
    const domainOf = (length: number) => `${"b".repeat(length - local.length - 5)}.com`;
    const ok = `${local}@${domainOf(254)}`;
    expect(ok).toHaveLength(254);
    expect((await created({ email: ok })).email).toBe(ok);
    const tooLong = `${local}@${domainOf(255)}`;
    expect(tooLong).toHaveLength(255);
    await expectIssues({ email: tooLong }, [{ path: ["email"], code: "TOO_LONG" }]);
  });
});

describe("createContact: phone", () => {
  it("stores an E.164 number as given", async () => {
    expect((await created({ phone: "+31201234567" })).phone).toBe("+31201234567");
  });

  it.each([
    ["a national format", "(212) 555-0199"],
    ["spaces", "+1 212 555 0199"],
    ["dashes", "+1-212-555-0199"],
    ["no plus", "12125550199"],
    ["letters", "+1212555CALL"],
    ["more than 15 digits", "+1212555019912345"],
    ["an impossible length for its country", "+1212555"],
    ["a country code of 0", "+0212555019"],
    ["surrounding spaces", " +12125550199 "],
    ["empty", ""],
  ])("refuses %s", async (_label, phone) => {
    await expectIssues({ phone }, [{ path: ["phone"], code: "INVALID_PHONE" }]);
  });
});

describe("createContact: uniqueness", () => {
  it("refuses an email another live contact holds, compared lowercased, naming that contact", async () => {
    const { email } = fresh();
    const first = await created({ email });
    const before = await countRows(app);
    const result = await conflict({ email: email.toUpperCase(), tags: ["should-not-exist"] });
    expect(result.conflicts).toEqual([{ field: "EMAIL", existingContactId: first.id }]);
    expect(await countRows(app)).toEqual(before);
  });

  it("refuses a phone another live contact holds", async () => {
    const { phone } = fresh();
    const first = await created({ phone });
    const result = await conflict({ phone });
    expect(result.conflicts).toEqual([{ field: "PHONE", existingContactId: first.id }]);
  });

  it("lists both fields, each with the contact that holds it", async () => {
    const a = fresh();
    const b = fresh();
    const holdsEmail = await created({ email: a.email, phone: a.phone });
    const holdsPhone = await created({ email: b.email, phone: b.phone });
    const result = await conflict({ email: a.email, phone: b.phone });
    expect(result.conflicts).toEqual([
      { field: "EMAIL", existingContactId: holdsEmail.id },
      { field: "PHONE", existingContactId: holdsPhone.id },
    ]);
  });

  it("is per workspace: the same email and phone in another workspace are free", async () => {
    const values = fresh();
    await create(values);
    const result = await create(values, app.tenant.otherWorkspaceKey);
    expect(result.__typename).toBe("CreateContactSuccess");
  });

  it("is among live contacts only: a deleted contact never blocks a new one", async () => {
    const values = fresh();
    const first = await created(values);
    await deleteContact(app, first.id, app.tenant.workspaceKey);
    const second = expectTypename(await create(values), "CreateContactSuccess");
    expect(second.contact.id).not.toBe(first.id);
  });
});

describe("createContact: timezone", () => {
  it("stores a given IANA zone as given, whatever the phone says", async () => {
    expect((await created({ phone: "+12125550100", timezone: "Europe/Amsterdam" })).timezone).toBe("Europe/Amsterdam");
  });

  it.each(["UTC", "America/New_York", "US/Eastern", "Asia/Calcutta", "Etc/GMT+5"])(
    "accepts the tz database name %s (canonical or official alias)",
    async (timezone) => {
      expect((await created({ timezone })).timezone).toBe(timezone);
    },
  );

  it.each(["america/new_york", "EST-5", "New York", "Mars/Olympus", "Factory", "", "+05:00"])(
    "refuses %j",
    async (timezone) => {
      await expectIssues({ timezone }, [{ path: ["timezone"], code: "INVALID_TIMEZONE" }]);
    },
  );

  it("derives the zone from a phone whose prefix maps to exactly one", async () => {
    expect((await created({ phone: "+12125550101" })).timezone).toBe("America/New_York");
    expect((await created({ phone: "+14155550101" })).timezone).toBe("America/Los_Angeles");
    expect((await created({ phone: "+31201234568" })).timezone).toBe("Europe/Amsterdam");
  });

  it("counts names the tz database links to one zone as that zone, and stores its canonical name", async () => {
    await app.db.prisma.workspace.update({
      where: { id: app.tenant.otherWorkspaceId },
      data: { defaultTimezone: "Asia/Tokyo" },
    });
    const key = app.tenant.otherWorkspaceKey;
    // London, Guernsey, Isle of Man; Helsinki, Mariehamn; Rome, Vatican.
    expect((await created({ phone: "+447911123456" }, key)).timezone).toBe("Europe/London");
    expect((await created({ phone: "+358401234567" }, key)).timezone).toBe("Europe/Helsinki");
    expect((await created({ phone: "+393123456789" }, key)).timezone).toBe("Europe/Rome");
  });

  it("falls back to the workspace default when the phone maps to several zones or none", async () => {
    await app.db.prisma.workspace.update({
      where: { id: app.tenant.otherWorkspaceId },
      data: { defaultTimezone: "Europe/Berlin" },
    });
    const key = app.tenant.otherWorkspaceKey;
    expect((await created({ phone: "+19075550101" }, key)).timezone).toBe("Europe/Berlin"); // Adak, Anchorage
    expect((await created({ phone: "+18005550101" }, key)).timezone).toBe("Europe/Berlin"); // 42 zones
    expect((await created({}, key)).timezone).toBe("Europe/Berlin");
  });

  it("is null with no zone given, no single zone for the phone and no workspace default", async () => {
    expect((await created({ phone: "+19075550102" })).timezone).toBeNull();
    expect((await created({})).timezone).toBeNull();
  });
});

describe("createContact: tags", () => {
  it("trims, collapses duplicates, keeps case and returns them sorted", async () => {
    const contact = await created({ tags: ["zeta", " Alpha ", "beta", "vip", "VIP", "Alpha", "beta "] });
    expect(contact.tags.map((tag) => tag.name)).toEqual(["Alpha", "beta", "VIP", "vip", "zeta"]);
  });

  it("creates a tag the workspace lacks and reuses one it has", async () => {
    const first = await created({ tags: ["shared-tag", "new-one"] });
    const second = await created({ tags: ["shared-tag"] });
    const shared = (contact: ApiContact) => contact.tags.find((tag) => tag.name === "shared-tag")?.id;
    expect(shared(first)).toEqual(expect.any(String));
    expect(shared(second)).toBe(shared(first));
    expect(await app.db.prisma.tag.count({ where: { workspaceId: app.tenant.workspaceId, name: "shared-tag" } })).toBe(
      1,
    );
  });

  it("identifies a tag by the version-3 UUID of its name in its workspace's namespace", async () => {
    const here = await created({ tags: ["Ünïcode ✓", "plain"] });
    const there = await created({ tags: ["plain"] }, app.tenant.otherWorkspaceKey);
    for (const contact of [here, there]) {
      for (const tag of contact.tags) expect(tag.id).toBe(uuidV3(tag.name, contact.workspaceId));
    }
    const plainHere = here.tags.find((tag) => tag.name === "plain");
    const [plainThere] = there.tags;
    expect(plainHere?.id).toEqual(expect.any(String));
    expect(plainThere?.id).toEqual(expect.any(String));
    expect(plainThere?.id).not.toBe(plainHere?.id);
  });

  it("adds nothing for an empty list", async () => {
    const before = await countRows(app);
    expect((await created({ tags: [] })).tags).toEqual([]);
    const after = await countRows(app);
    expect(after.tags).toBe(before.tags);
  });

  it("refuses an empty name and one over 255 characters, at their index", async () => {
    await expectIssues({ tags: ["ok", "  ", "x".repeat(256), "y".repeat(255)] }, [
      { path: ["tags", "1"], code: "EMPTY" },
      { path: ["tags", "2"], code: "TOO_LONG" },
    ]);
  });

  it("accepts 100 distinct tags and refuses 101", async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => `t${i}`);
    expect((await created({ tags: [...hundred, "t0", " t1 "] })).tags).toHaveLength(100);
    await expectIssues({ tags: [...hundred, "t100"] }, [{ path: ["tags"], code: "TOO_MANY" }]);
  });
});

describe("createContact: custom fields", () => {
  beforeAll(async () => {
    await app.defineCustomVariable(app.tenant.workspaceId, "Lead Source");
    await app.defineCustomVariable(app.tenant.workspaceId, "Score");
    await app.defineCustomVariable(app.tenant.workspaceId, "score");
    await app.defineCustomVariable(app.tenant.workspaceId, "Opted In");
  });

  it("stores values as text and returns them sorted by name", async () => {
    const contact = await created({
      customFields: { score: 2.5, "Lead Source": "Webinar", Score: 250, "Opted In": true },
    });
    expect(contact.customFields).toEqual([
      { name: "Lead Source", value: "Webinar" },
      { name: "Opted In", value: "true" },
      { name: "Score", value: "250" },
      { name: "score", value: "2.5" },
    ]);
  });

  it("stores nothing for a null value", async () => {
    expect((await created({ customFields: { "Lead Source": null, Score: 1 } })).customFields).toEqual([
      { name: "Score", value: "1" },
    ]);
  });

  it("refuses a key that names no custom variable of the workspace, spelled exactly", async () => {
    await expectIssues({ customFields: { lead_source: "x", "lead source": "y", "Lead Source ": "z" } }, [
      { path: ["customFields", "lead_source"], code: "UNKNOWN_CUSTOM_FIELD" },
      { path: ["customFields", "lead source"], code: "UNKNOWN_CUSTOM_FIELD" },
      { path: ["customFields", "Lead Source "], code: "UNKNOWN_CUSTOM_FIELD" },
    ]);
  });

  it("refuses another workspace's custom variable names", async () => {
    await app.defineCustomVariable(app.stranger.workspaceId, "Stranger Field");
    await expectIssues({ customFields: { "Stranger Field": "x" } }, [
      { path: ["customFields", "Stranger Field"], code: "UNKNOWN_CUSTOM_FIELD" },
    ]);
  });

  it("refuses objects and lists as values", async () => {
    await expectIssues({ customFields: { "Lead Source": unchecked({ nested: true }), Score: unchecked([1, 2]) } }, [
      { path: ["customFields", "Lead Source"], code: "INVALID_VALUE_TYPE" },
      { path: ["customFields", "Score"], code: "INVALID_VALUE_TYPE" },
    ]);
  });

  it("accepts 65,535 characters and refuses 65,536", async () => {
    const ok = await created({ customFields: { "Lead Source": "x".repeat(65_535) } });
    expect(ok.customFields[0]?.value).toHaveLength(65_535);
    await expectIssues({ customFields: { "Lead Source": "x".repeat(65_536) } }, [
      { path: ["customFields", "Lead Source"], code: "TOO_LONG" },
    ]);
  });

  it("refuses a custom value given as a top-level field, before anything runs", async () => {
    const before = await countRows(app);
    const response = await app.graphql(app.tenant.workspaceKey, CreateContactDocument, {
      input: unchecked({ "Lead Source": "x" }),
    });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.message).toContain('"Lead Source"');
    expect(await countRows(app)).toEqual(before);
  });
});

describe("createContact: every failure at once, nothing written", () => {
  it("reports each broken rule with its path in one ValidationError and writes nothing", async () => {
    await app.defineCustomVariable(app.tenant.workspaceId, "Tier");
    const result = await expectIssues(
      {
        firstName: "x".repeat(256),
        email: "not-an-email",
        phone: "555-0100",
        timezone: "Nowhere/City",
        tags: ["brand-new-tag", ""],
        customFields: { Tier: "gold", Unknown: 1 },
      },
      [
        { path: ["firstName"], code: "TOO_LONG" },
        { path: ["email"], code: "INVALID_EMAIL" },
        { path: ["phone"], code: "INVALID_PHONE" },
        { path: ["timezone"], code: "INVALID_TIMEZONE" },
        { path: ["tags", "1"], code: "EMPTY" },
        { path: ["customFields", "Unknown"], code: "UNKNOWN_CUSTOM_FIELD" },
      ],
    );
    expect(result.message).toBe("6 input values are invalid");
    expect(await app.db.prisma.tag.count({ where: { name: "brand-new-tag" } })).toBe(0);
  });
});

describe("createContact: statements per create", () => {
  it("sends the same number of statements whatever the number of tags and custom values", async () => {
    const logged = await startTestApp({ logQueries: true });
    try {
      const log = logged.db.queryLog as string[];
      await logged.defineCustomVariable(logged.tenant.workspaceId, "A");
      await logged.defineCustomVariable(logged.tenant.workspaceId, "B");
      const statementsFor = async (input: CreateContactInput) => {
        log.length = 0;
        const response = await logged.graphql(logged.tenant.workspaceKey, CreateContactDocument, { input });
        expectTypename(response.data.createContact, "CreateContactSuccess");
        return log.length;
      };
      // The first request also looks the API key up (then it is cached): leave it out of the comparison.
      await statementsFor({ email: "warm-up@example.com" });
      const small = await statementsFor({ email: "one@example.com", tags: ["a"], customFields: { A: 1 } });
      const large = await statementsFor({
        email: "two@example.com",
        tags: Array.from({ length: 50 }, (_, i) => `tag-${i}`),
        customFields: { A: 1, B: "two" },
      });
      expect(large).toBe(small);
      // One statement: it checks the workspace and the custom field names, then inserts.
      expect(small).toBe(1);
    } finally {
      await logged.close();
    }
  });
});
