import { ContactConflictError } from "../errors/domain-errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { contactUniqueViolation, findContactConflicts } from "./contact-conflicts.js";
import type { ContactRecord } from "./contact-record.js";
import { type ContactChanges, updateContactRow } from "./update-contact-row.js";

const MAX_ATTEMPTS = 3;

/**
 * Applies changes to a live contact and returns it as it now is, or null when no live contact is
 * targeted. A ContactConflictError when the new email or phone is held by another live contact; when
 * the holder was deleted before it could be named, the change runs again.
 */
export async function changeContact(prisma: PrismaClient, changes: ContactChanges): Promise<ContactRecord | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await updateContactRow(prisma, changes);
    } catch (error) {
      if (!contactUniqueViolation(error)) throw error;
      const conflicts = await findContactConflicts(
        prisma,
        changes.workspaceId,
        { email: changes.values.email ?? null, phone: changes.values.phone ?? null },
        (await targetedContactId(prisma, changes)) ?? undefined,
      );
      if (conflicts.length > 0) throw new ContactConflictError(conflicts);
      if (attempt >= MAX_ATTEMPTS) throw error;
    }
  }
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
