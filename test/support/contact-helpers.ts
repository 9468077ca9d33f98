import { expect } from "vitest";
import {
  type ContactFieldsFragment,
  CreateContactDocument,
  type CreateContactInput,
  DeleteContactDocument,
} from "./generated/graphql.js";
import { expectTypename, type TestApp } from "./test-app.js";

export type { ContactFieldsFragment as ApiContact };

let sequence = 0;
/**
 * A fresh, valid email and E.164 phone for each call, so tests do not collide on uniqueness. The phone
 * is in the given US area code (212 New York, 415 Los Angeles, 907 Alaska: two zones).
 */
export function fresh(area = "212") {
  sequence += 1;
  return {
    email: `person${sequence}@example.com`,
    phone: `+1${area}555${String(1000 + sequence).padStart(4, "0")}`,
  };
}

/** Sends a createContact (HTTP 200) and returns its result, whichever member of the union it is. */
export async function createContactResult(app: TestApp, input: CreateContactInput, key = app.tenant.workspaceKey) {
  const response = await app.graphql(key, CreateContactDocument, { input });
  expect(response.status).toBe(200);
  return response.data.createContact;
}

/** Creates a contact through the API (it must succeed) and returns it as the API does. */
export async function createContact(
  app: TestApp,
  input: CreateContactInput,
  key = app.tenant.workspaceKey,
): Promise<ContactFieldsFragment> {
  return expectTypename(await createContactResult(app, input, key), "CreateContactSuccess").contact;
}

/** Soft-deletes a contact through the API (it must succeed). */
export async function deleteContact(app: TestApp, id: string, key = app.tenant.accountKey) {
  const response = await app.graphql(key, DeleteContactDocument, { id });
  expect(response.data.deleteContact).toEqual({ __typename: "DeleteContactSuccess", deletedContactId: id });
}

/** The contact as the API returns it, with tags as a list of names. */
export function shape<Contact extends { tags: { name: string }[] }>(
  contact: Contact,
): Omit<Contact, "tags"> & { tags: string[] } {
  return { ...contact, tags: contact.tags.map((tag) => tag.name) };
}

/** A contact shaped (tags as names), the form storedContact compares with. */
export type ShapedContact = ReturnType<typeof shape<ContactFieldsFragment>>;

/** Creates a contact through the API (it must succeed) and returns it shaped. */
export async function createContactThroughApi(app: TestApp, input: CreateContactInput, key = app.tenant.workspaceKey) {
  return shape(await createContact(app, input, key));
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

/** A ValidationError's issues, each as its path and code. */
export function issuesOf(result: { issues: { path: string[]; code: string }[] }) {
  return result.issues.map(({ path, code }) => ({ path, code }));
}
