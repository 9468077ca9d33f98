import type { Caller } from "../access/api-keys.js";
import { isUuid, visibleContactWhere } from "../access/workspace-access.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { type ContactRecord, findContactRecords } from "./contact-record.js";

/** A live contact the caller can see, or null (also for a malformed id). */
export async function findContact(prisma: PrismaClient, caller: Caller, id: string): Promise<ContactRecord | null> {
  if (!isUuid(id)) return null;
  const [contact] = await findContactRecords(prisma, {
    where: { AND: [{ id: id.toLowerCase() }, visibleContactWhere(caller)] },
  });
  return contact ?? null;
}
