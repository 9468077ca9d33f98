import type { PrismaClient } from "../../generated/prisma/client.js";

export interface NewContactRow {
  workspaceId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  tagNames: string[];
  customValues: { customVariableId: string; value: string }[];
}

export interface InsertedContact {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  tags: { id: string; name: string }[];
}

/**
 * Inserts a contact with its tags and custom values in one SQL statement, which PostgreSQL runs as
 * one transaction: either all of it is written or none of it (not even a new tag). One statement
 * whatever the number of tags and values, because round trips are most of a create's cost.
 *
 * Tags are created with ON CONFLICT DO NOTHING and the rest read from the statement's snapshot, so
 * a tag that another transaction commits while this one runs is in neither; its link then gets a
 * null tag_id and the NOT NULL constraint aborts the statement (TagRaceError), and running it again
 * sees the tag. A live contact that already holds the email or phone makes the partial unique
 * indexes abort it: the caller maps that to a conflict.
 */
export async function insertContact(prisma: PrismaClient, row: NewContactRow): Promise<InsertedContact> {
  const variableIds = row.customValues.map((value) => value.customVariableId);
  const values = row.customValues.map((value) => value.value);
  const [inserted] = await prisma.$queryRaw<
    { id: string; created_at: Date; updated_at: Date; tags: { id: string; name: string }[] | null }[]
  >`
    WITH input_tags AS (
      SELECT DISTINCT unnest(${row.tagNames}::text[]) AS name
    ), new_contact AS (
      INSERT INTO contacts (workspace_id, id, first_name, last_name, email, phone, timezone)
      VALUES (${row.workspaceId}::uuid, gen_random_uuid(), ${row.firstName}, ${row.lastName}, ${row.email},
              ${row.phone}, ${row.timezone})
      RETURNING id, created_at, updated_at
    ), created_tags AS (
      INSERT INTO tags (workspace_id, id, name)
      SELECT ${row.workspaceId}::uuid, gen_random_uuid(), name FROM input_tags
      ON CONFLICT (workspace_id, name) DO NOTHING
      RETURNING id, name
    ), contact_tags_found AS (
      SELECT id, name FROM created_tags
      UNION ALL
      SELECT id, name FROM tags WHERE workspace_id = ${row.workspaceId}::uuid AND name IN (SELECT name FROM input_tags)
    ), links AS (
      INSERT INTO contact_tags (workspace_id, contact_id, tag_id)
      SELECT ${row.workspaceId}::uuid, c.id, t.id
      FROM new_contact c CROSS JOIN input_tags i LEFT JOIN contact_tags_found t ON t.name = i.name
    ), custom_values AS (
      INSERT INTO contact_custom_values (workspace_id, contact_id, custom_variable_id, value)
      SELECT ${row.workspaceId}::uuid, c.id, v.custom_variable_id, v.value
      FROM new_contact c CROSS JOIN unnest(${variableIds}::uuid[], ${values}::text[]) AS v(custom_variable_id, value)
    )
    SELECT c.id, c.created_at, c.updated_at,
           (SELECT json_agg(json_build_object('id', t.id, 'name', t.name)) FROM contact_tags_found t) AS tags
    FROM new_contact c`;
  if (!inserted) throw new Error("The contact insert returned no row");
  return { id: inserted.id, createdAt: inserted.created_at, updatedAt: inserted.updated_at, tags: inserted.tags ?? [] };
}
