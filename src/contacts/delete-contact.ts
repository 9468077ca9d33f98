import type { Caller } from "../access/api-keys.js";
import { isUuid, reachParams } from "../access/workspace-access.js";
import { NotFoundError } from "../errors/domain-errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { runStatement } from "../storage/sql-statements.js";

/**
 * Soft-deletes a contact the caller can see: it leaves every read and stops counting for
 * uniqueness, but keeps its data. Anything else (a malformed id, a deleted contact, another
 * tenant's) is simply not found. The SQL: prisma/sql/deleteContact.sql.
 */
export function deleteContact(prisma: PrismaClient, caller: Caller, id: string): Promise<string> {
  return softDeleteContact(id, (contactId) =>
    runStatement(prisma, "deleteContact", [...reachParams(caller), contactId]),
  );
}

/** The same soft delete for an operator (admin command line): any live contact of any workspace. */
export function deleteContactAsOperator(prisma: PrismaClient, id: string): Promise<string> {
  return softDeleteContact(id, (contactId) => runStatement(prisma, "deleteContactAsOperator", [contactId]));
}

/**
 * The one soft-delete rule: the live contact with this id (in the scope `remove` applies) gets
 * `deletedAt`. A malformed id, or none live in scope, is not found. Returns the id in its stored
 * (lowercase) form.
 */
async function softDeleteContact(id: string, remove: (contactId: string) => Promise<unknown[]>): Promise<string> {
  if (!isUuid(id)) throw new NotFoundError("Contact");
  const deleted = await remove(id.toLowerCase());
  if (deleted.length === 0) throw new NotFoundError("Contact");
  return id.toLowerCase();
}
