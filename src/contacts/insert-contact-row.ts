import { reachParams } from "../access/workspace-access.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { runStatement } from "../storage/sql-statements.js";
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
  customValues: readonly { name: string; value: string | null }[];
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
 * indexes abort the statement: the caller maps that to a conflict. The SQL: prisma/sql/insertContact.sql.
 */
export async function insertContact(prisma: PrismaClient, row: NewContactRow): Promise<InsertOutcome> {
  const names = row.customValues.map((entry) => entry.name);
  const values = row.customValues.map((entry) => entry.value);
  const [result] = await runStatement<InsertedRow>(prisma, "insertContact", [
    ...reachParams({ accountId: row.accountId, workspaceId: row.callerWorkspaceId }),
    row.workspaceId,
    row.firstName,
    row.lastName,
    row.email,
    row.phone,
    row.timezone,
    row.tagNames,
    names,
    values,
  ]);
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
