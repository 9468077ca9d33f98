import type { Caller } from "../access/api-keys.js";
import { isUuid, targetWorkspaceId, visibleContactWhere } from "../access/workspace-access.js";
import {
  type ContactConflict,
  ContactConflictError,
  type ContactUniqueField,
  ForbiddenError,
  NotFoundError,
} from "../errors/domain-errors.js";
import { checkInput, IssueCollector, type ValidationIssue } from "../errors/validation-issues.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { violatedUniqueIndex } from "../storage/database-errors.js";
import {
  type ContactFieldValues,
  type CreateContactInput,
  createContactInputSchema,
  type ParsedContactFields,
  type ParsedUpdateInput,
  type ParsedUpsertInput,
  type ParsedWorkspaceContactInput,
  type UpdateContactInput,
  type UpsertContactInput,
  type WorkspaceContactInput,
} from "./contact-input.js";
import type { ContactRecord } from "./contact-record.js";
import { insertContact, type NewContactRow } from "./insert-contact-row.js";
import {
  addUnknownCustomField,
  type CustomValueInput,
  type CustomValueText,
  customFieldNames,
  normalizeCustomFields,
  resolveCustomVariables,
} from "./rules/custom-fields.js";
import { timezoneFromPhone } from "./rules/timezone.js";
import { type ContactChanges, updateContactRow } from "./update-contact-row.js";
import { loadWriteWorkspace, type WriteWorkspace } from "./write-workspace.js";

/**
 * The contact write use cases: create, upsert and update. Each takes its input as its GraphQL input
 * type parsed it (the field rules of src/contacts/rules/), or raw from callers outside GraphQL (tests)
 * through the same schema; then checks what needs the workspace, writes in one statement, and maps
 * a unique violation to a ConflictError (or, when nobody holds the value any more, tries again).
 */

export type { CreateContactInput, UpdateContactInput, UpsertContactInput };

// ---- validate: what a write checks beyond its input type ------------------------------------

interface PreparedContactWrite extends Omit<ParsedContactFields, "customValues"> {
  workspace: WriteWorkspace;
  customValues: CustomValueInput[];
}

/**
 * What a create or an upsert checks once its fields passed: the target workspace (and the caller's
 * right to it) and the custom field names against that workspace's variables, in one round trip.
 * Every broken rule is thrown together in one ValidationFailed.
 */
async function prepareContactWrite(
  prisma: PrismaClient,
  caller: Caller,
  input: ParsedWorkspaceContactInput,
): Promise<PreparedContactWrite> {
  const issues = new IssueCollector();
  const workspaceId = targetWorkspaceId(caller, input.workspaceId, issues);
  if (!workspaceId) return issues.throwAll();
  const names = input.customValues.map((entry) => entry.name);
  const workspace = await loadWriteWorkspace(prisma, caller, workspaceId, names);
  const customValues = resolveCustomVariables(input.customValues, workspace.variablesByName, "customFields", issues);
  issues.throwIfAny();
  return { values: input.values, tagNames: input.tagNames, workspace, customValues };
}

/**
 * Answers a create or an upsert whose input type refused its fields with every broken rule at once,
 * as one ValidationFailed: the workspace's issue first, then the fields'. When the workspace is
 * known and reachable, each custom field is judged again by its variables (an unknown name, else
 * its value's issue); that look-up is the one round trip of a refused write. Otherwise the input
 * type's own custom field issues stand.
 */
export async function rejectWorkspaceContactInput(
  prisma: PrismaClient,
  caller: Caller,
  input: WorkspaceContactInput,
  fieldIssues: readonly ValidationIssue[],
): Promise<never> {
  const issues = new IssueCollector();
  const malformedWorkspaceId = fieldIssues.some((issue) => issue.path[0] === "workspaceId");
  const workspaceId = malformedWorkspaceId ? null : targetWorkspaceId(caller, input.workspaceId, issues);
  if (!workspaceId) {
    issues.addAll(fieldIssues);
    return issues.throwAll();
  }
  const customFields = input.customFields ?? {};
  const workspace = await loadWriteWorkspace(prisma, caller, workspaceId, customFieldNames(customFields));
  judgeRefusedFields(issues, fieldIssues, customFields, workspace);
  return issues.throwAll();
}

/**
 * What a refused input is told once its workspace is known: the input type's issues, but each custom
 * field judged again by the workspace's variables (an unknown name, else its value's issue).
 */
export function judgeRefusedFields(
  issues: IssueCollector,
  fieldIssues: readonly ValidationIssue[],
  customFields: Record<string, unknown>,
  workspace: Pick<WriteWorkspace, "variablesByName">,
): void {
  issues.addAll(fieldIssues.filter((issue) => issue.path[0] !== "customFields"));
  normalizeCustomFields(customFields, workspace.variablesByName, "customFields", issues);
}

// ---- write: create, upsert, update ----------------------------------------------------------

/**
 * A create as callers outside GraphQL (tests) send it: the input through the same schema as
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
function preparedContactRow(
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
    customValues,
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
async function insertContactRow(prisma: PrismaClient, row: NewContactRow): Promise<ContactRecord> {
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

export interface UpsertResult {
  contact: ContactRecord;
  created: boolean;
}

/**
 * Creates or updates the workspace's live contact with this phone (first) or email. A unique
 * violation on the create means another request created it first: the upsert then runs once more
 * and finds it, so racing upserts end with one contact and never a conflict with each other.
 */
export async function upsertParsedContact(
  prisma: PrismaClient,
  caller: Caller,
  input: ParsedUpsertInput,
): Promise<UpsertResult> {
  const prepared = await prepareContactWrite(prisma, caller, input);
  const { timezone, ...otherValues } = prepared.values;
  const changes: ContactChanges = {
    workspaceId: prepared.workspace.id,
    target: { phone: prepared.values.phone ?? null, email: prepared.values.email ?? null },
    // The timezone is never derived on a match: only a given one is applied.
    values: timezone === undefined ? otherValues : prepared.values,
    preserveExisting: input.preserveExisting,
    addTagNames: prepared.tagNames,
    removeTagNames: [],
    customValues: prepared.customValues,
  };
  const row = preparedContactRow(caller, prepared);
  // Which step a unique violation came from: the update of the match, or the insert of a new contact.
  let step: "update" | "insert" = "update";
  return retryUniqueRaces<UpsertResult>(
    async () => {
      step = "update";
      const updated = await updateContactRow(prisma, changes);
      if (updated) return { contact: updated, created: false };
      step = "insert";
      return { contact: await insertContactRow(prisma, row), created: true };
    },
    (lastAttempt) => {
      if (step === "update") return changeConflicts(prisma, changes);
      // The insert lost to a racing twin: the next try updates it. With no try left, the holder is a conflict.
      return lastAttempt ? findContactConflicts(prisma, row.workspaceId, row) : Promise.resolve([]);
    },
  );
}

/**
 * Changes only the fields given: null clears a field or a custom value, a tag list adds, and
 * `removeTags` removes (a tag the contact lacks is ignored). Changing the phone does not re-derive
 * the timezone. Contacts the caller cannot see, deleted ones and malformed ids are not found.
 */
export async function updateParsedContact(
  prisma: PrismaClient,
  caller: Caller,
  id: string,
  input: ParsedUpdateInput,
): Promise<ContactRecord> {
  const current = await findUpdatable(prisma, caller, id);
  const issues = new IssueCollector();
  const names = input.customValues.map((entry) => entry.name);
  const workspace = await loadWriteWorkspace(prisma, caller, current.workspaceId, names);
  const customValues = resolveCustomVariables(input.customValues, workspace.variablesByName, "customFields", issues);
  issues.throwIfAny();

  const contact = await changeContact(prisma, {
    workspaceId: current.workspaceId,
    target: { contactId: current.id },
    values: input.values,
    preserveExisting: false,
    addTagNames: input.tagNames,
    removeTagNames: input.removeTagNames,
    customValues,
  });
  if (!contact) throw new NotFoundError("Contact");
  return contact;
}

/**
 * Answers an update whose input type refused its fields: not found when no such contact is
 * visible, else every broken rule at once, the custom fields judged by its workspace's variables.
 */
export async function rejectUpdateInput(
  prisma: PrismaClient,
  caller: Caller,
  id: string,
  input: UpdateContactInput,
  fieldIssues: readonly ValidationIssue[],
): Promise<never> {
  const current = await findUpdatable(prisma, caller, id);
  const issues = new IssueCollector();
  const customFields = input.customFields ?? {};
  const workspace = await loadWriteWorkspace(prisma, caller, current.workspaceId, customFieldNames(customFields));
  judgeRefusedFields(issues, fieldIssues, customFields, workspace);
  return issues.throwAll();
}

/** The live contact an update addresses, among those the caller sees; not found otherwise. */
async function findUpdatable(prisma: PrismaClient, caller: Caller, id: string) {
  const current = isUuid(id)
    ? await prisma.contact.findFirst({
        where: { AND: [{ id: id.toLowerCase() }, visibleContactWhere(caller)] },
        select: { id: true, workspaceId: true },
      })
    : null;
  if (!current) throw new NotFoundError("Contact");
  return current;
}

/**
 * Applies changes to a live contact and returns it as it now is, or null when no live contact is
 * targeted. A ContactConflictError when the new email or phone is held by another live contact; when
 * the holder was deleted before it could be named, the change runs again.
 */
function changeContact(prisma: PrismaClient, changes: ContactChanges): Promise<ContactRecord | null> {
  return retryUniqueRaces(
    () => updateContactRow(prisma, changes),
    () => changeConflicts(prisma, changes),
  );
}

/** The live contacts, other than the one changed, that hold the email or phone a change gives. */
async function changeConflicts(prisma: PrismaClient, changes: ContactChanges): Promise<ContactConflict[]> {
  return findContactConflicts(
    prisma,
    changes.workspaceId,
    { email: changes.values.email ?? null, phone: changes.values.phone ?? null },
    (await targetedContactId(prisma, changes)) ?? undefined,
  );
}

/** The live contact a change targets (same rule as the update statement): by id, else phone, else email. */
async function targetedContactId(prisma: PrismaClient, { workspaceId, target }: ContactChanges) {
  if ("contactId" in target) return target.contactId;
  const candidates = await prisma.contact.findMany({
    where: {
      workspaceId,
      deletedAt: null,
      OR: [...(target.phone ? [{ phone: target.phone }] : []), ...(target.email ? [{ email: target.email }] : [])],
    },
    select: { id: true, phone: true },
  });
  return (candidates.find((candidate) => candidate.phone === target.phone) ?? candidates[0])?.id ?? null;
}

// ---- a unique violation: a conflict, or a race to run again ---------------------------------

/** The partial unique indexes that keep email and phone unique among a workspace's live contacts. */
const CONTACT_UNIQUE_INDEXES = [
  { name: "contacts_live_email_key", columns: ["workspace_id", "email"], field: "EMAIL" },
  { name: "contacts_live_phone_key", columns: ["workspace_id", "phone"], field: "PHONE" },
] as const;

/** The field (EMAIL or PHONE) whose live uniqueness an error broke, if it is such an error. */
export function contactUniqueViolation(error: unknown): ContactUniqueField | undefined {
  return violatedUniqueIndex(error, CONTACT_UNIQUE_INDEXES)?.field;
}

/** Every live contact of the workspace, other than `exceptId`, that holds the given email or phone. */
async function findContactConflicts(
  prisma: PrismaClient | Prisma.TransactionClient,
  workspaceId: string,
  values: { email: string | null; phone: string | null },
  exceptId?: string,
): Promise<ContactConflict[]> {
  const matches: Prisma.ContactWhereInput[] = [];
  if (values.email) matches.push({ email: values.email });
  if (values.phone) matches.push({ phone: values.phone });
  if (matches.length === 0) return [];
  const holders = await prisma.contact.findMany({
    where: { workspaceId, deletedAt: null, OR: matches, ...(exceptId ? { id: { not: exceptId } } : {}) },
    select: { id: true, email: true, phone: true },
  });
  const conflicts: ContactConflict[] = [];
  const emailHolder = values.email ? holders.find((holder) => holder.email === values.email) : undefined;
  if (emailHolder) conflicts.push({ field: "EMAIL", existingContactId: emailHolder.id });
  const phoneHolder = values.phone ? holders.find((holder) => holder.phone === values.phone) : undefined;
  if (phoneHolder) conflicts.push({ field: "PHONE", existingContactId: phoneHolder.id });
  return conflicts;
}

const MAX_ATTEMPTS = 3;

/**
 * Runs a contact write, and again (at most MAX_ATTEMPTS tries in all) when a unique index refused
 * it but no live contact is left to blame: the holder was deleted in between, or a racing twin won
 * and the next try finds it. After a refusal, `holders(lastAttempt)` names the live contacts that
 * hold the value; any holder makes the answer a ContactConflictError.
 */
async function retryUniqueRaces<T>(
  write: () => Promise<T>,
  holders: (lastAttempt: boolean) => Promise<ContactConflict[]>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const lastAttempt = attempt >= MAX_ATTEMPTS;
    try {
      return await write();
    } catch (error) {
      if (!contactUniqueViolation(error)) throw error;
      const conflicts = await holders(lastAttempt);
      if (conflicts.length > 0) throw new ContactConflictError(conflicts);
      if (lastAttempt) throw error;
    }
  }
}
