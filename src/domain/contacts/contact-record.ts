import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import { sortByName } from "../rules/tags.js";
import type { TagRecord } from "../tags.js";

/** A contact as clients see it: stored fields, its tags and its custom values, both sorted by name. */
export interface ContactRecord {
  id: string;
  workspaceId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  createdAt: Date;
  updatedAt: Date;
  tags: TagRecord[];
  customFields: { name: string; value: string }[];
}

const contactWithRelations = {
  tags: { select: { tag: { select: { id: true, workspaceId: true, name: true } } } },
  customValues: { select: { value: true, customVariable: { select: { name: true } } } },
} satisfies Prisma.ContactInclude;

type ContactRow = Prisma.ContactGetPayload<{ include: typeof contactWithRelations }>;

export function toContactRecord(row: ContactRow): ContactRecord {
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    phone: row.phone,
    timezone: row.timezone,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    tags: sortByName(row.tags.map((link) => link.tag)),
    customFields: sortByName(row.customValues.map((v) => ({ name: v.customVariable.name, value: v.value }))),
  };
}

/**
 * Loads contacts with their tags and custom values in a fixed number of queries, however many
 * contacts match.
 */
export async function findContactRecords(
  prisma: PrismaClient | Prisma.TransactionClient,
  args: Omit<Prisma.ContactFindManyArgs, "include" | "select">,
): Promise<ContactRecord[]> {
  const rows = await prisma.contact.findMany({ ...args, include: contactWithRelations });
  return rows.map(toContactRecord);
}
