import { expect } from "vitest";
import { CREATE_CONTACT, type TestApp } from "./test-app.js";

const DELETE = `mutation($id: ID!) { deleteContact(id: $id) { __typename } }`;

/** The contact as the API returns it, with tags as a list of names. */
export function shape(contact: any) {
  return { ...contact, tags: contact.tags.map((tag: { name: string }) => tag.name) };
}

/** Creates a contact through the API (it must succeed) and returns it shaped. */
export async function createContactThroughApi(
  app: TestApp,
  input: Record<string, unknown>,
  key = app.tenant.workspaceKey,
) {
  const response = await app.graphql(key, CREATE_CONTACT, { input });
  const result = response.body.data?.createContact;
  expect(result.__typename).toBe("CreateContactSuccess");
  return shape(result.contact);
}

/** Soft-deletes a contact through the API (it must succeed). */
export async function deleteContactThroughApi(app: TestApp, id: string) {
  const response = await app.graphql(app.tenant.accountKey, DELETE, { id });
  expect(response.body.data?.deleteContact.__typename).toBe("DeleteContactSuccess");
}

/** The spec's order of names, written out independently of the server's. */
export function byName(a: string, b: string) {
  return a.localeCompare(b, "en", { sensitivity: "base" }) || (a < b ? -1 : a > b ? 1 : 0);
}

/** What the database holds for a contact (deleted or not), in the shape the API returns plus deletedAt. */
export async function storedContact(app: TestApp, id: string) {
  const row = await app.db.prisma.contact.findFirstOrThrow({
    where: { id },
    include: { tags: { include: { tag: true } }, customValues: { include: { customVariable: true } } },
  });
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    phone: row.phone,
    timezone: row.timezone,
    tags: row.tags.map((link) => link.tag.name).sort(byName),
    customFields: row.customValues
      .map((value) => ({ name: value.customVariable.name, value: value.value }))
      .sort((a, b) => byName(a.name, b.name)),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

/** Lets the clock move on, so that a changed updatedAt is visibly later (timestamps have millisecond precision). */
export const tick = () => new Promise((resolve) => setTimeout(resolve, 15));

export function issuesOf(result: any) {
  return result.issues.map(({ path, code }: { path: string[]; code: string }) => ({ path, code }));
}
