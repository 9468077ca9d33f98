import type { Caller } from "../access/api-keys.js";
import { isUuid, visibleContactWhere } from "../access/workspace-access.js";
import { NotFoundError } from "../errors/domain-errors.js";
import { IssueCollector } from "../errors/validation-issues.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { changeContact } from "./change-contact.js";
import { type ContactFieldsInput, normalizeContactFields } from "./contact-fields.js";
import type { ContactRecord } from "./contact-record.js";
import { customFieldNames, normalizeCustomFields } from "./rules/custom-fields.js";
import { normalizeTagNames } from "./rules/tags.js";
import { loadWriteWorkspace } from "./write-workspace.js";

export interface UpdateContactInput extends ContactFieldsInput {
  removeTags?: readonly string[] | null;
}

const UPDATABLE = [
  "firstName",
  "lastName",
  "email",
  "phone",
  "timezone",
  "tags",
  "removeTags",
  "customFields",
] as const satisfies readonly (keyof UpdateContactInput)[];

/**
 * Changes only the fields given: null clears a field or a custom value, a tag list adds, and
 * `removeTags` removes (a tag the contact lacks is ignored). Changing the phone does not re-derive
 * the timezone. Contacts the caller cannot see, deleted ones and malformed ids are not found.
 */
export async function updateContact(
  prisma: PrismaClient,
  caller: Caller,
  id: string,
  input: UpdateContactInput,
): Promise<ContactRecord> {
  const current = isUuid(id)
    ? await prisma.contact.findFirst({
        where: { AND: [{ id: id.toLowerCase() }, visibleContactWhere(caller)] },
        select: { id: true, workspaceId: true },
      })
    : null;
  if (!current) throw new NotFoundError("Contact");

  const issues = new IssueCollector();
  const { values, tagNames } = normalizeContactFields(input, issues);
  // A name that is blank after trimming counts as not given, so it alone is no field to change.
  const isGiven = (key: (typeof UPDATABLE)[number]) =>
    key === "firstName" || key === "lastName" ? key in values : input[key] !== undefined;
  if (!UPDATABLE.some(isGiven)) {
    issues.add([], "NO_FIELDS", `Give at least one of: ${UPDATABLE.join(", ")}`);
  }
  const removeTagNames = input.removeTags ? normalizeTagNames(input.removeTags, "removeTags", issues) : [];
  const customFields = input.customFields ?? {};
  const workspace = await loadWriteWorkspace(prisma, caller, current.workspaceId, customFieldNames(customFields));
  const customValues = normalizeCustomFields(customFields, workspace.variablesByName, "customFields", issues);
  issues.throwIfAny();

  const contact = await changeContact(prisma, {
    workspaceId: current.workspaceId,
    target: { contactId: current.id },
    values,
    preserveExisting: false,
    addTagNames: tagNames,
    removeTagNames,
    customValues,
  });
  if (!contact) throw new NotFoundError("Contact");
  return contact;
}
