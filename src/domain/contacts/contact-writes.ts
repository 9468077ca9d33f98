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

export interface ContactChanges {
  workspaceId: string;
  contactId: string;
  /** Scalar fields given: absent = leave, null = clear, string = set. */
  values: { [K in "firstName" | "lastName" | "email" | "phone" | "timezone"]?: string | null };
  /** Fill only what is empty: never change a stored field or custom value. */
  preserveExisting: boolean;
  addTagNames: string[];
  removeTagNames: string[];
  /** Custom values to write (null clears the key). */
  customValues: { customVariableId: string; value: string | null }[];
}

/**
 * Applies changes to a live contact in one SQL statement (one transaction): its fields, new tags and
 * links, removed links, and custom values set or cleared. Returns false when no live contact has
 * that id (deleted meanwhile). Unique violations and tag races surface as in `insertContact`.
 */
export async function updateContactRow(prisma: PrismaClient, changes: ContactChanges): Promise<boolean> {
  const { values, preserveExisting: preserve } = changes;
  const given = (key: keyof ContactChanges["values"]) => key in values;
  const value = (key: keyof ContactChanges["values"]) => values[key] ?? null;
  const removeTagNames = changes.removeTagNames;
  // A name in both lists ends up removed.
  const addTagNames = changes.addTagNames.filter((name) => !removeTagNames.includes(name));
  const toSet = changes.customValues.filter((entry) => entry.value !== null);
  const setIds = toSet.map((entry) => entry.customVariableId);
  const setValues = toSet.map((entry) => entry.value as string);
  // In fill-only mode a null never clears anything.
  const clearIds = preserve
    ? []
    : changes.customValues.filter((entry) => entry.value === null).map((entry) => entry.customVariableId);
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH updated AS (
      UPDATE contacts SET
        first_name = CASE WHEN ${given("firstName")} AND NOT (${preserve} AND first_name IS NOT NULL)
                          THEN ${value("firstName")} ELSE first_name END,
        last_name  = CASE WHEN ${given("lastName")} AND NOT (${preserve} AND last_name IS NOT NULL)
                          THEN ${value("lastName")} ELSE last_name END,
        email      = CASE WHEN ${given("email")} AND NOT (${preserve} AND email IS NOT NULL)
                          THEN ${value("email")} ELSE email END,
        phone      = CASE WHEN ${given("phone")} AND NOT (${preserve} AND phone IS NOT NULL)
                          THEN ${value("phone")} ELSE phone END,
        timezone   = CASE WHEN ${given("timezone")} AND NOT (${preserve} AND timezone IS NOT NULL)
                          THEN ${value("timezone")} ELSE timezone END,
        updated_at = now()
      WHERE workspace_id = ${changes.workspaceId}::uuid AND id = ${changes.contactId}::uuid AND deleted_at IS NULL
      RETURNING id
    ), input_tags AS (
      SELECT DISTINCT unnest(${addTagNames}::text[]) AS name
    ), created_tags AS (
      INSERT INTO tags (workspace_id, id, name)
      SELECT ${changes.workspaceId}::uuid, gen_random_uuid(), name FROM input_tags
      WHERE EXISTS (SELECT 1 FROM updated)
      ON CONFLICT (workspace_id, name) DO NOTHING
      RETURNING id, name
    ), tags_found AS (
      SELECT id, name FROM created_tags
      UNION ALL
      SELECT id, name FROM tags
      WHERE workspace_id = ${changes.workspaceId}::uuid AND name IN (SELECT name FROM input_tags)
    ), links AS (
      INSERT INTO contact_tags (workspace_id, contact_id, tag_id)
      SELECT ${changes.workspaceId}::uuid, c.id, t.id
      FROM updated c CROSS JOIN input_tags i LEFT JOIN tags_found t ON t.name = i.name
      ON CONFLICT DO NOTHING
    ), unlinked AS (
      DELETE FROM contact_tags l USING tags t, updated c
      WHERE l.workspace_id = ${changes.workspaceId}::uuid AND l.contact_id = c.id
        AND t.workspace_id = l.workspace_id AND t.id = l.tag_id AND t.name = ANY(${removeTagNames}::text[])
    ), set_values AS (
      INSERT INTO contact_custom_values (workspace_id, contact_id, custom_variable_id, value)
      SELECT ${changes.workspaceId}::uuid, c.id, v.custom_variable_id, v.value
      FROM updated c CROSS JOIN unnest(${setIds}::uuid[], ${setValues}::text[]) AS v(custom_variable_id, value)
      ON CONFLICT (workspace_id, contact_id, custom_variable_id)
      DO UPDATE SET value = CASE WHEN ${preserve} THEN contact_custom_values.value ELSE EXCLUDED.value END
    ), cleared_values AS (
      DELETE FROM contact_custom_values v USING updated c
      WHERE v.workspace_id = ${changes.workspaceId}::uuid AND v.contact_id = c.id
        AND v.custom_variable_id = ANY(${clearIds}::uuid[])
    )
    SELECT id FROM updated`;
  return rows.length > 0;
}
