import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Caller } from "../access/api-keys.js";
import { changeContact } from "./change-contact.js";
import { contactUniqueViolation } from "./contact-conflicts.js";
import type { ContactRecord } from "./contact-record.js";
import { insertPreparedContact } from "./create-contact.js";
import { findLiveContactRecord } from "./find-contacts.js";
import { type PreparedContactWrite, prepareContactWrite, type WorkspaceContactInput } from "./prepare-write.js";

export interface UpsertContactInput extends WorkspaceContactInput {
  /** Only fill what is empty; never change a stored field or custom value. */
  preserveExisting?: boolean | null;
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
export async function upsertContact(
  prisma: PrismaClient,
  caller: Caller,
  input: UpsertContactInput,
): Promise<UpsertResult> {
  const prepared = await prepareContactWrite(prisma, caller, input, ({ values }, issues) => {
    if (!values.phone && !values.email && input.phone == null && input.email == null) {
      issues.add(["phone"], "REQUIRED", "An upsert needs a phone or an email to match on");
      issues.add(["email"], "REQUIRED", "An upsert needs a phone or an email to match on");
    }
  });
  const preserveExisting = input.preserveExisting === true;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const lastAttempt = attempt === MAX_ATTEMPTS;
    try {
      const result = await upsertOnce(prisma, prepared, preserveExisting, lastAttempt);
      if (result) return result;
    } catch (error) {
      if (lastAttempt || !contactUniqueViolation(error)) throw error;
    }
  }
  throw new Error("The upsert did not settle");
}

const MAX_ATTEMPTS = 3;

/** One try; null when the matched contact was deleted before it could be updated. */
async function upsertOnce(
  prisma: PrismaClient,
  prepared: PreparedContactWrite,
  preserveExisting: boolean,
  lastAttempt: boolean,
): Promise<UpsertResult | null> {
  const matchId = await findMatch(prisma, prepared);
  if (!matchId) {
    const onUniqueViolation = lastAttempt ? "conflict" : "rethrow";
    return { contact: await insertPreparedContact(prisma, prepared, { onUniqueViolation }), created: true };
  }
  const { timezone, ...otherValues } = prepared.values;
  const changed = await changeContact(prisma, {
    workspaceId: prepared.workspace.id,
    contactId: matchId,
    // The timezone is never derived on a match: only a given one is applied.
    values: timezone === undefined ? otherValues : prepared.values,
    preserveExisting,
    addTagNames: prepared.tagNames,
    removeTagNames: [],
    customValues: prepared.customValues,
  });
  const contact = changed ? await findLiveContactRecord(prisma, prepared.workspace.id, matchId) : null;
  return contact ? { contact, created: false } : null;
}

/** The live contact holding the phone, else the one holding the email, else none. */
async function findMatch(prisma: PrismaClient, { workspace, values }: PreparedContactWrite): Promise<string | null> {
  const phone = values.phone ?? null;
  const email = values.email ?? null;
  const candidates = await prisma.contact.findMany({
    where: {
      workspaceId: workspace.id,
      deletedAt: null,
      OR: [...(phone ? [{ phone }] : []), ...(email ? [{ email }] : [])],
    },
    select: { id: true, phone: true, email: true },
  });
  const byPhone = phone ? candidates.find((candidate) => candidate.phone === phone) : undefined;
  const byEmail = email ? candidates.find((candidate) => candidate.email === email) : undefined;
  return (byPhone ?? byEmail)?.id ?? null;
}
