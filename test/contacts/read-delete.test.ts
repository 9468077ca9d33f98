import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContact, deleteContact } from "../support/contact-helpers.js";
import { ContactDocument, type CreateContactInput, DeleteContactDocument } from "../support/generated/graphql.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const createIn = (key: string, input: CreateContactInput) => createContact(app, input, key);

async function read(key: string, id: string) {
  const response = await app.graphql(key, ContactDocument, { id });
  expect(response.status).toBe(200);
  expect(response.errors).toBeUndefined();
  return response.data.contact;
}

describe("contact(id)", () => {
  it("returns a live contact with its tags and custom values sorted", async () => {
    await app.defineCustomVariable(app.tenant.workspaceId, "b-field");
    await app.defineCustomVariable(app.tenant.workspaceId, "A-field");
    const created = await createIn(app.tenant.workspaceKey, {
      email: "read@example.com",
      tags: ["zeta", "Alpha", "beta"],
      customFields: { "b-field": 1, "A-field": 2 },
    });
    expect(await read(app.tenant.workspaceKey, created.id)).toEqual({
      id: created.id,
      workspaceId: app.tenant.workspaceId,
      email: "read@example.com",
      tags: [{ name: "Alpha" }, { name: "beta" }, { name: "zeta" }],
      customFields: [
        { name: "A-field", value: "2" },
        { name: "b-field", value: "1" },
      ],
    });
  });

  it("an account key sees the contacts of all its workspaces", async () => {
    const inOther = await createIn(app.tenant.otherWorkspaceKey, { email: "other-ws@example.com" });
    expect((await read(app.tenant.accountKey, inOther.id))?.id).toBe(inOther.id);
  });

  it("is null for another tenant's contact, another workspace of a workspace key, an unknown or a malformed id", async () => {
    const mine = await createIn(app.tenant.workspaceKey, { email: "private@example.com" });
    const inOther = await createIn(app.tenant.otherWorkspaceKey, { email: "private@example.com" });
    expect(await read(app.stranger.accountKey, mine.id)).toBeNull();
    expect(await read(app.stranger.workspaceKey, mine.id)).toBeNull();
    expect(await read(app.tenant.workspaceKey, inOther.id)).toBeNull();
    expect(await read(app.tenant.workspaceKey, "9b2f3c4d-0000-4000-8000-000000000000")).toBeNull();
    expect(await read(app.tenant.workspaceKey, "not-a-uuid")).toBeNull();
    expect(await read(app.tenant.workspaceKey, "")).toBeNull();
  });
});

describe("deleteContact", () => {
  it("soft-deletes: the contact leaves reads but keeps its data", async () => {
    const contact = await createIn(app.tenant.workspaceKey, { email: "gone@example.com", tags: ["kept"] });
    const response = await app.graphql(app.tenant.workspaceKey, DeleteContactDocument, { id: contact.id });
    expect(response.data.deleteContact).toEqual({
      __typename: "DeleteContactSuccess",
      deletedContactId: contact.id,
    });
    expect(await read(app.tenant.workspaceKey, contact.id)).toBeNull();
    expect(await read(app.tenant.accountKey, contact.id)).toBeNull();
    const stored = await app.db.prisma.contact.findFirst({ where: { id: contact.id }, include: { tags: true } });
    expect(stored?.email).toBe("gone@example.com");
    expect(stored?.deletedAt).toBeInstanceOf(Date);
    expect(stored?.tags).toHaveLength(1);
  });

  it("frees the email and phone for a new contact", async () => {
    const values = { email: "reuse@example.com", phone: "+12125550177" };
    const first = await createIn(app.tenant.workspaceKey, values);
    await deleteContact(app, first.id, app.tenant.workspaceKey);
    const second = await createIn(app.tenant.workspaceKey, values);
    expect(second.id).not.toBe(first.id);
  });

  it("is NotFound for a deleted contact, an unknown or malformed id, or another tenant's contact", async () => {
    const contact = await createIn(app.tenant.workspaceKey, { email: "twice@example.com" });
    await deleteContact(app, contact.id, app.tenant.workspaceKey);
    const mine = await createIn(app.tenant.workspaceKey, { email: "mine@example.com" });
    const cases: [string, string][] = [
      [app.tenant.workspaceKey, contact.id],
      [app.tenant.workspaceKey, "9b2f3c4d-0000-4000-8000-000000000000"],
      [app.tenant.workspaceKey, "nope"],
      [app.stranger.accountKey, mine.id],
      [app.tenant.otherWorkspaceKey, mine.id],
    ];
    for (const [key, id] of cases) {
      const response = await app.graphql(key, DeleteContactDocument, { id });
      expect(response.data.deleteContact).toEqual({ __typename: "NotFoundError", message: "Contact not found" });
    }
    expect(await read(app.tenant.workspaceKey, mine.id)).not.toBeNull();
  });
});
