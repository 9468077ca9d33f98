import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { sortByName } from "./rules/tags.js";
import type { TagRecord } from "./tags.js";

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

/** The tags of the contact `c` (workspace_id, id) as a JSON array, null when it has none. */
const TAGS_JSON = Prisma.sql`
  (SELECT json_agg(json_build_object('id', t.id, 'workspaceId', t.workspace_id, 'name', t.name))
     FROM contact_tags l
     JOIN tags t ON t.workspace_id = l.workspace_id AND t.id = l.tag_id
    WHERE l.workspace_id = c.workspace_id AND l.contact_id = c.id)`;

/** The custom values of the contact `c` as a JSON array, null when it has none. */
const CUSTOM_FIELDS_JSON = Prisma.sql`
  (SELECT json_agg(json_build_object('name', v.name, 'value', cv.value))
     FROM contact_custom_values cv
     JOIN custom_variables v ON v.workspace_id = cv.workspace_id AND v.id = cv.custom_variable_id
    WHERE cv.workspace_id = c.workspace_id AND cv.contact_id = c.id)`;

/** The contact `c` as one JSON object with a ContactRow's keys (its instants as ISO text). */
const CONTACT_JSON = Prisma.sql`json_build_object(
  'id', c.id, 'workspace_id', c.workspace_id, 'first_name', c.first_name, 'last_name', c.last_name,
  'email', c.email, 'phone', c.phone, 'timezone', c.timezone, 'created_at', c.created_at,
  'updated_at', c.updated_at, 'tags', ${TAGS_JSON}, 'custom_fields', ${CUSTOM_FIELDS_JSON})`;

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

/** A ContactRow as JSON carries its instants as ISO text. */
type ContactJson = Omit<ContactRow, "created_at" | "updated_at"> & { created_at: string; updated_at: string };

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
 * newest first, with their tags and custom values: one statement that returns each contact as one
 * JSON text, parsed natively, because mapping rows and values through Prisma costs more CPU than the
 * query; one text a row rather than the page as one array, which costs PostgreSQL more (measured:
 * bench/notes.md). PostgreSQL computes the select list only for the rows the ORDER BY and LIMIT keep.
 */
export async function findNewestContactRecords(
  prisma: PrismaClient,
  conditions: Prisma.Sql,
  limit: number,
): Promise<ContactRecord[]> {
  const rows = await prisma.$queryRaw<{ contact: string }[]>(newestContactsSql(conditions, limit));
  return rows.map(({ contact }) => {
    const row: ContactJson = JSON.parse(contact);
    return contactRecordFromRow({ ...row, created_at: new Date(row.created_at), updated_at: new Date(row.updated_at) });
  });
}

/** The statement of findNewestContactRecords (the benchmark's floor sends it too). */
export function newestContactsSql(conditions: Prisma.Sql, limit: number): Prisma.Sql {
  return Prisma.sql`
    SELECT ${CONTACT_JSON}::text AS contact
      FROM contacts c
     WHERE ${conditions}
     ORDER BY c.created_at DESC, c.id DESC
     LIMIT ${limit}`;
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
    SELECT c.id, ${TAGS_JSON} AS tags, ${CUSTOM_FIELDS_JSON} AS custom_fields
      FROM unnest(${contacts.map((contact) => contact.workspaceId)}::uuid[],
                  ${contacts.map((contact) => contact.id)}::uuid[]) AS c(workspace_id, id)`;
  const byId = new Map(related.map((row) => [row.id, row]));
  return contacts.map((contact) => {
    const row = byId.get(contact.id);
    return { ...contact, tags: sortByName(row?.tags ?? []), customFields: sortByName(row?.custom_fields ?? []) };
  });
}
