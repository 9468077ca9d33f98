import type { PrismaClient } from "../generated/prisma/client.js";
import { runStatement } from "../storage/sql-statements.js";
import { type ContactRecord, type ContactRow, contactRecordFromRow } from "./contact-record.js";

type ScalarField = "firstName" | "lastName" | "email" | "phone" | "timezone";

export interface ContactChanges {
  workspaceId: string;
  /** The live contact to change: by id, or the one holding this phone (first) or else this email. */
  target: { contactId: string } | { phone: string | null; email: string | null };
  /** Scalar fields given: absent = leave, null = clear, string = set. */
  values: { [K in ScalarField]?: string | null };
  /** Fill only what is empty: never change a stored field or custom value. */
  preserveExisting: boolean;
  addTagNames: string[];
  removeTagNames: string[];
  /** Custom values to write (null clears the key). */
  customValues: { customVariableId: string; name: string; value: string | null }[];
}

/**
 * Finds and changes a live contact in one SQL statement (one transaction, one round trip): its
 * fields, new tags and links, removed links, custom values set or cleared, and returns the contact
 * as it now is. Null when no live contact is targeted. Tags are added by computed id and unique
 * violations surface as in `insertContact`.
 *
 * Every part of one statement reads the same snapshot, so the returned tags and values are worked
 * out from the stored ones and the changes, by the same rules as the writes: removed names leave,
 * added tags join; a cleared value leaves, a set value replaces the stored one unless
 * `preserveExisting` keeps it. The SQL: prisma/sql/updateContact.sql.
 */
export async function updateContactRow(prisma: PrismaClient, changes: ContactChanges): Promise<ContactRecord | null> {
  const { values, preserveExisting: preserve, workspaceId } = changes;
  const given = (key: ScalarField) => key in values;
  const value = (key: ScalarField) => values[key] ?? null;
  const byId = "contactId" in changes.target ? changes.target.contactId : null;
  const matchPhone = "contactId" in changes.target ? null : changes.target.phone;
  const matchEmail = "contactId" in changes.target ? null : changes.target.email;
  const removeTagNames = changes.removeTagNames;
  // A name in both lists ends up removed.
  const addTagNames = changes.addTagNames.filter((name) => !removeTagNames.includes(name));
  const toSet = changes.customValues.filter((entry) => entry.value !== null);
  const setIds = toSet.map((entry) => entry.customVariableId);
  const setNames = toSet.map((entry) => entry.name);
  const setValues = toSet.map((entry) => entry.value as string);
  // In fill-only mode a null never clears anything.
  const clearIds = preserve
    ? []
    : changes.customValues.filter((entry) => entry.value === null).map((entry) => entry.customVariableId);
  const scalars: ScalarField[] = ["firstName", "lastName", "email", "phone", "timezone"];
  const [row] = await runStatement<ContactRow>(prisma, "updateContact", [
    workspaceId,
    byId,
    matchPhone,
    matchEmail,
    preserve,
    ...scalars.map(given),
    ...scalars.map(value),
    addTagNames,
    removeTagNames,
    setIds,
    setNames,
    setValues,
    clearIds,
  ]);
  return row ? contactRecordFromRow(row) : null;
}
