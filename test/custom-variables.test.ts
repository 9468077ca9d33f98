import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContact, deleteContact } from "./support/contact-helpers.js";
import {
  ContactCustomFieldsDocument,
  ContactsCustomFieldsDocument,
  CreateContactDocument,
  type CreateContactInput,
  CreateCustomVariableDocument,
  type CreateCustomVariableInput,
  CustomVariablesDocument,
  DeleteCustomVariableDocument,
  RenameCustomVariableDocument,
} from "./support/generated/graphql.js";
import { expectData, expectTypename, startTestApp, type Tenant, type TestApp } from "./support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const FORBIDDEN = { __typename: "ForbiddenError", message: "This API key may not access that workspace" };
const NOT_FOUND = { __typename: "NotFoundError", message: "Custom variable not found" };
const UNKNOWN_ID = "7c0a4a52-0000-4000-8000-000000000000";

let tenantSequence = 0;
function freshTenant(): Promise<Tenant> {
  tenantSequence += 1;
  return app.makeTenant(`Variables ${tenantSequence}`);
}

async function createVariable(key: string, input: CreateCustomVariableInput) {
  return (await expectData(app.graphql(key, CreateCustomVariableDocument, { input }))).createCustomVariable;
}

/** Creates a variable that must succeed; returns it. */
async function defined(key: string, input: CreateCustomVariableInput) {
  return expectTypename(await createVariable(key, input), "CreateCustomVariableSuccess").customVariable;
}

async function listVariables(key: string, workspaceId?: string) {
  return (await expectData(app.graphql(key, CustomVariablesDocument, { workspaceId }))).customVariables;
}

async function rename(key: string, id: string, name: string) {
  return (await expectData(app.graphql(key, RenameCustomVariableDocument, { id, name }))).renameCustomVariable;
}

/** A rename that must succeed: the variable it returns. */
async function renamed(key: string, id: string, name: string) {
  return expectTypename(await rename(key, id, name), "RenameCustomVariableSuccess").customVariable;
}

async function remove(key: string, id: string) {
  return (await expectData(app.graphql(key, DeleteCustomVariableDocument, { id }))).deleteCustomVariable;
}

/** A contact create that must succeed: the contact. */
const created = (key: string, input: CreateContactInput) => createContact(app, input, key);

/** The createContact result, whichever member of the union it is. */
async function attemptContact(key: string, input: CreateContactInput) {
  return (await app.graphql(key, CreateContactDocument, { input })).data.createContact;
}

async function customFieldsOf(key: string, contactId: string) {
  const response = await app.graphql(key, ContactCustomFieldsDocument, { id: contactId });
  expect(response.errors).toBeUndefined();
  return response.data.contact?.customFields;
}

const variableCount = () => app.db.prisma.customVariable.count();
const storedName = async (id: string) =>
  (await app.db.prisma.customVariable.findFirst({ where: { id }, select: { name: true } }))?.name;

describe("createCustomVariable", () => {
  it("a workspace key defines it in its own workspace, name trimmed", async () => {
    const t = await freshTenant();
    const result = await createVariable(t.workspaceKey, { name: "  Lead Source  " });
    expect(result).toEqual({
      __typename: "CreateCustomVariableSuccess",
      customVariable: {
        id: expect.any(String),
        workspaceId: t.workspaceId,
        name: "Lead Source",
        createdAt: expect.any(String),
      },
    });
    const { customVariable } = expectTypename(result, "CreateCustomVariableSuccess");
    expect(customVariable.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(customVariable.createdAt)).not.toBeNaN();
    expect(await storedName(customVariable.id)).toBe("Lead Source");
  });

  it("a workspace key may name its own workspace", async () => {
    const t = await freshTenant();
    const variable = await defined(t.workspaceKey, { workspaceId: t.workspaceId.toUpperCase(), name: "Own" });
    expect(variable.workspaceId).toBe(t.workspaceId);
  });

  it("its name is a customFields key at once", async () => {
    const t = await freshTenant();
    await defined(t.workspaceKey, { name: "Fresh Field" });
    const result = await created(t.workspaceKey, { customFields: { "Fresh Field": 7 } });
    expect(result.customFields).toEqual([{ name: "Fresh Field", value: "7" }]);
  });

  it("an account key defines it in the workspace it names", async () => {
    const t = await freshTenant();
    const inMain = await defined(t.accountKey, { workspaceId: t.workspaceId, name: "Region" });
    const inOther = await defined(t.accountKey, { workspaceId: t.otherWorkspaceId, name: "Region" });
    expect(inMain.workspaceId).toBe(t.workspaceId);
    expect(inOther.workspaceId).toBe(t.otherWorkspaceId);
    expect(inOther.id).not.toBe(inMain.id);
  });

  it("an account key must name a workspace (REQUIRED) and a well-formed one (INVALID_ID)", async () => {
    const t = await freshTenant();
    const before = await variableCount();
    expect(await createVariable(t.accountKey, { name: "Nowhere" })).toEqual({
      __typename: "ValidationError",
      message: "1 input value is invalid",
      issues: [{ path: ["workspaceId"], code: "REQUIRED" }],
    });
    expect(await createVariable(t.accountKey, { workspaceId: null, name: "Nowhere" })).toMatchObject({
      issues: [{ path: ["workspaceId"], code: "REQUIRED" }],
    });
    for (const workspaceId of ["main", "", `${t.workspaceId}x`]) {
      expect(await createVariable(t.accountKey, { workspaceId, name: "Nowhere" })).toMatchObject({
        __typename: "ValidationError",
        issues: [{ path: ["workspaceId"], code: "INVALID_ID" }],
      });
    }
    expect(await createVariable(t.accountKey, { name: "  " })).toMatchObject({
      issues: [
        { path: ["workspaceId"], code: "REQUIRED" },
        { path: ["name"], code: "EMPTY" },
      ],
    });
    expect(await variableCount()).toBe(before);
  });

  it("is forbidden, worded the same, for a workspace the key cannot reach, and writes nothing", async () => {
    const t = await freshTenant();
    const before = await variableCount();
    const cases: [string, string][] = [
      [t.accountKey, app.stranger.workspaceId],
      [app.stranger.accountKey, t.workspaceId],
      [app.stranger.workspaceKey, t.workspaceId],
      [t.workspaceKey, t.otherWorkspaceId],
      [t.workspaceKey, app.stranger.workspaceId],
      [t.accountKey, UNKNOWN_ID],
      [t.workspaceKey, UNKNOWN_ID],
    ];
    for (const [key, workspaceId] of cases) {
      expect(await createVariable(key, { workspaceId, name: "Intruder" })).toEqual(FORBIDDEN);
    }
    expect(await variableCount()).toBe(before);
    expect(await app.db.prisma.customVariable.count({ where: { name: "Intruder" } })).toBe(0);
  });

  it("refuses an empty name and one over 255 characters after trimming", async () => {
    const t = await freshTenant();
    const before = await variableCount();
    for (const name of ["", "   ", "\t\n"]) {
      expect(await createVariable(t.workspaceKey, { name })).toEqual({
        __typename: "ValidationError",
        message: "1 input value is invalid",
        issues: [{ path: ["name"], code: "EMPTY" }],
      });
    }
    expect(await createVariable(t.workspaceKey, { name: "x".repeat(256) })).toMatchObject({
      issues: [{ path: ["name"], code: "TOO_LONG" }],
    });
    expect(await variableCount()).toBe(before);
    const longest = await defined(t.workspaceKey, { name: `  ${"y".repeat(255)}  ` });
    expect(longest.name).toBe("y".repeat(255));
  });

  it("refuses a duplicate name with the existing variable's id, and writes nothing", async () => {
    const t = await freshTenant();
    const first = await defined(t.workspaceKey, { name: "Tier" });
    const before = await variableCount();
    for (const name of ["Tier", "  Tier "]) {
      const result = await createVariable(t.workspaceKey, { name });
      expect(result).toEqual({
        __typename: "CustomVariableConflictError",
        message: expect.stringContaining('"Tier"'),
        existingCustomVariableId: first.id,
      });
    }
    const viaAccount = await createVariable(t.accountKey, { workspaceId: t.workspaceId, name: "Tier" });
    expect(expectTypename(viaAccount, "CustomVariableConflictError").existingCustomVariableId).toBe(first.id);
    expect(await variableCount()).toBe(before);
  });

  it("racing creates of one name end with one variable; the others get the conflict naming it", async () => {
    const t = await freshTenant();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => createVariable(t.workspaceKey, { name: "Raced" })),
    );
    const winners = results.filter((result) => result.__typename === "CreateCustomVariableSuccess");
    expect(winners).toHaveLength(1);
    const winnerId = expectTypename(winners[0], "CreateCustomVariableSuccess").customVariable.id;
    for (const result of results.filter((r) => r !== winners[0])) {
      expect(result).toEqual({
        __typename: "CustomVariableConflictError",
        message: expect.any(String),
        existingCustomVariableId: winnerId,
      });
    }
    expect(await app.db.prisma.customVariable.count({ where: { workspaceId: t.workspaceId, name: "Raced" } })).toBe(1);
  });

  it("is case-sensitive and per workspace: Score and score are two, and another workspace may reuse a name", async () => {
    const t = await freshTenant();
    const upper = await defined(t.workspaceKey, { name: "Score" });
    const lower = await defined(t.workspaceKey, { name: "score" });
    const elsewhere = await defined(t.otherWorkspaceKey, { name: "Score" });
    expect(new Set([upper.id, lower.id, elsewhere.id]).size).toBe(3);
    const contact = await created(t.workspaceKey, { customFields: { Score: 1, score: 2 } });
    expect(contact.customFields).toEqual([
      { name: "Score", value: "1" },
      { name: "score", value: "2" },
    ]);
  });
});

describe("customVariables", () => {
  let t: Tenant;
  let s: Tenant;

  beforeAll(async () => {
    t = await freshTenant();
    s = await freshTenant();
    for (const name of ["zeta", "Score", "Alpha", "score", "beta"]) await defined(t.workspaceKey, { name });
    await defined(t.otherWorkspaceKey, { name: "Gamma" });
    await defined(s.workspaceKey, { name: "Stranger Only" });
  });

  it("lists a workspace key's own, sorted case-insensitively then by code unit", async () => {
    const variables = await listVariables(t.workspaceKey);
    expect(names(variables)).toEqual(["Alpha", "beta", "Score", "score", "zeta"]);
    expect(new Set(variables.map((variable) => variable.workspaceId))).toEqual(new Set([t.workspaceId]));
    expect(names(await listVariables(t.workspaceKey, t.workspaceId.toUpperCase()))).toEqual(names(variables));
  });

  it("an account key sees every workspace's, or the one it names", async () => {
    expect(names(await listVariables(t.accountKey))).toEqual(["Alpha", "beta", "Gamma", "Score", "score", "zeta"]);
    expect(await listVariables(t.accountKey, t.otherWorkspaceId)).toEqual([
      { id: expect.any(String), workspaceId: t.otherWorkspaceId, name: "Gamma" },
    ]);
    expect(names(await listVariables(t.accountKey, t.workspaceId))).toEqual([
      "Alpha",
      "beta",
      "Score",
      "score",
      "zeta",
    ]);
  });

  it("another account sees none of them", async () => {
    expect(names(await listVariables(s.accountKey))).toEqual(["Stranger Only"]);
    expect(names(await listVariables(s.workspaceKey))).toEqual(["Stranger Only"]);
  });

  it("is empty for a workspace the key cannot reach, an unknown or a malformed one", async () => {
    const cases: [string, string][] = [
      [s.accountKey, t.workspaceId],
      [s.workspaceKey, t.workspaceId],
      [t.accountKey, s.workspaceId],
      [t.workspaceKey, t.otherWorkspaceId],
      [t.otherWorkspaceKey, t.workspaceId],
      [t.accountKey, UNKNOWN_ID],
      [t.accountKey, "main"],
      [t.workspaceKey, ""],
    ];
    for (const [key, workspaceId] of cases) expect(await listVariables(key, workspaceId)).toEqual([]);
  });
});

describe("renameCustomVariable", () => {
  it("keeps the stored values, and the new name is the customFields key at once", async () => {
    const t = await freshTenant();
    const variable = await defined(t.workspaceKey, { name: "Lead Source" });
    await defined(t.workspaceKey, { name: "Budget" });
    const contact = await created(t.workspaceKey, { customFields: { "Lead Source": "Webinar", Budget: 10 } });
    const before = await app.db.prisma.contactCustomValue.findMany({
      orderBy: { value: "asc" },
      where: { contactId: contact.id },
    });

    const result = await rename(t.workspaceKey, variable.id, "  Channel  ");
    expect(result).toEqual({
      __typename: "RenameCustomVariableSuccess",
      customVariable: { id: variable.id, workspaceId: t.workspaceId, name: "Channel", createdAt: expect.any(String) },
    });
    expect(
      await app.db.prisma.contactCustomValue.findMany({
        orderBy: { value: "asc" },
        where: { contactId: contact.id },
      }),
    ).toEqual(before);

    expect(await customFieldsOf(t.workspaceKey, contact.id)).toEqual([
      { name: "Budget", value: "10" },
      { name: "Channel", value: "Webinar" },
    ]);
    const listed = await expectData(app.graphql(t.workspaceKey, ContactsCustomFieldsDocument));
    expect(listed.contacts.edges).toEqual([
      {
        node: {
          id: contact.id,
          customFields: [
            { name: "Budget", value: "10" },
            { name: "Channel", value: "Webinar" },
          ],
        },
      },
    ]);

    const withNewName = await created(t.workspaceKey, { customFields: { Channel: "Ads" } });
    expect(withNewName.customFields).toEqual([{ name: "Channel", value: "Ads" }]);
    const withOldName = await attemptContact(t.workspaceKey, { customFields: { "Lead Source": "Ads" } });
    expect(withOldName).toMatchObject({
      __typename: "ValidationError",
      issues: [{ path: ["customFields", "Lead Source"], code: "UNKNOWN_CUSTOM_FIELD" }],
    });
    expect(names(await listVariables(t.workspaceKey))).toEqual(["Budget", "Channel"]);
  });

  it("an account key renames a variable of any of its workspaces", async () => {
    const t = await freshTenant();
    const variable = await defined(t.otherWorkspaceKey, { name: "Old" });
    expect(await renamed(t.accountKey, variable.id.toUpperCase(), "New")).toMatchObject({
      id: variable.id,
      name: "New",
    });
  });

  it("may change only the case, or keep the same name", async () => {
    const t = await freshTenant();
    const variable = await defined(t.workspaceKey, { name: "Score" });
    expect((await renamed(t.workspaceKey, variable.id, "SCORE")).name).toBe("SCORE");
    expect((await renamed(t.workspaceKey, variable.id, "SCORE")).name).toBe("SCORE");
    // Another variable may take a name that differs only in case.
    const other = await defined(t.workspaceKey, { name: "Other" });
    expect((await renamed(t.workspaceKey, other.id, "score")).name).toBe("score");
    expect(names(await listVariables(t.workspaceKey))).toEqual(["SCORE", "score"]);
  });

  it("refuses a name another variable of the workspace has, and changes nothing", async () => {
    const t = await freshTenant();
    const taken = await defined(t.workspaceKey, { name: "Taken" });
    const variable = await defined(t.workspaceKey, { name: "Mine" });
    const result = await rename(t.workspaceKey, variable.id, " Taken ");
    expect(result).toEqual({
      __typename: "CustomVariableConflictError",
      message: expect.stringContaining('"Taken"'),
      existingCustomVariableId: taken.id,
    });
    expect(await storedName(variable.id)).toBe("Mine");
    expect(await storedName(taken.id)).toBe("Taken");
    // Names are per workspace: another workspace's "Taken" is no conflict.
    const elsewhere = await defined(t.otherWorkspaceKey, { name: "Elsewhere" });
    expect((await rename(t.otherWorkspaceKey, elsewhere.id, "Taken")).__typename).toBe("RenameCustomVariableSuccess");
  });

  it("refuses an empty name and one over 255 characters", async () => {
    const t = await freshTenant();
    const variable = await defined(t.workspaceKey, { name: "Keep" });
    expect(await rename(t.workspaceKey, variable.id, "   ")).toEqual({
      __typename: "ValidationError",
      message: "1 input value is invalid",
      issues: [{ path: ["name"], code: "EMPTY" }],
    });
    expect(await rename(t.workspaceKey, variable.id, "z".repeat(256))).toMatchObject({
      issues: [{ path: ["name"], code: "TOO_LONG" }],
    });
    expect(await storedName(variable.id)).toBe("Keep");
  });

  it("is NotFound for another tenant's variable, another workspace's with a workspace key, an unknown or malformed id", async () => {
    const t = await freshTenant();
    const variable = await defined(t.workspaceKey, { name: "Private" });
    const cases: [string, string][] = [
      [app.stranger.accountKey, variable.id],
      [app.stranger.workspaceKey, variable.id],
      [t.otherWorkspaceKey, variable.id],
      [t.workspaceKey, UNKNOWN_ID],
      [t.workspaceKey, "not-a-uuid"],
      [t.workspaceKey, ""],
    ];
    for (const [key, id] of cases) expect(await rename(key, id, "Hijacked")).toEqual(NOT_FOUND);
    expect(await storedName(variable.id)).toBe("Private");
  });
});

describe("deleteCustomVariable", () => {
  it("removes the variable and every value stored under it", async () => {
    const t = await freshTenant();
    const doomed = await defined(t.workspaceKey, { name: "Doomed" });
    const kept = await defined(t.workspaceKey, { name: "Kept" });
    const first = await created(t.workspaceKey, { customFields: { Doomed: "a", Kept: "b" } });
    const second = await created(t.workspaceKey, { customFields: { Doomed: 1 } });
    const softDeleted = await created(t.workspaceKey, { customFields: { Doomed: "old" } });
    await deleteContact(app, softDeleted.id, t.workspaceKey);
    expect(await app.db.prisma.contactCustomValue.count({ where: { customVariableId: doomed.id } })).toBe(3);

    expect(await remove(t.workspaceKey, doomed.id)).toEqual({
      __typename: "DeleteCustomVariableSuccess",
      deletedCustomVariableId: doomed.id,
    });
    expect(await app.db.prisma.customVariable.count({ where: { id: doomed.id } })).toBe(0);
    expect(await app.db.prisma.contactCustomValue.count({ where: { customVariableId: doomed.id } })).toBe(0);
    expect(await app.db.prisma.contactCustomValue.count({ where: { customVariableId: kept.id } })).toBe(1);

    expect(await customFieldsOf(t.workspaceKey, first.id)).toEqual([{ name: "Kept", value: "b" }]);
    expect(await customFieldsOf(t.workspaceKey, second.id)).toEqual([]);
    expect(names(await listVariables(t.workspaceKey))).toEqual(["Kept"]);
    expect(await attemptContact(t.workspaceKey, { customFields: { Doomed: "x" } })).toMatchObject({
      __typename: "ValidationError",
      issues: [{ path: ["customFields", "Doomed"], code: "UNKNOWN_CUSTOM_FIELD" }],
    });

    // Defining the name again starts empty: no old value comes back.
    await defined(t.workspaceKey, { name: "Doomed" });
    expect(await customFieldsOf(t.workspaceKey, first.id)).toEqual([{ name: "Kept", value: "b" }]);
    expect(await remove(t.workspaceKey, doomed.id)).toEqual(NOT_FOUND);
  });

  it("an account key deletes a variable of any of its workspaces", async () => {
    const t = await freshTenant();
    const variable = await defined(t.otherWorkspaceKey, { name: "Temp" });
    expect((await remove(t.accountKey, variable.id)).__typename).toBe("DeleteCustomVariableSuccess");
    expect(await listVariables(t.accountKey)).toEqual([]);
  });

  it("is NotFound for another tenant's variable, another workspace's with a workspace key, an unknown or malformed id", async () => {
    const t = await freshTenant();
    const variable = await defined(t.workspaceKey, { name: "Guarded" });
    const contact = await created(t.workspaceKey, { customFields: { Guarded: "value" } });
    const cases: [string, string][] = [
      [app.stranger.accountKey, variable.id],
      [app.stranger.workspaceKey, variable.id],
      [t.otherWorkspaceKey, variable.id],
      [t.workspaceKey, UNKNOWN_ID],
      [t.workspaceKey, "not-a-uuid"],
    ];
    for (const [key, id] of cases) expect(await remove(key, id)).toEqual(NOT_FOUND);
    expect(await storedName(variable.id)).toBe("Guarded");
    expect(await customFieldsOf(t.workspaceKey, contact.id)).toEqual([{ name: "Guarded", value: "value" }]);
  });
});

function names(variables: { name: string }[]) {
  return variables.map((variable) => variable.name);
}
