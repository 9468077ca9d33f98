import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CUSTOM_FIELDS_PER_REQUEST } from "../../src/contacts/rules/custom-fields.js";
import { MAX_ISSUES } from "../../src/errors/validation-issues.js";
import { createContactResult, createContactThroughApi, issuesOf, tick } from "../support/contact-helpers.js";
import {
  ContactIdsDocument,
  type ContactIdsQueryVariables,
  type CreateContactInput,
  type CreateContactMutation,
  InputFieldDescriptionsDocument,
  UpdateContactDocument,
  UpsertContactDocument,
} from "../support/generated/graphql.js";
import {
  CREATE_CONTACT,
  countRows,
  expectTypename,
  readResponse,
  startTestApp,
  type TestApp,
} from "../support/test-app.js";

/**
 * Inputs a stranger controls are bounded by what a real request needs: a request cannot make the
 * server check 80,000 custom field names, list 50,000 issues, or store more than a field's limit.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await app.defineCustomVariable(app.tenant.workspaceId, "Lead Source");
});
afterAll(() => app?.close());

/** `count` custom field names no workspace has. */
const unknownFields = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));

const create = (input: CreateContactInput) => createContactResult(app, input);

describe("custom fields per request", () => {
  it(`lists one issue at ["customFields"] beyond ${MAX_CUSTOM_FIELDS_PER_REQUEST} keys, on create, upsert and update`, async () => {
    const fields = unknownFields(MAX_CUSTOM_FIELDS_PER_REQUEST + 1);
    const before = await countRows(app);
    const tooMany = {
      path: ["customFields"],
      code: "TOO_MANY",
      message: `At most ${MAX_CUSTOM_FIELDS_PER_REQUEST} custom fields per request`,
    };
    const created = await create({ email: "many@example.com", customFields: fields });
    expect(created).toMatchObject({ __typename: "ValidationError", issues: [tooMany] });
    const upserted = await app.graphql(app.tenant.workspaceKey, UpsertContactDocument, {
      input: { email: "many@example.com", customFields: fields },
    });
    expect(upserted.data.upsertContact).toMatchObject({ __typename: "ValidationError", issues: [tooMany] });
    expect(await countRows(app)).toEqual(before);

    const contact = await createContactThroughApi(app, { firstName: "Kept" });
    const updated = await app.graphql(app.tenant.workspaceKey, UpdateContactDocument, {
      id: contact.id,
      input: { customFields: fields },
    });
    expect(updated.data.updateContact).toMatchObject({ __typename: "ValidationError", issues: [tooMany] });
  });

  it(`still names each unknown key up to ${MAX_CUSTOM_FIELDS_PER_REQUEST} keys`, async () => {
    const result = expectTypename(
      await create({ customFields: { ...unknownFields(2), "Lead Source": "web" } }),
      "ValidationError",
    );
    expect(issuesOf(result)).toEqual([
      { path: ["customFields", "k0"], code: "UNKNOWN_CUSTOM_FIELD" },
      { path: ["customFields", "k1"], code: "UNKNOWN_CUSTOM_FIELD" },
    ]);
  });

  it("answers 80,000 unknown keys (a 1 MB body) with that one issue", async () => {
    const result = expectTypename(await create({ customFields: unknownFields(80_000) }), "ValidationError");
    expect(issuesOf(result)).toEqual([{ path: ["customFields"], code: "TOO_MANY" }]);
  });
});

describe("issues per answer", () => {
  it(`lists at most ${MAX_ISSUES} issues, and says how many there were`, async () => {
    const before = await countRows(app);
    const result = expectTypename(await create({ tags: Array.from({ length: 50_000 }, () => " ") }), "ValidationError");
    expect(result.issues).toHaveLength(MAX_ISSUES);
    expect(result.issues[0]).toEqual({ path: ["tags", "0"], code: "EMPTY", message: "A tag name must not be empty" });
    expect(result.message).toBe(`50000 input values are invalid; the first ${MAX_ISSUES} are listed`);
    expect(await countRows(app)).toEqual(before);
  });

  it("answers a list of 300,000 bad items (about the body limit) the same way, on create and on update's removeTags", async () => {
    const before = await countRows(app);
    const empties = Array.from({ length: 300_000 }, () => "");
    const created = expectTypename(await create({ tags: empties }), "ValidationError");
    expect(created.issues).toHaveLength(MAX_ISSUES);
    expect(created.message).toBe(`300000 input values are invalid; the first ${MAX_ISSUES} are listed`);
    const id = (await createContactThroughApi(app, { email: "removes@example.com" })).id;
    const response = await app.graphql(app.tenant.workspaceKey, UpdateContactDocument, {
      id,
      input: { removeTags: empties },
    });
    const updated = expectTypename(response.data.updateContact, "ValidationError");
    expect(updated.issues[0]).toEqual({
      path: ["removeTags", "0"],
      code: "EMPTY",
      message: "A tag name must not be empty",
    });
    expect(updated.message).toBe(`300000 input values are invalid; the first ${MAX_ISSUES} are listed`);
    expect(await countRows(app)).toEqual({ ...before, contacts: before.contacts + 1 });
  });
});

describe("limits on the stored form", () => {
  it("counts an email's length after lowercasing (İ lowercases to two code units)", async () => {
    const local = `İ${"a".repeat(64 - 1)}`;
    const email = `${local}@${"d".repeat(254 - 64 - 1 - 4)}.com`;
    expect(email).toHaveLength(254);
    expect(email.toLowerCase()).toHaveLength(255);
    const result = expectTypename(await create({ email }), "ValidationError");
    expect(issuesOf(result)).toEqual([{ path: ["email"], code: "TOO_LONG" }]);
    const fits = `${"a".repeat(64)}@${"d".repeat(254 - 64 - 1 - 4)}.com`;
    expect((await create({ email: fits })).__typename).toBe("CreateContactSuccess");
  });
});

describe("an update with only blank names", () => {
  it("is NO_FIELDS and leaves the contact as it was", async () => {
    const contact = await createContactThroughApi(app, { firstName: "Grace", lastName: "Hopper" });
    await tick();
    const response = await app.graphql(app.tenant.workspaceKey, UpdateContactDocument, {
      id: contact.id,
      input: { firstName: "   ", lastName: "" },
    });
    const result = expectTypename(response.data.updateContact, "ValidationError");
    expect(issuesOf(result)).toEqual([{ path: [], code: "NO_FIELDS" }]);
    const stored = await app.db.prisma.contact.findUniqueOrThrow({
      where: { workspaceId_id: { workspaceId: contact.workspaceId, id: contact.id } },
    });
    expect(stored.updatedAt.toISOString()).toBe(contact.updatedAt);
    expect(stored.firstName).toBe("Grace");

    const named = await app.graphql(app.tenant.workspaceKey, UpdateContactDocument, {
      id: contact.id,
      input: { firstName: "   ", lastName: "Murray" },
    });
    expect(expectTypename(named.data.updateContact, "UpdateContactSuccess").contact).toMatchObject({
      firstName: "Grace",
      lastName: "Murray",
    });
  });
});

describe("custom values sent as JSON numbers", () => {
  it("keep what JSON parsing leaves of them; a string keeps every digit", async () => {
    // The JSON text a client sends, with the number as written.
    const body = `{"query":${JSON.stringify(CREATE_CONTACT)},"variables":{"input":{"customFields":{"Lead Source":12345678901234567890}}}}`;
    const response = await app.yoga.fetch("http://test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${app.tenant.workspaceKey}` },
      body,
    });
    const answer = await readResponse<CreateContactMutation>(response);
    const asNumber = expectTypename(answer.data.createContact, "CreateContactSuccess").contact;
    expect(asNumber.customFields).toEqual([{ name: "Lead Source", value: "12345678901234567000" }]);
    const asString = await createContactThroughApi(app, { customFields: { "Lead Source": "12345678901234567890" } });
    expect(asString.customFields).toEqual([{ name: "Lead Source", value: "12345678901234567890" }]);
  });

  it("are described so in the schema", async () => {
    const response = await app.graphql(null, InputFieldDescriptionsDocument, { type: "CreateContactInput" });
    const field = response.data.__type?.inputFields?.find((input) => input.name === "customFields");
    expect(field?.description).toContain("Send a string to keep every digit");
  });
});

describe("contact list filters", () => {
  const refused = async (variables: ContactIdsQueryVariables) => {
    const response = await app.graphql(app.tenant.workspaceKey, ContactIdsDocument, variables);
    expect(response.body.data).toBeNull();
    return response.errors?.map((error) => error.extensions);
  };

  it.each([
    ["search", "s".repeat(101)],
    ["tag", "t".repeat(256)],
    ["email", `${"e".repeat(250)}@x.io`],
    ["phone", `+${"1".repeat(16)}`],
  ])("refuses a %s longer than the field can hold, with BAD_USER_INPUT", async (key, value) => {
    const [extensions] = (await refused({ filter: { [key]: value } })) ?? [];
    expect(extensions).toMatchObject({ code: "BAD_USER_INPUT", issues: [{ path: ["filter", key], code: "TOO_LONG" }] });
  });

  it("takes a search of 100 characters after trimming, and a blank one as none", async () => {
    const padded = await app.graphql(app.tenant.workspaceKey, ContactIdsDocument, {
      filter: { search: `  ${"s".repeat(100)}  ` },
    });
    expect(padded.body).toEqual({ data: { contacts: { edges: [] } } });
    const blank = await app.graphql(app.tenant.workspaceKey, ContactIdsDocument, { filter: { search: "   " } });
    expect(blank.data.contacts.edges.length).toBeGreaterThan(0);
  });

  it.each([
    ["year 0000", Buffer.from(JSON.stringify(["0000-01-01T00:00:00.000Z", "00000000-0000-4000-8000-000000000000"]))],
    ["an over-long one", Buffer.from(JSON.stringify(["2026-01-01T00:00:00.000Z", "x".repeat(10_000)]))],
  ])("refuses a cursor that decodes but fits no position (%s) with BAD_USER_INPUT", async (_label, raw) => {
    const [extensions] = (await refused({ after: raw.toString("base64url") })) ?? [];
    expect(extensions).toMatchObject({ code: "BAD_USER_INPUT", issues: [{ path: ["after"], code: "INVALID_CURSOR" }] });
  });
});

describe("the request body's depth", () => {
  it.each([[{}], [{ "idempotency-key": "deep-extensions" }]])(
    "refuses extensions nested 8,000 deep with 400 EXTENSIONS_TOO_DEEP (headers %j), never a 500",
    async (headers) => {
      const depth = 8_000;
      const extensions = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
      const body = `{"query":${JSON.stringify(CREATE_CONTACT)},"variables":{"input":{"firstName":"x"}},"extensions":${extensions}}`;
      const before = await countRows(app);
      const response = await app.yoga.fetch("http://test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${app.tenant.workspaceKey}`, ...headers },
        body,
      });
      expect(response.status).toBe(400);
      const answer = await readResponse(response);
      expect(answer.errors?.[0]?.extensions?.code).toBe("EXTENSIONS_TOO_DEEP");
      expect(await countRows(app)).toEqual(before);
    },
  );
});
