import { stringify } from "csv-stringify/sync";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { findOperatorWorkspace } from "../workspaces/workspaces.service.js";
import { type ContactRecord, findContactRecords } from "./contact-record.js";
import { compareNames } from "./rules/tags.js";

/** Operator export (admin command line): every live contact of one workspace, newest first. */

export const DEFAULT_EXPORT_BATCH_SIZE = 500;
export const MAX_EXPORT_BATCH_SIZE = 10_000;

export interface ContactExport {
  workspaceId: string;
  /** The display names of the workspace's custom variables, sorted by name like custom values. */
  customVariableNames: string[];
  /**
   * The live contacts in batches of at most `batchSize`, newest first (createdAt, then id,
   * descending). Lazy: a batch is read only when the previous one has been taken, so a consumer that
   * writes each batch before asking for the next holds one batch in memory, whatever the workspace
   * size. Not a snapshot: a contact created after the export started is not included (it sorts
   * before the first batch), one deleted meanwhile may or may not be.
   */
  batches(): AsyncGenerator<ContactRecord[], void, undefined>;
}

/** Opens the export of a workspace; an unknown or malformed workspace id is not found. */
export async function openContactExport(
  prisma: PrismaClient,
  workspaceId: string,
  options: { batchSize?: number } = {},
): Promise<ContactExport> {
  const batchSize = options.batchSize ?? DEFAULT_EXPORT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_EXPORT_BATCH_SIZE) {
    throw new RangeError(`The batch size must be an integer from 1 to ${MAX_EXPORT_BATCH_SIZE}`);
  }
  const workspace = await findOperatorWorkspace(prisma, workspaceId);
  return {
    workspaceId: workspace.id,
    customVariableNames: workspace.customVariableNames.sort(compareNames),
    batches: () => contactBatches(prisma, workspace.id, batchSize),
  };
}

/**
 * Keyset pagination over (created_at, id) along `contacts_workspace_newest_idx`
 * (workspace_id, created_at DESC, id DESC). The position after the last row is written as
 * `created_at <= c AND (created_at < c OR id < i)`: the first part is a range the index scan starts
 * at, so every batch costs the same however deep into the workspace it is.
 */
async function* contactBatches(
  prisma: PrismaClient,
  workspaceId: string,
  batchSize: number,
): AsyncGenerator<ContactRecord[], void, undefined> {
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const where: Prisma.ContactWhereInput = { workspaceId, deletedAt: null };
    if (after) {
      where.createdAt = { lte: after.createdAt };
      where.OR = [{ createdAt: { lt: after.createdAt } }, { id: { lt: after.id } }];
    }
    const batch = await findContactRecords(prisma, {
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: batchSize,
    });
    if (batch.length > 0) yield batch;
    const last = batch.at(-1);
    if (!last || batch.length < batchSize) return;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

export type ExportFormat = "ndjson" | "csv";

export const EXPORT_FORMATS: readonly ExportFormat[] = ["ndjson", "csv"];

/** Renders an export as text: `header` once (possibly empty), then `batch` for each batch. */
export interface ExportRenderer {
  header(): string;
  batch(contacts: readonly ContactRecord[]): string;
}

/** The fixed CSV columns; one column per custom variable follows, named by its display name. */
export const CSV_CONTACT_COLUMNS = [
  "id",
  "firstName",
  "lastName",
  "email",
  "phone",
  "timezone",
  "tags",
  "createdAt",
  "updatedAt",
] as const;

/**
 * ndjson: one JSON object per line and contact, tags as a list of names and custom values as an
 * object keyed by display name (both sorted by name like the API), timestamps in ISO 8601.
 *
 * csv (RFC 4180 quoting by csv-stringify, `\n` line ends): a header row, then one row per contact.
 * `tags` holds a JSON array of the names (`["VIP","a, b"]`, `[]` for none), so any name stays
 * unambiguous. An absent value (a null field, no custom value) is an empty cell; a custom value
 * that is the empty string is written quoted, `""`.
 */
/** csv-stringify options that keep an absent value (null) an empty cell and quote the empty string. */
export const CSV_CELLS = {
  cast: { string: (value: string) => (value === "" ? { value, quoted_empty: true } : value) },
};

export function exportRenderer(
  format: ExportFormat,
  contactExport: Pick<ContactExport, "customVariableNames">,
): ExportRenderer {
  const variableNames = contactExport.customVariableNames;
  const renderers: Record<ExportFormat, ExportRenderer> = {
    ndjson: {
      header: () => "",
      batch: (contacts) => contacts.map((contact) => `${JSON.stringify(exportedContact(contact))}\n`).join(""),
    },
    csv: {
      header: () => stringify([[...CSV_CONTACT_COLUMNS, ...variableNames]]),
      batch: (contacts) =>
        stringify(
          contacts.map((contact) => csvRow(contact, variableNames)),
          CSV_CELLS,
        ),
    },
  };
  return renderers[format];
}

export function exportedContact(contact: ContactRecord) {
  return {
    id: contact.id,
    workspaceId: contact.workspaceId,
    firstName: contact.firstName,
    lastName: contact.lastName,
    email: contact.email,
    phone: contact.phone,
    timezone: contact.timezone,
    tags: contact.tags.map((tag) => tag.name),
    customFields: Object.fromEntries(contact.customFields.map(({ name, value }) => [name, value])),
    createdAt: contact.createdAt.toISOString(),
    updatedAt: contact.updatedAt.toISOString(),
  };
}

function csvRow(contact: ContactRecord, variableNames: readonly string[]): (string | null)[] {
  const values = new Map(contact.customFields.map(({ name, value }) => [name, value]));
  return [
    contact.id,
    contact.firstName,
    contact.lastName,
    contact.email,
    contact.phone,
    contact.timezone,
    JSON.stringify(contact.tags.map((tag) => tag.name)),
    contact.createdAt.toISOString(),
    contact.updatedAt.toISOString(),
    ...variableNames.map((name) => values.get(name) ?? null),
  ];
}
