import type { PrismaClient } from "../generated/prisma/client.js";
import type { ContactRecord } from "./contact-record.js";
import { sortByName } from "./rules/tags.js";
import type { TagRecord } from "./tags.js";

export interface NewContactRow {
  workspaceId: string;
  /** Who writes: the workspace must belong to this account (and be this one, for a workspace key). */
  accountId: string;
  callerWorkspaceId: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  /** Given, or derived from the phone; null falls back to the workspace's default timezone. */
  timezone: string | null;
  tagNames: string[];
  /** By custom variable name; a null value stores nothing. */
  customValues: { name: string; value: string | null }[];
}

export type InsertOutcome =
  | { kind: "inserted"; contact: ContactRecord }
  | { kind: "forbidden" }
  | { kind: "unknown-custom-fields"; names: string[] };

interface InsertedRow {
  workspace_found: boolean;
  unknown_names: string[] | null;
  id: string | null;
  created_at: Date | null;
  updated_at: Date | null;
  timezone: string | null;
  tags: TagRecord[] | null;
}

/**
 * Checks the workspace and the custom field names, then inserts a contact with its tags and custom
 * values, all in one SQL statement, which PostgreSQL runs as one transaction: either all of it is
 * written or none of it (not even a new tag). One round trip whatever the number of tags and
 * values, because round trips are most of a create's cost. When the workspace is not the caller's
 * or a custom field name is unknown, nothing is written and the outcome says which.
 *
 * Custom variable names are looked up with `= ANY(array)`: index probes on (workspace_id, name).
 * Tags are not looked up at all: a tag's id is `tag_id(workspace, name)` (the migration
 * tag_ids_from_names), so the statement inserts the missing ones with ON CONFLICT DO NOTHING and
 * links every given name by its id. A tag that another transaction is inserting makes ours wait for
 * it, then skip it. A live contact that already holds the email or phone makes the partial unique
 * indexes abort the statement: the caller maps that to a conflict.
 */
export async function insertContact(prisma: PrismaClient, row: NewContactRow): Promise<InsertOutcome> {
  const names = row.customValues.map((entry) => entry.name);
  const values = row.customValues.map((entry) => entry.value);
  const [result] = await prisma.$queryRaw<InsertedRow[]>`
    WITH workspace AS (
      SELECT id, default_timezone FROM workspaces
      WHERE id = ${row.workspaceId}::uuid AND account_id = ${row.accountId}::uuid
        AND (${row.callerWorkspaceId}::uuid IS NULL OR id = ${row.callerWorkspaceId}::uuid)
    ), input_values AS (
      SELECT * FROM unnest(${names}::text[], ${values}::text[]) AS v(name, value)
    ), resolved_values AS (
      SELECT v.id AS custom_variable_id, v.name, i.value
      FROM workspace w
      JOIN custom_variables v ON v.workspace_id = w.id AND v.name = ANY(${names}::text[])
      JOIN input_values i ON i.name = v.name
    ), allowed AS (
      SELECT w.id, w.default_timezone FROM workspace w
      WHERE (SELECT count(*) FROM resolved_values) = (SELECT count(*) FROM input_values)
    ), input_tags AS (
      SELECT DISTINCT name, tag_id(${row.workspaceId}::uuid, name) AS id FROM unnest(${row.tagNames}::text[]) AS t(name)
    ), new_contact AS (
      INSERT INTO contacts (workspace_id, id, first_name, last_name, email, phone, timezone)
      SELECT a.id, gen_random_uuid(), ${row.firstName}, ${row.lastName}, ${row.email}, ${row.phone},
             COALESCE(${row.timezone}::text, a.default_timezone)
      FROM allowed a
      RETURNING id, created_at, updated_at, timezone
    ), created_tags AS (
      INSERT INTO tags (workspace_id, id, name)
      SELECT ${row.workspaceId}::uuid, id, name FROM input_tags
      WHERE EXISTS (SELECT 1 FROM allowed)
      ON CONFLICT (workspace_id, name) DO NOTHING
    ), links AS (
      INSERT INTO contact_tags (workspace_id, contact_id, tag_id)
      SELECT ${row.workspaceId}::uuid, c.id, i.id FROM new_contact c CROSS JOIN input_tags i
    ), custom_values AS (
      INSERT INTO contact_custom_values (workspace_id, contact_id, custom_variable_id, value)
      SELECT ${row.workspaceId}::uuid, c.id, v.custom_variable_id, v.value
      FROM new_contact c CROSS JOIN resolved_values v
      WHERE v.value IS NOT NULL
    )
    SELECT EXISTS (SELECT 1 FROM workspace) AS workspace_found,
           (SELECT json_agg(i.name) FROM input_values i
             WHERE NOT EXISTS (SELECT 1 FROM resolved_values r WHERE r.name = i.name)) AS unknown_names,
           c.id, c.created_at, c.updated_at, c.timezone,
           (SELECT json_agg(json_build_object('id', t.id, 'workspaceId', ${row.workspaceId}::uuid, 'name', t.name))
              FROM input_tags t) AS tags
    FROM (SELECT 1) AS one LEFT JOIN new_contact c ON true`;
  if (!result?.workspace_found) return { kind: "forbidden" };
  if (!result.id || !result.created_at || !result.updated_at) {
    return { kind: "unknown-custom-fields", names: result.unknown_names ?? [] };
  }
  return {
    kind: "inserted",
    contact: {
      id: result.id,
      workspaceId: row.workspaceId,
      firstName: row.firstName,
      lastName: row.lastName,
      email: row.email,
      phone: row.phone,
      timezone: result.timezone,
      createdAt: result.created_at,
      updatedAt: result.updated_at,
      tags: sortByName(result.tags ?? []),
      // Inserted means every name matched a custom variable exactly: the values are the given ones.
      customFields: sortByName(
        row.customValues.flatMap(({ name, value }) => (value === null ? [] : [{ name, value }])),
      ),
    },
  };
}
