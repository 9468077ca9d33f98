import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CREATE_CONTACT, countRows, startTestApp, type TestApp } from "../support/test-app.js";

// The input types enforce the field rules; a refused input still gets one ValidationError that
// lists every broken rule in the order of the input's fields, the custom field names judged by the
// workspace's variables, with the same messages as the rules' own.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await app.defineCustomVariable(app.tenant.workspaceId, "Score");
});
afterAll(() => app?.close());

const UPSERT = /* GraphQL */ `
  mutation Upsert($input: UpsertContactInput!) {
    upsertContact(input: $input) { __typename ... on ValidationError { message issues { path code message } } }
  }
`;

describe("a refused contact input", () => {
  it("lists every field's issue and every custom field's, in order, in one ValidationError", async () => {
    const before = await countRows(app);
    const response = await app.graphql(app.tenant.workspaceKey, CREATE_CONTACT, {
      input: {
        firstName: "x".repeat(256),
        email: "not-an-address",
        tags: ["ok", "  "],
        customFields: { Nope: { nested: true }, Score: [1] },
      },
    });
    const result = response.body.data?.createContact;
    expect(result.__typename).toBe("ValidationError");
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
    const response = await app.graphql(app.tenant.workspaceKey, CREATE_CONTACT, {
      input: { firstName: "Ada", customFields: { Score: 1, Nope: 2 } },
    });
    const result = response.body.data?.createContact;
    expect(result.issues.map((issue: { path: string[]; code: string }) => [issue.path, issue.code])).toEqual([
      [["customFields", "Nope"], "UNKNOWN_CUSTOM_FIELD"],
    ]);
  });

  it("lists an upsert's missing phone and email after the fields' issues", async () => {
    const response = await app.graphql(app.tenant.workspaceKey, UPSERT, { input: { lastName: "y".repeat(300) } });
    const result = response.body.data?.upsertContact;
    expect(result.__typename).toBe("ValidationError");
    expect(result.issues.map((issue: { path: string[]; code: string }) => [issue.path, issue.code])).toEqual([
      [["lastName"], "TOO_LONG"],
      [["phone"], "REQUIRED"],
      [["email"], "REQUIRED"],
    ]);
  });
});
