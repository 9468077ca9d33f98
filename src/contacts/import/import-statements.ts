import type { PrismaClient } from "../../generated/prisma/client.js";
import { runStatement } from "../../storage/sql-statements.js";
import type { TagRecord } from "../tags.js";
import type { ImportPlan, MatchedContact, StoredCustomValue } from "./import-plan.js";

interface MatchedRow {
  id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  created_at: Date;
  updated_at: Date;
  tags: TagRecord[] | null;
  custom_fields: StoredCustomValue[] | null;
}

/**
 * The live contacts of the workspace that hold any of the emails or phones: every contact a batch
 * can match or collide with, with its tags and custom values. One statement, along the partial
 * unique indexes. The SQL: prisma/sql/loadImportMatches.sql.
 */
export async function loadImportMatches(
  prisma: PrismaClient,
  workspaceId: string,
  emails: string[],
  phones: string[],
): Promise<MatchedContact[]> {
  if (emails.length === 0 && phones.length === 0) return [];
  const rows = await runStatement<MatchedRow>(prisma, "loadImportMatches", [workspaceId, emails, phones]);
  return rows.map((row) => ({
    id: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    phone: row.phone,
    timezone: row.timezone,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    tags: row.tags ?? [],
    customValues: row.custom_fields ?? [],
  }));
}

export type ImportWrite =
  | { written: true; writtenAt: Date; tagIds: Map<string, string> }
  /** A contact the plan was made against was changed or deleted meanwhile: nothing was written. */
  | { written: false };

/**
 * Writes a plan in one statement (one transaction): the new contacts, the changed ones as they end
 * up, every new tag and link, custom values set and cleared. It first locks the contacts the plan
 * was made against and writes nothing unless each is still live with the same `updated_at`, so no
 * change made meanwhile is overwritten. A contact created meanwhile with one of the batch's emails
 * or phones makes the partial unique indexes abort the statement, as for a single create.
 * The SQL: prisma/sql/writeImport.sql.
 */
export async function writeImport(
  prisma: PrismaClient,
  workspaceId: string,
  against: readonly MatchedContact[],
  plan: ImportPlan,
): Promise<ImportWrite> {
  const created = plan.touched.filter((contact) => contact.isNew);
  const changed = plan.touched.filter((contact) => !contact.isNew);
  const columns = (contacts: typeof created) => [
    contacts.map((c) => c.id),
    contacts.map((c) => c.firstName),
    contacts.map((c) => c.lastName),
    contacts.map((c) => c.email),
    contacts.map((c) => c.phone),
    contacts.map((c) => c.timezone),
  ];
  const links = plan.touched.flatMap((c) => [...c.addedTagNames].map((name) => [c.id, name] as const));
  const setValues = plan.touched.flatMap((c) =>
    [...c.setVariableIds].map((variableId) => [c.id, variableId, c.customValues.get(variableId)?.value] as const),
  );
  const cleared = changed.flatMap((c) => [...c.clearedVariableIds].map((variableId) => [c.id, variableId] as const));
  const [result] = await runStatement<{
    written: boolean;
    written_at: Date;
    tag_ids: Record<string, string> | null;
  }>(prisma, "writeImport", [
    workspaceId,
    against.map((c) => c.id),
    against.map((c) => c.updatedAt),
    ...columns(created),
    ...columns(changed),
    links.map(([id]) => id),
    links.map(([, name]) => name),
    setValues.map(([id]) => id),
    setValues.map(([, variableId]) => variableId),
    setValues.map(([, , value]) => value),
    cleared.map(([id]) => id),
    cleared.map(([, variableId]) => variableId),
  ]);
  if (!result?.written) return { written: false };
  return { written: true, writtenAt: result.written_at, tagIds: new Map(Object.entries(result.tag_ids ?? {})) };
}
