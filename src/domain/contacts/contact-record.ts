import { Prisma, type PrismaClient } from "../../generated/prisma/client.js";
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

const CONTACT_FIELDS = {
  id: true,
  workspaceId: true,
  firstName: true,
  lastName: true,
  email: true,
  phone: true,
  timezone: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.ContactSelect;

/** The tags and custom values of the contact `c` (workspace_id, id), as two JSON columns. */
const RELATED_COLUMNS = Prisma.sql`
  (SELECT json_agg(json_build_object('id', t.id, 'workspaceId', t.workspace_id, 'name', t.name))
     FROM contact_tags l
     JOIN tags t ON t.workspace_id = l.workspace_id AND t.id = l.tag_id
    WHERE l.workspace_id = c.workspace_id AND l.contact_id = c.id) AS tags,
  (SELECT json_agg(json_build_object('name', v.name, 'value', cv.value))
     FROM contact_custom_values cv
     JOIN custom_variables v ON v.workspace_id = cv.workspace_id AND v.id = cv.custom_variable_id
    WHERE cv.workspace_id = c.workspace_id AND cv.contact_id = c.id) AS custom_fields`;

/** A contact as the hand-written statements return it: its columns, its tags and values as JSON. */
export interface ContactRow {
  id: string;
  workspace_id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  created_at: Date;
  updated_at: Date;
  tags: TagRecord[] | null;
  custom_fields: { name: string; value: string }[] | null;
}

export function contactRecordFromRow(row: ContactRow): ContactRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    phone: row.phone,
    timezone: row.timezone,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    tags: sortByName(row.tags ?? []),
    customFields: sortByName(row.custom_fields ?? []),
  };
}

/**
 * The contacts that `conditions` (on `contacts c`, visibility included) select, at most `limit`,
 * newest first, with their tags and custom values: one statement. A page of contacts is read this way
 * because Prisma's findMany spent about 1.8 ms of CPU mapping 51 rows, more than the rest of the
 * request together; the columns are few and fixed, so mapping them here is short.
 */
export async function findNewestContactRecords(
  prisma: PrismaClient,
  conditions: Prisma.Sql,
  limit: number,
): Promise<ContactRecord[]> {
  const rows = await prisma.$queryRaw<ContactRow[]>`
    SELECT c.id, c.workspace_id, c.first_name, c.last_name, c.email, c.phone, c.timezone,
           c.created_at, c.updated_at, ${RELATED_COLUMNS}
      FROM contacts c
     WHERE ${conditions}
     ORDER BY c.created_at DESC, c.id DESC
     LIMIT ${limit}`;
  return rows.map(contactRecordFromRow);
}

/**
 * Loads contacts with their tags and custom values in two queries, however many contacts match:
 * the contacts (any Prisma filter and order), then every tag and value of those contacts at once.
 * The second query is written by hand because Prisma's includes ask for the links with
 * `workspace_id IN (…one entry per contact…)`, which PostgreSQL answers with a scan of the whole
 * link table; pairing (workspace_id, contact_id) keeps it on the primary keys.
 */
export async function findContactRecords(
  prisma: PrismaClient,
  args: Omit<Prisma.ContactFindManyArgs, "include" | "select">,
): Promise<ContactRecord[]> {
  const contacts = await prisma.contact.findMany({ ...args, select: CONTACT_FIELDS });
  if (contacts.length === 0) return [];
  const related = await prisma.$queryRaw<
    { id: string; tags: TagRecord[] | null; custom_fields: { name: string; value: string }[] | null }[]
  >`
    SELECT c.id, ${RELATED_COLUMNS}
      FROM unnest(${contacts.map((contact) => contact.workspaceId)}::uuid[],
                  ${contacts.map((contact) => contact.id)}::uuid[]) AS c(workspace_id, id)`;
  const byId = new Map(related.map((row) => [row.id, row]));
  return contacts.map((contact) => {
    const row = byId.get(contact.id);
    return { ...contact, tags: sortByName(row?.tags ?? []), customFields: sortByName(row?.custom_fields ?? []) };
  });
}
