import type { Caller } from "../access/api-keys.js";
import { isUuid, visibleContactWhere } from "../access/workspace-access.js";
import { NotFoundError } from "../errors/domain-errors.js";
import { checkInput, IssueCollector, type ValidationIssue } from "../errors/validation-issues.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { changeContact } from "./change-contact.js";
import { type ParsedUpdateInput, type UpdateContactInput, updateContactInputSchema } from "./contact-input.js";
import type { ContactRecord } from "./contact-record.js";
import { withoutCustomFields } from "./prepare-write.js";
import { customFieldNames, normalizeCustomFields, resolveCustomVariables } from "./rules/custom-fields.js";
import { loadWriteWorkspace } from "./write-workspace.js";

export type { UpdateContactInput };

/** An update as the command line and the tests send it: through the same schema as UpdateContactInput. */
export async function updateContact(
  prisma: PrismaClient,
  caller: Caller,
  id: string,
  input: UpdateContactInput,
): Promise<ContactRecord> {
  const checked = checkInput(updateContactInputSchema, input);
  if (checked.issues) return rejectUpdateInput(prisma, caller, id, input, checked.issues);
  return updateParsedContact(prisma, caller, id, checked.value);
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
  issues.addAll(withoutCustomFields(fieldIssues));
  const customFields = input.customFields ?? {};
  const workspace = await loadWriteWorkspace(prisma, caller, current.workspaceId, customFieldNames(customFields));
  normalizeCustomFields(customFields, workspace.variablesByName, "customFields", issues);
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
