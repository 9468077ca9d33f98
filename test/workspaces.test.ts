import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace } from "../src/access/accounts.js";
import { createContact as createContactIn, deleteContact } from "./support/contact-helpers.js";
import {
  type CreateContactInput,
  TagsDocument,
  UpdateWorkspaceDocument,
  type UpdateWorkspaceInput,
  WorkspaceDocument,
  WorkspacesDocument,
} from "./support/generated/graphql.js";
import { expectData, expectTypename, startTestApp, type Tenant, type TestApp } from "./support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const FORBIDDEN = { __typename: "ForbiddenError", message: "This API key may not access that workspace" };
const UNKNOWN_ID = "5d2e6f70-0000-4000-8000-000000000000";

let tenantSequence = 0;
function freshTenant(): Promise<Tenant> {
  tenantSequence += 1;
  return app.makeTenant(`Team ${tenantSequence}`);
}

const workspace = async (key: string, id?: string | null) =>
  (await expectData(app.graphql(key, WorkspaceDocument, { id }))).workspace;
const workspaces = async (key: string) => (await expectData(app.graphql(key, WorkspacesDocument))).workspaces;
const tags = async (key: string, workspaceId?: string) =>
  (await expectData(app.graphql(key, TagsDocument, { workspaceId }))).tags;
/** The updateWorkspace result, whichever member of the union it is. */
const update = async (key: string, id: string, input: UpdateWorkspaceInput) =>
  (await expectData(app.graphql(key, UpdateWorkspaceDocument, { id, input }))).updateWorkspace;
/** An update that must succeed: the workspace it returns. */
const updated = async (key: string, id: string, input: UpdateWorkspaceInput) =>
  expectTypename(await update(key, id, input), "UpdateWorkspaceSuccess").workspace;

const createContact = (key: string, input: CreateContactInput) => createContactIn(app, input, key);

const stored = (id: string) =>
  app.db.prisma.workspace.findUniqueOrThrow({
    where: { id },
    select: { name: true, defaultTimezone: true, updatedAt: true },
  });

describe("workspace(id)", () => {
  it("a workspace key gets its own workspace, with or without its id", async () => {
    const t = await freshTenant();
    const expected = {
      id: t.workspaceId,
      accountId: t.accountId,
      name: `Team ${tenantSequence} main`,
      defaultTimezone: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    };
    expect(await workspace(t.workspaceKey)).toEqual(expected);
    expect(await workspace(t.workspaceKey, null)).toEqual(expected);
    expect(await workspace(t.workspaceKey, t.workspaceId)).toEqual(expected);
    expect(await workspace(t.workspaceKey, t.workspaceId.toUpperCase())).toEqual(expected);
  });

  it("an account key gets any workspace of its account by id", async () => {
    const t = await freshTenant();
    expect((await workspace(t.accountKey, t.workspaceId))?.id).toBe(t.workspaceId);
    expect(await workspace(t.accountKey, t.otherWorkspaceId)).toMatchObject({
      id: t.otherWorkspaceId,
      accountId: t.accountId,
      name: `Team ${tenantSequence} other`,
    });
  });

  it("is null for another tenant's workspace, another workspace of a workspace key, an unknown or malformed id, or an account key with no id", async () => {
    const t = await freshTenant();
    const cases: [string, string | null][] = [
      [t.accountKey, null],
      [t.accountKey, app.stranger.workspaceId],
      [t.workspaceKey, app.stranger.workspaceId],
      [app.stranger.accountKey, t.workspaceId],
      [app.stranger.workspaceKey, t.workspaceId],
      [t.workspaceKey, t.otherWorkspaceId],
      [t.otherWorkspaceKey, t.workspaceId],
      [t.accountKey, UNKNOWN_ID],
      [t.workspaceKey, UNKNOWN_ID],
      [t.accountKey, "main"],
      [t.workspaceKey, "not-a-uuid"],
      [t.workspaceKey, ""],
    ];
    for (const [key, id] of cases) expect(await workspace(key, id)).toBeNull();
  });
});

describe("workspaces", () => {
  it("an account key gets every workspace of its account, sorted by name", async () => {
    const t = await freshTenant();
    for (const name of ["zeta", "beta", "alpha", "Alpha"]) {
      await createWorkspace(app.db.prisma, { accountId: t.accountId, name });
    }
    const listed = await workspaces(t.accountKey);
    expect(listed.map((w) => w.name)).toEqual([
      "Alpha",
      "alpha",
      "beta",
      `Team ${tenantSequence} main`,
      `Team ${tenantSequence} other`,
      "zeta",
    ]);
    expect(listed.every((w) => w.accountId === t.accountId)).toBe(true);
    expect(listed.map((w) => w.id)).toContain(t.workspaceId);
    expect(listed.map((w) => w.id)).toContain(t.otherWorkspaceId);
  });

  it("a workspace key gets exactly its own", async () => {
    const t = await freshTenant();
    expect((await workspaces(t.workspaceKey)).map((w) => w.id)).toEqual([t.workspaceId]);
    expect((await workspaces(t.otherWorkspaceKey)).map((w) => w.id)).toEqual([t.otherWorkspaceId]);
  });

  it("another account never sees them", async () => {
    const t = await freshTenant();
    const theirs = (await workspaces(app.stranger.accountKey)).map((w) => w.id);
    expect(theirs).toEqual(expect.arrayContaining([app.stranger.workspaceId, app.stranger.otherWorkspaceId]));
    expect(theirs).not.toContain(t.workspaceId);
    expect(theirs).not.toContain(t.otherWorkspaceId);
    expect(theirs).not.toContain(app.tenant.workspaceId);
  });
});

describe("updateWorkspace", () => {
  it("renames a workspace (trimmed) and leaves its default timezone", async () => {
    const t = await freshTenant();
    await update(t.workspaceKey, t.workspaceId, { defaultTimezone: "Asia/Tokyo" });
    const before = await stored(t.workspaceId);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const result = await update(t.workspaceKey, t.workspaceId, { name: "  Sales EMEA  " });
    expect(result).toEqual({
      __typename: "UpdateWorkspaceSuccess",
      workspace: {
        id: t.workspaceId,
        accountId: t.accountId,
        name: "Sales EMEA",
        defaultTimezone: "Asia/Tokyo",
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });
    const { workspace: renamed } = expectTypename(result, "UpdateWorkspaceSuccess");
    expect(Date.parse(renamed.updatedAt)).toBeGreaterThan(before.updatedAt.getTime());
    expect(await workspace(t.workspaceKey)).toEqual(renamed);
    expect(await stored(t.workspaceId)).toMatchObject({ name: "Sales EMEA", defaultTimezone: "Asia/Tokyo" });
  });

  it("an account key updates any workspace of its account, named by id in any case", async () => {
    const t = await freshTenant();
    expect(await updated(t.accountKey, t.otherWorkspaceId.toUpperCase(), { name: "Renamed" })).toMatchObject({
      id: t.otherWorkspaceId,
      name: "Renamed",
    });
    expect((await stored(t.otherWorkspaceId)).name).toBe("Renamed");
  });

  it("sets a default timezone that new contacts without a derivable one get, and null clears it", async () => {
    const t = await freshTenant();
    const set = await updated(t.workspaceKey, t.workspaceId, { defaultTimezone: "Europe/Berlin" });
    expect(set).toMatchObject({ defaultTimezone: "Europe/Berlin", name: `Team ${tenantSequence} main` });
    expect((await createContact(t.workspaceKey, {})).timezone).toBe("Europe/Berlin");
    expect((await createContact(t.workspaceKey, { phone: "+18005550101" })).timezone).toBe("Europe/Berlin");
    expect((await createContact(t.workspaceKey, { phone: "+12125550101" })).timezone).toBe("America/New_York");
    expect((await createContact(t.workspaceKey, { timezone: "UTC" })).timezone).toBe("UTC");
    // The other workspace of the account keeps having no default.
    expect((await createContact(t.otherWorkspaceKey, {})).timezone).toBeNull();

    const cleared = await updated(t.workspaceKey, t.workspaceId, { defaultTimezone: null });
    expect(cleared.defaultTimezone).toBeNull();
    expect((await stored(t.workspaceId)).defaultTimezone).toBeNull();
    expect((await createContact(t.workspaceKey, {})).timezone).toBeNull();
  });

  it("sets name and default timezone together", async () => {
    const t = await freshTenant();
    const result = await updated(t.workspaceKey, t.workspaceId, { name: "Both", defaultTimezone: "US/Eastern" });
    expect(result).toMatchObject({ name: "Both", defaultTimezone: "US/Eastern" });
  });

  it("reports every broken rule and changes nothing", async () => {
    const t = await freshTenant();
    await update(t.workspaceKey, t.workspaceId, { defaultTimezone: "Asia/Tokyo" });
    const before = await stored(t.workspaceId);
    const cases: [string, UpdateWorkspaceInput, { path: string[]; code: string }[]][] = [
      [t.workspaceId, { defaultTimezone: "Mars/Olympus" }, [{ path: ["defaultTimezone"], code: "INVALID_TIMEZONE" }]],
      [
        t.workspaceId,
        { defaultTimezone: "america/new_york" },
        [{ path: ["defaultTimezone"], code: "INVALID_TIMEZONE" }],
      ],
      [t.workspaceId, { defaultTimezone: "" }, [{ path: ["defaultTimezone"], code: "INVALID_TIMEZONE" }]],
      [t.workspaceId, {}, [{ path: [], code: "NO_FIELDS" }]],
      [t.workspaceId, { name: null }, [{ path: ["name"], code: "REQUIRED" }]],
      [t.workspaceId, { name: "" }, [{ path: ["name"], code: "REQUIRED" }]],
      [t.workspaceId, { name: "   " }, [{ path: ["name"], code: "REQUIRED" }]],
      [t.workspaceId, { name: "n".repeat(256) }, [{ path: ["name"], code: "TOO_LONG" }]],
      [
        t.workspaceId,
        { name: " ", defaultTimezone: "Nowhere/City" },
        [
          { path: ["name"], code: "REQUIRED" },
          { path: ["defaultTimezone"], code: "INVALID_TIMEZONE" },
        ],
      ],
      ["not-a-uuid", { name: "Valid" }, [{ path: ["id"], code: "INVALID_ID" }]],
      [`${t.workspaceId}0`, { defaultTimezone: "UTC" }, [{ path: ["id"], code: "INVALID_ID" }]],
    ];
    for (const [id, input, issues] of cases) {
      const result = await update(t.workspaceKey, id, input);
      expect({ input, result }).toEqual({
        input,
        result: { __typename: "ValidationError", message: expect.any(String), issues },
      });
    }
    expect(await stored(t.workspaceId)).toEqual(before);
    expect((await updated(t.workspaceKey, t.workspaceId, { name: "n".repeat(255) })).name).toHaveLength(255);
  });

  it("is forbidden, worded the same, for another tenant's workspace, another workspace of a workspace key, or an unknown one, and changes nothing", async () => {
    const t = await freshTenant();
    const victims = [app.stranger.workspaceId, t.otherWorkspaceId, t.workspaceId];
    const before = await Promise.all(victims.map(stored));
    const cases: [string, string][] = [
      [t.accountKey, app.stranger.workspaceId],
      [t.workspaceKey, app.stranger.workspaceId],
      [t.workspaceKey, t.otherWorkspaceId],
      [app.stranger.accountKey, t.workspaceId],
      [app.stranger.workspaceKey, t.workspaceId],
      [t.accountKey, UNKNOWN_ID],
      [t.workspaceKey, UNKNOWN_ID],
    ];
    for (const [key, id] of cases) {
      expect(await update(key, id, { name: "Hijacked" })).toEqual(FORBIDDEN);
      expect(await update(key, id, { defaultTimezone: "Asia/Tokyo" })).toEqual(FORBIDDEN);
      expect(await update(key, id, { defaultTimezone: null })).toEqual(FORBIDDEN);
    }
    expect(await Promise.all(victims.map(stored))).toEqual(before);
  });
});

describe("tags(workspaceId)", () => {
  let t: Tenant;
  let s: Tenant;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await freshTenant();
    s = await freshTenant();
    const a = await createContact(t.workspaceKey, { tags: ["zeta", "vip", "Alpha", "VIP", "beta"] });
    const b = await createContact(t.otherWorkspaceKey, { tags: ["gamma", "VIP"] });
    for (const tag of [...a.tags]) ids[`main:${tag.name}`] = tag.id;
    for (const tag of [...b.tags]) ids[`other:${tag.name}`] = tag.id;
    await createContact(s.workspaceKey, { tags: ["stranger-tag"] });
  });

  const named = (list: { name: string }[]) => list.map((tag) => tag.name);

  it("a workspace key lists its workspace's tags sorted like a contact's: VIP just before vip", async () => {
    expect(await tags(t.workspaceKey)).toEqual(
      ["Alpha", "beta", "VIP", "vip", "zeta"].map((name) => ({
        id: ids[`main:${name}`],
        workspaceId: t.workspaceId,
        name,
      })),
    );
    expect(named(await tags(t.workspaceKey, t.workspaceId.toUpperCase()))).toEqual([
      "Alpha",
      "beta",
      "VIP",
      "vip",
      "zeta",
    ]);
  });

  it("an account key lists every workspace's tags, or the one it names", async () => {
    const all = await tags(t.accountKey);
    expect(named(all)).toEqual(["Alpha", "beta", "gamma", "VIP", "VIP", "vip", "zeta"]);
    expect(new Set(all.filter((tag) => tag.name === "VIP").map((tag) => tag.workspaceId))).toEqual(
      new Set([t.workspaceId, t.otherWorkspaceId]),
    );
    expect(await tags(t.accountKey, t.otherWorkspaceId)).toEqual([
      { id: ids["other:gamma"], workspaceId: t.otherWorkspaceId, name: "gamma" },
      { id: ids["other:VIP"], workspaceId: t.otherWorkspaceId, name: "VIP" },
    ]);
  });

  it("lists tags whose contacts were deleted too: tags are never removed by a delete", async () => {
    const u = await freshTenant();
    const contact = await createContact(u.workspaceKey, { tags: ["lonely"] });
    await deleteContact(app, contact.id, u.workspaceKey);
    expect(named(await tags(u.workspaceKey))).toEqual(["lonely"]);
  });

  it("another account sees none of them", async () => {
    expect(named(await tags(s.accountKey))).toEqual(["stranger-tag"]);
    expect(named(await tags(s.workspaceKey))).toEqual(["stranger-tag"]);
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
    for (const [key, workspaceId] of cases) expect(await tags(key, workspaceId)).toEqual([]);
  });
});
