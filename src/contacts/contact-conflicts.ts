import { type ContactConflict, ContactConflictError, type ContactUniqueField } from "../errors/domain-errors.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { violatedUniqueIndex } from "../storage/database-errors.js";

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
export async function findContactConflicts(
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
export async function retryUniqueRaces<T>(
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
