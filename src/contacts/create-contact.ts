import type { Caller } from "../access/api-keys.js";
import { targetWorkspaceId } from "../access/workspace-access.js";
import { ContactConflictError, ForbiddenError } from "../errors/domain-errors.js";
import { checkInput, IssueCollector } from "../errors/validation-issues.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { contactUniqueViolation, findContactConflicts } from "./contact-conflicts.js";
import {
  type ContactFieldValues,
  type CreateContactInput,
  createContactInputSchema,
  type ParsedWorkspaceContactInput,
} from "./contact-input.js";
import type { ContactRecord } from "./contact-record.js";
import { insertContact, type NewContactRow } from "./insert-contact-row.js";
import { type PreparedContactWrite, rejectWorkspaceContactInput } from "./prepare-write.js";
import { addUnknownCustomField, type CustomValueText } from "./rules/custom-fields.js";
import { timezoneFromPhone } from "./rules/timezone.js";

export type { CreateContactInput };

/**
 * A create as the command line and the tests send it: the input through the same schema as
 * CreateContactInput, then written, or refused with every broken rule.
 */
export async function createContact(
  prisma: PrismaClient,
  caller: Caller,
  input: CreateContactInput,
): Promise<ContactRecord> {
  const checked = checkInput(createContactInputSchema, input);
  if (checked.issues) return rejectWorkspaceContactInput(prisma, caller, input, checked.issues);
  return createParsedContact(prisma, caller, checked.value);
}

/**
 * Writes a contact whose fields passed their rules: the contact, its new tags, links and values, or
 * nothing. The workspace and the custom field names are checked by the insert statement itself, so
 * a create is one round trip.
 */
export async function createParsedContact(
  prisma: PrismaClient,
  caller: Caller,
  input: ParsedWorkspaceContactInput,
): Promise<ContactRecord> {
  const issues = new IssueCollector();
  const workspaceId = targetWorkspaceId(caller, input.workspaceId, issues);
  if (!workspaceId) return issues.throwAll();
  return insertWithRetry(
    prisma,
    newContactRow(caller, workspaceId, input.values, input.tagNames, input.customValues),
    "conflict",
  );
}

/**
 * Inserts a contact whose input has been checked. On a unique violation the live holders are
 * looked up: with "conflict" they become a ContactConflictError; with "rethrow" the error goes to
 * the caller (an upsert that lost a race turns it into an update).
 */
export function insertPreparedContact(
  prisma: PrismaClient,
  caller: Caller,
  { workspace, values, tagNames, customValues }: PreparedContactWrite,
  options: { onUniqueViolation: "conflict" | "rethrow" },
): Promise<ContactRecord> {
  return insertWithRetry(
    prisma,
    newContactRow(caller, workspace.id, values, tagNames, customValues),
    options.onUniqueViolation,
  );
}

/** The row a create inserts: given values, the timezone given or derived from the phone. */
function newContactRow(
  caller: Caller,
  workspaceId: string,
  values: ContactFieldValues,
  tagNames: string[],
  customValues: readonly CustomValueText[],
): NewContactRow {
  const phone = values.phone ?? null;
  return {
    workspaceId,
    accountId: caller.accountId,
    callerWorkspaceId: caller.workspaceId,
    firstName: values.firstName ?? null,
    lastName: values.lastName ?? null,
    email: values.email ?? null,
    phone,
    // The workspace default, when this is null, is applied by the insert statement.
    timezone: values.timezone ?? timezoneFromPhone(phone),
    tagNames,
    customValues: customValues.map(({ name, value }) => ({ name, value })),
  };
}

const MAX_ATTEMPTS = 3;

/**
 * Runs the insert again when a concurrent transaction got in the way without making the request
 * wrong: the contact that held the email or phone was deleted between the violation and our look-up.
 */
async function insertWithRetry(
  prisma: PrismaClient,
  row: NewContactRow,
  onUniqueViolation: "conflict" | "rethrow",
): Promise<ContactRecord> {
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await insertContact(prisma, row);
      if (outcome.kind === "forbidden") throw new ForbiddenError();
      if (outcome.kind === "unknown-custom-fields") {
        const issues = new IssueCollector();
        const unknown = new Set(outcome.names);
        for (const { name } of row.customValues) {
          if (unknown.has(name)) addUnknownCustomField(issues, "customFields", name);
        }
        issues.throwIfAny();
      }
      if (outcome.kind !== "inserted") throw new Error("The contact insert wrote nothing and said no reason");
      return outcome.contact;
    } catch (error) {
      if (!contactUniqueViolation(error) || onUniqueViolation === "rethrow") throw error;
      const conflicts = await findContactConflicts(prisma, row.workspaceId, row);
      if (conflicts.length > 0) throw new ContactConflictError(conflicts);
      if (attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
