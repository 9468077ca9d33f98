import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateContactDocument, UpsertContactDocument } from "../support/generated/graphql.js";
import { countRows, expectTypename, startTestApp, type TestApp, unchecked } from "../support/test-app.js";

// The input types enforce the field rules; a refused input still gets one ValidationError that
// lists every broken rule in the order of the input's fields, the custom field names judged by the
// workspace's variables, with the same messages as the rules' own.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await app.defineCustomVariable(app.tenant.workspaceId, "Score");
});
afterAll(() => app?.close());

const pathsAndCodes = (issues: readonly { path: readonly string[]; code: string }[]) =>
  issues.map((issue) => [issue.path, issue.code]);

describe("a refused contact input", () => {
  it("lists every field's issue and every custom field's, in order, in one ValidationError", async () => {
    const before = await countRows(app);
    const response = await app.graphql(app.tenant.workspaceKey, CreateContactDocument, {
      input: {
        firstName: "x".repeat(256),
        email: "not-an-address",
        tags: ["ok", "  "],
        customFields: unchecked({ Nope: { nested: true }, Score: [1] }),
      },
    });
    const result = expectTypename(response.data.createContact, "ValidationError");
    expect(result.message).toBe("5 input values are invalid");
    expect(result.issues).toEqual([
      {
        path: ["firstName"],
        code: "TOO_LONG",
        message: "firstName must be at most 255 characters after trimming",
      },
      { path: ["email"], code: "INVALID_EMAIL", message: "email must be an address like name@example.com" },
      { path: ["tags", "1"], code: "EMPTY", message: "A tag name must not be empty" },
      {
        path: ["customFields", "Nope"],
        code: "UNKNOWN_CUSTOM_FIELD",
        message: 'This workspace has no custom variable named "Nope"',
      },
      {
        path: ["customFields", "Score"],
        code: "INVALID_VALUE_TYPE",
        message: "A custom value must be a string, a number, a boolean or null",
      },
    ]);
    expect(await countRows(app)).toEqual(before);
  });

  it("reports an unknown custom field once the other fields pass", async () => {
    const response = await app.graphql(app.tenant.workspaceKey, CreateContactDocument, {
      input: { firstName: "Ada", customFields: { Score: 1, Nope: 2 } },
    });
    const result = expectTypename(response.data.createContact, "ValidationError");
    expect(pathsAndCodes(result.issues)).toEqual([[["customFields", "Nope"], "UNKNOWN_CUSTOM_FIELD"]]);
  });

  it("lists an upsert's missing phone and email after the fields' issues", async () => {
    const response = await app.graphql(app.tenant.workspaceKey, UpsertContactDocument, {
      input: { lastName: "y".repeat(300) },
    });
    const result = expectTypename(response.data.upsertContact, "ValidationError");
    expect(pathsAndCodes(result.issues)).toEqual([
      [["lastName"], "TOO_LONG"],
      [["phone"], "REQUIRED"],
      [["email"], "REQUIRED"],
    ]);
  });

  // A workspace that is malformed or not named cannot judge custom field names, but every rule the
  // input alone decides is still listed, custom values' included.
  it("lists a malformed workspaceId with every other field's issue, custom values' included", async () => {
    const before = await countRows(app);
    const input = { workspaceId: "not-a-uuid", email: "nope", customFields: unchecked({ Score: [1] }) };
    const created = await app.graphql(app.tenant.accountKey, CreateContactDocument, { input });
    const upserted = await app.graphql(app.tenant.accountKey, UpsertContactDocument, { input });
    for (const result of [
      expectTypename(created.data.createContact, "ValidationError"),
      expectTypename(upserted.data.upsertContact, "ValidationError"),
    ]) {
      expect(pathsAndCodes(result.issues)).toEqual([
        [["workspaceId"], "INVALID_ID"],
        [["email"], "INVALID_EMAIL"],
        [["customFields", "Score"], "INVALID_VALUE_TYPE"],
      ]);
    }
    expect(await countRows(app)).toEqual(before);
  });

  it("lists a missing workspaceId of an account key with every other field's issue", async () => {
    const before = await countRows(app);
    const response = await app.graphql(app.tenant.accountKey, CreateContactDocument, {
      input: { firstName: "z".repeat(256), customFields: unchecked({ Score: { nested: true } }) },
    });
    const result = expectTypename(response.data.createContact, "ValidationError");
    expect(pathsAndCodes(result.issues)).toEqual([
      [["workspaceId"], "REQUIRED"],
      [["firstName"], "TOO_LONG"],
      [["customFields", "Score"], "INVALID_VALUE_TYPE"],
    ]);
    expect(await countRows(app)).toEqual(before);
  });
});
