import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Caller } from "../access/api-keys.js";
import { isUuid, visibleContactWhere } from "../access/workspace-access.js";
import { NotFoundError } from "../errors.js";

/**
 * Soft-deletes a contact the caller can see: it leaves every read and stops counting for
 * uniqueness, but keeps its data. Anything else (a malformed id, a deleted contact, another
 * tenant's) is simply not found.
 */
export async function deleteContact(prisma: PrismaClient, caller: Caller, id: string): Promise<string> {
  if (!isUuid(id)) throw new NotFoundError("Contact");
  const { count } = await prisma.contact.updateMany({
    where: { AND: [{ id: id.toLowerCase() }, visibleContactWhere(caller)] },
    data: { deletedAt: new Date() },
  });
  if (count === 0) throw new NotFoundError("Contact");
  return id.toLowerCase();
}
