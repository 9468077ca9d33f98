import type { Caller } from "../access/api-keys.js";
import { isUuid, visibleContactWhere } from "../access/workspace-access.js";
import { NotFoundError } from "../errors/domain-errors.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

/**
 * Soft-deletes a contact the caller can see: it leaves every read and stops counting for
 * uniqueness, but keeps its data. Anything else (a malformed id, a deleted contact, another
 * tenant's) is simply not found.
 */
export function deleteContact(prisma: PrismaClient, caller: Caller, id: string): Promise<string> {
  return softDeleteContact(prisma, visibleContactWhere(caller), id);
}

/** The same soft delete for an operator (admin command line): any live contact of any workspace. */
export function deleteContactAsOperator(prisma: PrismaClient, id: string): Promise<string> {
  return softDeleteContact(prisma, {}, id);
}

/**
 * The one soft-delete rule: the live contact with this id inside `scope` gets `deletedAt`. A
 * malformed id, or none live in scope, is not found. Returns the id in its stored (lowercase) form.
 */
async function softDeleteContact(prisma: PrismaClient, scope: Prisma.ContactWhereInput, id: string): Promise<string> {
  if (!isUuid(id)) throw new NotFoundError("Contact");
  const { count } = await prisma.contact.updateMany({
    where: { AND: [{ id: id.toLowerCase(), deletedAt: null }, scope] },
    data: { deletedAt: new Date() },
  });
  if (count === 0) throw new NotFoundError("Contact");
  return id.toLowerCase();
}
