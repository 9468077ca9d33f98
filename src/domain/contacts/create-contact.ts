import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Caller } from "../access/api-keys.js";
import { sqlState } from "../database-errors.js";
import { ContactConflictError } from "../errors.js";
import { sortByName } from "../rules/tags.js";
import { deriveTimezone } from "../rules/timezone.js";
import { contactUniqueViolation, findContactConflicts } from "./contact-conflicts.js";
import type { ContactRecord } from "./contact-record.js";
import { insertContact, type NewContactRow } from "./insert-contact-row.js";
import { type PreparedContactWrite, prepareContactWrite, type WorkspaceContactInput } from "./prepare-write.js";

export type CreateContactInput = WorkspaceContactInput;

/** Checks every rule, then writes the contact, its new tags, links and values, or nothing. */
export async function createContact(
  prisma: PrismaClient,
  caller: Caller,
  input: CreateContactInput,
): Promise<ContactRecord> {
  const prepared = await prepareContactWrite(prisma, caller, input);
  return insertPreparedContact(prisma, prepared, { onUniqueViolation: "conflict" });
}

/**
 * Inserts a checked contact. On a unique violation the live holders are looked up: with
 * "conflict" they become a ContactConflictError; with "rethrow" the error goes to the caller (an
 * upsert that lost a race turns it into an update).
 */
export async function insertPreparedContact(
  prisma: PrismaClient,
  { workspace, values, tagNames, customValues }: PreparedContactWrite,
  options: { onUniqueViolation: "conflict" | "rethrow" },
): Promise<ContactRecord> {
  const phone = values.phone ?? null;
  const storedValues = customValues.flatMap(({ customVariableId, name, value }) =>
    value === null ? [] : [{ customVariableId, name, value }],
  );
  const row: NewContactRow = {
    workspaceId: workspace.id,
    firstName: values.firstName ?? null,
    lastName: values.lastName ?? null,
    email: values.email ?? null,
    phone,
    timezone: values.timezone ?? deriveTimezone(phone, workspace.defaultTimezone),
    tagNames,
    customValues: storedValues,
  };
  const inserted = await insertWithRetry(prisma, row, options.onUniqueViolation);
  return {
    id: inserted.id,
    workspaceId: row.workspaceId,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    phone: row.phone,
    timezone: row.timezone,
    createdAt: inserted.createdAt,
    updatedAt: inserted.updatedAt,
    tags: sortByName(inserted.tags.map((tag) => ({ ...tag, workspaceId: row.workspaceId }))),
    customFields: sortByName(storedValues.map(({ name, value }) => ({ name, value }))),
  };
}

const MAX_ATTEMPTS = 3;

/**
 * Runs the insert again when a concurrent transaction got in the way without making the request
 * wrong: a tag committed meanwhile (NOT NULL on the link, SQLSTATE 23502), or a conflicting contact
 * deleted between the violation and our look-up.
 */
async function insertWithRetry(prisma: PrismaClient, row: NewContactRow, onUniqueViolation: "conflict" | "rethrow") {
  for (let attempt = 1; ; attempt++) {
    try {
      return await insertContact(prisma, row);
    } catch (error) {
      if (contactUniqueViolation(error)) {
        if (onUniqueViolation === "rethrow") throw error;
        const conflicts = await findContactConflicts(prisma, row.workspaceId, row);
        if (conflicts.length > 0) throw new ContactConflictError(conflicts);
      } else if (sqlState(error) !== "23502") {
        throw error;
      }
      if (attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
