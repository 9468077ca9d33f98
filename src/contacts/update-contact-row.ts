import type { PrismaClient } from "../generated/prisma/client.js";
import { type ContactRecord, type ContactRow, contactRecordFromRow } from "./contact-record.js";

type ScalarField = "firstName" | "lastName" | "email" | "phone" | "timezone";

export interface ContactChanges {
  workspaceId: string;
  /** The live contact to change: by id, or the one holding this phone (first) or else this email. */
  target: { contactId: string } | { phone: string | null; email: string | null };
  /** Scalar fields given: absent = leave, null = clear, string = set. */
  values: { [K in ScalarField]?: string | null };
  /** Fill only what is empty: never change a stored field or custom value. */
  preserveExisting: boolean;
  addTagNames: string[];
  removeTagNames: string[];
  /** Custom values to write (null clears the key). */
  customValues: { customVariableId: string; name: string; value: string | null }[];
}

/**
 * Finds and changes a live contact in one SQL statement (one transaction, one round trip): its
 * fields, new tags and links, removed links, custom values set or cleared, and returns the contact
 * as it now is. Null when no live contact is targeted. Tags are added by computed id and unique
 * violations surface as in `insertContact`.
 *
 * Every part of one statement reads the same snapshot, so the returned tags and values are worked
 * out from the stored ones and the changes, by the same rules as the writes: removed names leave,
 * added tags join; a cleared value leaves, a set value replaces the stored one unless
 * `preserveExisting` keeps it.
 */
export async function updateContactRow(prisma: PrismaClient, changes: ContactChanges): Promise<ContactRecord | null> {
  const { values, preserveExisting: preserve, workspaceId } = changes;
  const given = (key: ScalarField) => key in values;
  const value = (key: ScalarField) => values[key] ?? null;
  const byId = "contactId" in changes.target ? changes.target.contactId : null;
  const matchPhone = "contactId" in changes.target ? null : changes.target.phone;
  const matchEmail = "contactId" in changes.target ? null : changes.target.email;
  const removeTagNames = changes.removeTagNames;
  // A name in both lists ends up removed.
  const addTagNames = changes.addTagNames.filter((name) => !removeTagNames.includes(name));
  const toSet = changes.customValues.filter((entry) => entry.value !== null);
  const setIds = toSet.map((entry) => entry.customVariableId);
  const setNames = toSet.map((entry) => entry.name);
  const setValues = toSet.map((entry) => entry.value as string);
  // In fill-only mode a null never clears anything.
  const clearIds = preserve
    ? []
    : changes.customValues.filter((entry) => entry.value === null).map((entry) => entry.customVariableId);
  const [row] = await prisma.$queryRaw<ContactRow[]>`
    WITH target AS (
      SELECT id FROM contacts
      WHERE workspace_id = ${workspaceId}::uuid AND deleted_at IS NULL
        AND (id = ${byId}::uuid OR phone = ${matchPhone}::text OR email = ${matchEmail}::text)
      ORDER BY (phone = ${matchPhone}::text) IS TRUE DESC
      LIMIT 1
      FOR UPDATE
    ), updated AS (
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
      WHERE workspace_id = ${workspaceId}::uuid AND id = (SELECT id FROM target) AND deleted_at IS NULL
      RETURNING *
    ), input_tags AS (
      SELECT DISTINCT ${workspaceId}::uuid AS workspace_id, name, tag_id(${workspaceId}::uuid, name) AS id
      FROM unnest(${addTagNames}::text[]) AS t(name)
    ), created_tags AS (
      INSERT INTO tags (workspace_id, id, name)
      SELECT workspace_id, id, name FROM input_tags
      WHERE EXISTS (SELECT 1 FROM updated)
      ON CONFLICT (workspace_id, name) DO NOTHING
    ), links AS (
      INSERT INTO contact_tags (workspace_id, contact_id, tag_id)
      SELECT i.workspace_id, c.id, i.id FROM updated c CROSS JOIN input_tags i
      ON CONFLICT DO NOTHING
    ), stored_tags AS (
      SELECT t.id, t.workspace_id, t.name
      FROM updated c
      JOIN contact_tags l ON l.workspace_id = c.workspace_id AND l.contact_id = c.id
      JOIN tags t ON t.workspace_id = l.workspace_id AND t.id = l.tag_id
    ), unlinked AS (
      DELETE FROM contact_tags l USING tags t, updated c
      WHERE l.workspace_id = ${workspaceId}::uuid AND l.contact_id = c.id
        AND t.workspace_id = l.workspace_id AND t.id = l.tag_id AND t.name = ANY(${removeTagNames}::text[])
    ), stored_values AS (
      SELECT cv.custom_variable_id, v.name, cv.value
      FROM updated c
      JOIN contact_custom_values cv ON cv.workspace_id = c.workspace_id AND cv.contact_id = c.id
      JOIN custom_variables v ON v.workspace_id = cv.workspace_id AND v.id = cv.custom_variable_id
    ), set_values AS (
      INSERT INTO contact_custom_values (workspace_id, contact_id, custom_variable_id, value)
      SELECT ${workspaceId}::uuid, c.id, v.custom_variable_id, v.value
      FROM updated c CROSS JOIN unnest(${setIds}::uuid[], ${setValues}::text[]) AS v(custom_variable_id, value)
      ON CONFLICT (workspace_id, contact_id, custom_variable_id)
      DO UPDATE SET value = CASE WHEN ${preserve} THEN contact_custom_values.value ELSE EXCLUDED.value END
    ), cleared_values AS (
      DELETE FROM contact_custom_values v USING updated c
      WHERE v.workspace_id = ${workspaceId}::uuid AND v.contact_id = c.id
        AND v.custom_variable_id = ANY(${clearIds}::uuid[])
    ), final_tags AS (
      SELECT id, workspace_id, name FROM stored_tags WHERE name <> ALL(${removeTagNames}::text[])
      UNION
      SELECT id, workspace_id, name FROM input_tags
    ), final_values AS (
      SELECT name, value FROM stored_values
      WHERE custom_variable_id <> ALL(${clearIds}::uuid[]) AND custom_variable_id <> ALL(${setIds}::uuid[])
      UNION ALL
      SELECT s.name, CASE WHEN ${preserve} AND stored.value IS NOT NULL THEN stored.value ELSE s.value END
      FROM unnest(${setIds}::uuid[], ${setNames}::text[], ${setValues}::text[]) AS s(custom_variable_id, name, value)
      LEFT JOIN stored_values stored ON stored.custom_variable_id = s.custom_variable_id
      WHERE EXISTS (SELECT 1 FROM updated)
    )
    SELECT c.id, c.workspace_id, c.first_name, c.last_name, c.email, c.phone, c.timezone, c.created_at, c.updated_at,
           (SELECT json_agg(json_build_object('id', id, 'workspaceId', workspace_id, 'name', name)) FROM final_tags) AS tags,
           (SELECT json_agg(json_build_object('name', name, 'value', value)) FROM final_values) AS custom_fields
    FROM updated c`;
  return row ? contactRecordFromRow(row) : null;
}
