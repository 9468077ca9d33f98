import type { Caller } from "../access/api-keys.js";
import { targetWorkspaceId } from "../access/workspace-access.js";
import { ForbiddenError } from "../errors/domain-errors.js";
import { checkInput, IssueCollector } from "../errors/validation-issues.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { findContactConflicts, retryUniqueRaces } from "./contact-conflicts.js";
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
  return insertWithRetry(prisma, newContactRow(caller, workspaceId, input.values, input.tagNames, input.customValues));
}

/** The row a create or an upsert that matched nothing inserts. */
export function preparedContactRow(
  caller: Caller,
  { workspace, values, tagNames, customValues }: PreparedContactWrite,
): NewContactRow {
  return newContactRow(caller, workspace.id, values, tagNames, customValues);
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

/** Inserts the row, again when the holder of its email or phone vanished before it could be named. */
function insertWithRetry(prisma: PrismaClient, row: NewContactRow): Promise<ContactRecord> {
  return retryUniqueRaces(
    () => insertContactRow(prisma, row),
    () => findContactConflicts(prisma, row.workspaceId, row),
  );
}

/**
 * One insert: the contact, or a ForbiddenError when the caller may not reach the workspace, or a
 * ValidationFailed naming each custom field the workspace has no variable for. A unique violation
 * is thrown as it is, for the caller's retry to judge.
 */
export async function insertContactRow(prisma: PrismaClient, row: NewContactRow): Promise<ContactRecord> {
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
}
