import type { ContactConflict } from "../errors/domain-errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { findContactConflicts, retryUniqueRaces } from "./contact-conflicts.js";
import type { ContactRecord } from "./contact-record.js";
import { type ContactChanges, updateContactRow } from "./update-contact-row.js";

/**
 * Applies changes to a live contact and returns it as it now is, or null when no live contact is
 * targeted. A ContactConflictError when the new email or phone is held by another live contact; when
 * the holder was deleted before it could be named, the change runs again.
 */
export function changeContact(prisma: PrismaClient, changes: ContactChanges): Promise<ContactRecord | null> {
  return retryUniqueRaces(
    () => updateContactRow(prisma, changes),
    () => changeConflicts(prisma, changes),
  );
}

/** The live contacts, other than the one changed, that hold the email or phone a change gives. */
export async function changeConflicts(prisma: PrismaClient, changes: ContactChanges): Promise<ContactConflict[]> {
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
