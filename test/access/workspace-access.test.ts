import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateContactDocument, type CreateContactInput } from "../support/generated/graphql.js";
import { countRows, expectTypename, startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

/** The createContact result, whichever member of the union it is. */
async function create(key: string, input: CreateContactInput) {
  const response = await app.graphql(key, CreateContactDocument, { input });
  expect(response.status).toBe(200);
  return response.data.createContact;
}

/** The workspace a create that must succeed wrote to. */
async function createdIn(key: string, input: CreateContactInput) {
  return expectTypename(await create(key, input), "CreateContactSuccess").contact.workspaceId;
}

const FORBIDDEN = { __typename: "ForbiddenError", message: "This API key may not access that workspace" };

describe("which workspace a create writes to", () => {
  it("a workspace key writes to its own workspace when workspaceId is left out", async () => {
    expect(await createdIn(app.tenant.workspaceKey, { email: "ws-default@example.com" })).toBe(app.tenant.workspaceId);
  });

  it("a workspace key may name its own workspace", async () => {
    const workspaceId = await createdIn(app.tenant.workspaceKey, {
      workspaceId: app.tenant.workspaceId.toUpperCase(),
      email: "ws-named@example.com",
    });
    expect(workspaceId).toBe(app.tenant.workspaceId);
  });

  it("an account key writes to the workspace it names, any of its account's", async () => {
    const main = await createdIn(app.tenant.accountKey, {
      workspaceId: app.tenant.workspaceId,
      email: "a1@example.com",
    });
    const other = await createdIn(app.tenant.accountKey, {
      workspaceId: app.tenant.otherWorkspaceId,
      email: "a1@example.com",
    });
    expect(main).toBe(app.tenant.workspaceId);
    expect(other).toBe(app.tenant.otherWorkspaceId);
  });

  it("an account key that names no workspace gets a validation issue on workspaceId", async () => {
    const result = expectTypename(
      await create(app.tenant.accountKey, { email: "nowhere@example.com" }),
      "ValidationError",
    );
    expect(result.issues).toEqual([{ path: ["workspaceId"], code: "REQUIRED", message: expect.any(String) }]);
  });

  it("a workspaceId that is not a UUID is a validation issue, reported with the other issues", async () => {
    const result = expectTypename(
      await create(app.tenant.accountKey, { workspaceId: "main", email: "bad" }),
      "ValidationError",
    );
    expect(result.issues.map((issue) => issue.path)).toEqual([["workspaceId"], ["email"]]);
    expect(result.issues[0]?.code).toBe("INVALID_ID");
  });

  it("is forbidden, worded the same, for another account's workspace, another workspace of a workspace key, or none", async () => {
    const before = await countRows(app);
    const cases: [string, string][] = [
      [app.tenant.accountKey, app.stranger.workspaceId],
      [app.tenant.workspaceKey, app.tenant.otherWorkspaceId],
      [app.tenant.workspaceKey, app.stranger.workspaceId],
      [app.tenant.accountKey, "3f1c1d7e-0000-4000-8000-000000000000"],
      [app.tenant.workspaceKey, "3f1c1d7e-0000-4000-8000-000000000000"],
    ];
    for (const [key, workspaceId] of cases) {
      expect(await create(key, { workspaceId, email: "intruder@example.com", tags: ["x"] })).toEqual(FORBIDDEN);
    }
    expect(await countRows(app)).toEqual(before);
  });
});
