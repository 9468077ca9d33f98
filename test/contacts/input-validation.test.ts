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

describe("a refused contact input", () => {
  it("lists every field's issue and every custom field's, in order, in one ValidationError", async () => {
    const before = await countRows(app);
    const response = await app.graphql(app.tenant.workspaceKey, CreateContactDocument, {
      input: {
        firstName: "x".repeat(256),
        email: "not-an-address",
        tags: ["ok", "  "],
        // Values the schema's types refuse: an object and a list where a custom value goes.
        customFields: { Nope: unchecked({ nested: true }), Score: unchecked([1]) },
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
    expect(result.issues.map((issue) => [issue.path, issue.code])).toEqual([
      [["customFields", "Nope"], "UNKNOWN_CUSTOM_FIELD"],
    ]);
  });

  it("lists an upsert's missing phone and email after the fields' issues", async () => {
    const response = await app.graphql(app.tenant.workspaceKey, UpsertContactDocument, {
      input: { lastName: "y".repeat(300) },
    });
    const result = expectTypename(response.data.upsertContact, "ValidationError");
    expect(result.issues.map((issue) => [issue.path, issue.code])).toEqual([
      [["lastName"], "TOO_LONG"],
      [["phone"], "REQUIRED"],
      [["email"], "REQUIRED"],
    ]);
  });
});
