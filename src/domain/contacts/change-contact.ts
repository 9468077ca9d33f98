import type { PrismaClient } from "../../generated/prisma/client.js";
import { sqlState } from "../database-errors.js";
import { ContactConflictError } from "../errors.js";
import { contactUniqueViolation, findContactConflicts } from "./contact-conflicts.js";
import { type ContactChanges, updateContactRow } from "./contact-writes.js";

const MAX_ATTEMPTS = 3;

/**
 * Applies changes to a live contact, or reports why not: a ContactConflictError when the new email
 * or phone is held by another live contact, false when the contact is gone. A tag committed
 * concurrently (SQLSTATE 23502 on the link) is simply retried.
 */
export async function changeContact(prisma: PrismaClient, changes: ContactChanges): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await updateContactRow(prisma, changes);
    } catch (error) {
      if (contactUniqueViolation(error)) {
        const conflicts = await findContactConflicts(
          prisma,
          changes.workspaceId,
          { email: changes.values.email ?? null, phone: changes.values.phone ?? null },
          changes.contactId,
        );
        if (conflicts.length > 0) throw new ContactConflictError(conflicts);
      } else if (sqlState(error) !== "23502") {
        throw error;
      }
      if (attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
