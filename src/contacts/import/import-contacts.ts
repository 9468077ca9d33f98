import type { Caller } from "../../access/api-keys.js";
import { targetWorkspaceId } from "../../access/workspace-access.js";
import { DEFAULT_IMPORT_MAX_ROWS } from "../../config.js";
import { ContactConflictError, ValidationFailed } from "../../errors/domain-errors.js";
import { checkInput, IssueCollector } from "../../errors/validation-issues.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { isDeadlock } from "../../storage/database-errors.js";
import { type ContactFieldsInput, createContactInputSchema, upsertContactInputSchema } from "../contact-input.js";
import type { ContactRecord } from "../contact-record.js";
import {
  contactUniqueViolation,
  createParsedContact,
  judgeRefusedFields,
  upsertParsedContact,
} from "../contacts.service.js";
import { resolveCustomVariables } from "../rules/custom-fields.js";
import { sortByName } from "../rules/tags.js";
import type { TagRecord } from "../tags.js";
import { loadWriteWorkspace, type WriteWorkspace } from "../write-workspace.js";
import { type ContactState, type ImportMode, type PlannedRow, planImport } from "./import-plan.js";
import { loadImportMatches, writeImport } from "./import-statements.js";

/**
 * Bulk import: a batch of rows into one workspace, each row answered as a single createContact
 * (CREATE) or upsertContact (UPSERT) of it would have been, had the rows been sent one after another.
 * A row that fails writes nothing and stops no other; the batch fails as a whole only for itself.
 * Three statements whatever the batch's size: the workspace, the contacts the batch can touch, and
 * the write (import-plan.ts works out each row in between).
 */

export { DEFAULT_IMPORT_MAX_ROWS };

export interface ImportContactsRequest {
  workspaceId?: string | null;
  mode: ImportMode;
  /** UPSERT only: fill what is empty, never change a stored value. */
  preserveExisting?: boolean | null;
  contacts: readonly ContactFieldsInput[];
}

export type ImportRowOutcome =
  | { kind: "created"; contact: ContactRecord }
  | { kind: "updated"; contact: ContactRecord }
  | { kind: "invalid"; error: ValidationFailed }
  | { kind: "conflict"; error: ContactConflictError };

export interface ImportContactsResult {
  results: { index: number; outcome: ImportRowOutcome }[];
  createdCount: number;
  updatedCount: number;
  failedCount: number;
}

/** Plans made again when a contact changed, or a racing write took a value, between read and write. */
const PLAN_ATTEMPTS = 3;

/** Throws ValidationFailed or ForbiddenError for the batch as a whole; every row's own failure is its outcome. */
export async function importContacts(
  prisma: PrismaClient,
  caller: Caller,
  request: ImportContactsRequest,
  options: { maxRows?: number } = {},
): Promise<ImportContactsResult> {
  const maxRows = options.maxRows ?? DEFAULT_IMPORT_MAX_ROWS;
  const preserveExisting = request.preserveExisting === true;
  const issues = new IssueCollector();
  const workspaceId = targetWorkspaceId(caller, request.workspaceId, issues);
  if (request.contacts.length === 0) issues.add(["contacts"], "REQUIRED", "An import needs at least one contact");
  if (request.contacts.length > maxRows) {
    issues.add(["contacts"], "TOO_MANY", `At most ${maxRows} contacts per import: split the rest into more batches`);
  }
  if (preserveExisting && request.mode !== "UPSERT") {
    issues.add(["preserveExisting"], "NOT_APPLICABLE", "preserveExisting applies only to mode UPSERT");
  }
  if (!workspaceId) return issues.throwAll();
  issues.throwIfAny();

  const schema = request.mode === "UPSERT" ? upsertContactInputSchema : createContactInputSchema;
  const checked = request.contacts.map((row) => checkInput(schema, rowInput(row)));
  const names = new Set(request.contacts.flatMap((row) => Object.keys(row.customFields ?? {})));
  const workspace = await loadWriteWorkspace(prisma, caller, workspaceId, [...names]);

  const outcomes = new Map<number, ImportRowOutcome>();
  const planned: PlannedRow[] = [];
  checked.forEach((result, index) => {
    const rowIssues = new IssueCollector();
    if (result.issues) {
      judgeRefusedFields(rowIssues, result.issues, request.contacts[index]?.customFields ?? {}, workspace);
    } else {
      const { values, tagNames } = result.value;
      const customValues = resolveCustomVariables(
        result.value.customValues,
        workspace.variablesByName,
        "customFields",
        rowIssues,
      );
      if (!rowIssues.failure()) planned.push({ index, values, tagNames, customValues });
    }
    const failure = rowIssues.failure();
    if (failure) outcomes.set(index, { kind: "invalid", error: failure });
  });

  const written =
    (await writeBatch(prisma, workspace, planned, request.mode, preserveExisting)) ??
    (await writeOneByOne(prisma, caller, workspace, planned, request.mode, preserveExisting));
  for (const [index, outcome] of written) outcomes.set(index, outcome);

  const results = request.contacts.map((_, index) => {
    const outcome = outcomes.get(index);
    if (!outcome) throw new Error(`Import row ${index} was given no outcome`);
    return { index, outcome };
  });
  const count = (kinds: ImportRowOutcome["kind"][]) => results.filter((r) => kinds.includes(r.outcome.kind)).length;
  return {
    results,
    createdCount: count(["created"]),
    updatedCount: count(["updated"]),
    failedCount: count(["invalid", "conflict"]),
  };
}

/** A row as the contact input schemas read it: its contact fields only. */
function rowInput(row: ContactFieldsInput): ContactFieldsInput {
  const { firstName, lastName, email, phone, timezone, tags, customFields } = row;
  return { firstName, lastName, email, phone, timezone, tags, customFields };
}

/**
 * The rows planned and written together; null when every attempt met a race (a contact changed, or
 * another write took one of the batch's values, between the read and the write).
 */
async function writeBatch(
  prisma: PrismaClient,
  workspace: WriteWorkspace,
  rows: readonly PlannedRow[],
  mode: ImportMode,
  preserveExisting: boolean,
): Promise<Map<number, ImportRowOutcome> | null> {
  if (rows.length === 0) return new Map();
  const emails = [...new Set(rows.flatMap((row) => (row.values.email ? [row.values.email] : [])))];
  const phones = [...new Set(rows.flatMap((row) => (row.values.phone ? [row.values.phone] : [])))];
  for (let attempt = 1; attempt <= PLAN_ATTEMPTS; attempt++) {
    const matches = await loadImportMatches(prisma, workspace.id, emails, phones);
    const plan = planImport(rows, matches, { mode, preserveExisting, defaultTimezone: workspace.defaultTimezone });
    let write: Awaited<ReturnType<typeof writeImport>>;
    try {
      write = await writeImport(prisma, workspace.id, matches, plan);
    } catch (error) {
      if (contactUniqueViolation(error) || isDeadlock(error)) continue;
      throw error;
    }
    if (!write.written) continue;
    const tags = new Map<string, TagRecord>();
    for (const tag of matches.flatMap((match) => match.tags)) tags.set(tag.name, tag);
    for (const [name, id] of write.tagIds) tags.set(name, { id, workspaceId: workspace.id, name });
    const contactOf = (state: ContactState): ContactRecord => ({
      id: state.id,
      workspaceId: workspace.id,
      firstName: state.firstName,
      lastName: state.lastName,
      email: state.email,
      phone: state.phone,
      timezone: state.timezone,
      createdAt: state.createdAt ?? write.writtenAt,
      updatedAt: write.writtenAt,
      tags: sortByName(state.tagNames.map((name) => tags.get(name) ?? missingTag(name))),
      customFields: sortByName(state.customFields),
    });
    const outcomes = new Map<number, ImportRowOutcome>();
    for (const [index, outcome] of plan.outcomes) {
      outcomes.set(
        index,
        outcome.kind === "conflict"
          ? { kind: "conflict", error: new ContactConflictError(outcome.conflicts) }
          : { kind: outcome.kind, contact: contactOf(outcome.contact) },
      );
    }
    return outcomes;
  }
  return null;
}

function missingTag(name: string): never {
  throw new Error(`The import wrote tag ${JSON.stringify(name)} but was not told its id`);
}

/**
 * The rows one by one, through the single create or upsert, which settle every race themselves:
 * reached only when batch writes kept meeting races, so rows stay answered as the rules say.
 */
async function writeOneByOne(
  prisma: PrismaClient,
  caller: Caller,
  workspace: WriteWorkspace,
  rows: readonly PlannedRow[],
  mode: ImportMode,
  preserveExisting: boolean,
): Promise<Map<number, ImportRowOutcome>> {
  const outcomes = new Map<number, ImportRowOutcome>();
  for (const row of rows) {
    const input = {
      workspaceId: workspace.id,
      values: row.values,
      tagNames: row.tagNames,
      customValues: row.customValues.map(({ name, value }) => ({ name, value })),
    };
    try {
      if (mode === "CREATE") {
        outcomes.set(row.index, { kind: "created", contact: await createParsedContact(prisma, caller, input) });
      } else {
        const { contact, created } = await upsertParsedContact(prisma, caller, { ...input, preserveExisting });
        outcomes.set(row.index, { kind: created ? "created" : "updated", contact });
      }
    } catch (error) {
      if (error instanceof ValidationFailed) outcomes.set(row.index, { kind: "invalid", error });
      else if (error instanceof ContactConflictError) outcomes.set(row.index, { kind: "conflict", error });
      else throw error;
    }
  }
  return outcomes;
}
