import type { Caller } from "../access/api-keys.js";
import { checkInput } from "../errors/validation-issues.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { changeContact } from "./change-contact.js";
import { contactUniqueViolation } from "./contact-conflicts.js";
import { type ParsedUpsertInput, type UpsertContactInput, upsertContactInputSchema } from "./contact-input.js";
import type { ContactRecord } from "./contact-record.js";
import { insertPreparedContact } from "./create-contact.js";
import { type PreparedContactWrite, prepareContactWrite, rejectWorkspaceContactInput } from "./prepare-write.js";

export type { UpsertContactInput };

export interface UpsertResult {
  contact: ContactRecord;
  created: boolean;
}

/** An upsert as the command line and the tests send it: through the same schema as UpsertContactInput. */
export async function upsertContact(
  prisma: PrismaClient,
  caller: Caller,
  input: UpsertContactInput,
): Promise<UpsertResult> {
  const checked = checkInput(upsertContactInputSchema, input);
  if (checked.issues) return rejectWorkspaceContactInput(prisma, caller, input, checked.issues);
  return upsertParsedContact(prisma, caller, checked.value);
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
  const { preserveExisting } = input;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const lastAttempt = attempt === MAX_ATTEMPTS;
    try {
      return await upsertOnce(prisma, caller, prepared, preserveExisting, lastAttempt);
    } catch (error) {
      if (lastAttempt || !contactUniqueViolation(error)) throw error;
    }
  }
  throw new Error("The upsert did not settle");
}

const MAX_ATTEMPTS = 3;

/** One try: update the live contact holding the phone (first) or email, else create one. */
async function upsertOnce(
  prisma: PrismaClient,
  caller: Caller,
  prepared: PreparedContactWrite,
  preserveExisting: boolean,
  lastAttempt: boolean,
): Promise<UpsertResult> {
  const { workspace, values } = prepared;
  const { timezone, ...otherValues } = values;
  const updated = await changeContact(prisma, {
    workspaceId: workspace.id,
    target: { phone: values.phone ?? null, email: values.email ?? null },
    // The timezone is never derived on a match: only a given one is applied.
    values: timezone === undefined ? otherValues : values,
    preserveExisting,
    addTagNames: prepared.tagNames,
    removeTagNames: [],
    customValues: prepared.customValues,
  });
  if (updated) return { contact: updated, created: false };
  const onUniqueViolation = lastAttempt ? "conflict" : "rethrow";
  return { contact: await insertPreparedContact(prisma, caller, prepared, { onUniqueViolation }), created: true };
}
