import type { Caller } from "../access/api-keys.js";
import { checkInput } from "../errors/validation-issues.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { changeConflicts } from "./change-contact.js";
import { findContactConflicts, retryUniqueRaces } from "./contact-conflicts.js";
import { type ParsedUpsertInput, type UpsertContactInput, upsertContactInputSchema } from "./contact-input.js";
import type { ContactRecord } from "./contact-record.js";
import { insertContactRow, preparedContactRow } from "./create-contact.js";
import { prepareContactWrite, rejectWorkspaceContactInput } from "./prepare-write.js";
import { type ContactChanges, updateContactRow } from "./update-contact-row.js";

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
