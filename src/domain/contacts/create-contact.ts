import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Caller } from "../access/api-keys.js";
import { targetWorkspaceId } from "../access/workspace-access.js";
import { sqlState } from "../database-errors.js";
import { ContactConflictError } from "../errors.js";
import { normalizeCustomFields } from "../rules/custom-fields.js";
import { sortByName } from "../rules/tags.js";
import { deriveTimezone } from "../rules/timezone.js";
import { IssueCollector } from "../validation.js";
import { contactUniqueViolation, findContactConflicts } from "./contact-conflicts.js";
import type { ContactFieldsInput } from "./contact-fields.js";
import { normalizeContactFields } from "./contact-fields.js";
import type { ContactRecord } from "./contact-record.js";
import { insertContact, type NewContactRow } from "./contact-writes.js";
import { loadWriteWorkspace } from "./write-workspace.js";

export interface CreateContactInput extends ContactFieldsInput {
  workspaceId?: string | null;
}

/** Checks every rule, then writes the contact, its new tags, links and values, or nothing. */
export async function createContact(
  prisma: PrismaClient,
  caller: Caller,
  input: CreateContactInput,
): Promise<ContactRecord> {
  const issues = new IssueCollector();
  const workspaceId = targetWorkspaceId(caller, input.workspaceId, issues);
  const { values, tagNames } = normalizeContactFields(input, issues);
  const customFields = input.customFields ?? {};
  const workspace = workspaceId
    ? await loadWriteWorkspace(prisma, caller, workspaceId, Object.keys(customFields))
    : undefined;
  const customValues = workspace
    ? normalizeCustomFields(customFields, workspace.variablesByName, "customFields", issues)
    : [];
  issues.throwIfAny();
  if (!workspace) throw new Error("unreachable: a workspace is known once no issue was found");

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
  const inserted = await insertWithRetry(prisma, row);
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
    tags: sortByName(inserted.tags),
    customFields: sortByName(storedValues.map(({ name, value }) => ({ name, value }))),
  };
}

const MAX_ATTEMPTS = 3;

/**
 * Runs the insert again when a concurrent transaction got in the way without making the request
 * wrong: a tag committed meanwhile (NOT NULL on the link, SQLSTATE 23502), or a conflicting contact
 * deleted between the violation and our look-up. A real collision becomes a ContactConflictError.
 */
async function insertWithRetry(prisma: PrismaClient, row: NewContactRow) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await insertContact(prisma, row);
    } catch (error) {
      if (contactUniqueViolation(error)) {
        const conflicts = await findContactConflicts(prisma, row.workspaceId, row);
        if (conflicts.length > 0) throw new ContactConflictError(conflicts);
      } else if (sqlState(error) !== "23502") {
        throw error;
      }
      if (attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
