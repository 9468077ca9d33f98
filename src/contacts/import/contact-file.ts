import type { Duplex, Readable } from "node:stream";
import { parse as parseCsv } from "csv-parse";
import split2 from "split2";
import type { ContactFieldsInput } from "../contact-input.js";

/**
 * Reads a contacts file for the admin import: exactly what export-contacts writes, in either format.
 * Anything wrong with the file itself (a broken quote, a bad or unknown column, a line that is not
 * a JSON object) refuses the file as a whole; the import reads it through once before writing, so
 * a refused file writes nothing. Whether each row keeps the contact rules is for the import itself.
 *
 * An empty cell, or null in ndjson, is a value not given: an import never clears a stored value.
 * A quoted empty cell (`""`) is the empty string.
 */

export type ContactFileFormat = "csv" | "ndjson";

export const CONTACT_FILE_FORMATS: readonly ContactFileFormat[] = ["csv", "ndjson"];

/** The longest line (ndjson) or record (CSV) read, in characters: far above any contact export writes. */
export const MAX_CONTACT_RECORD_LENGTH = 1024 * 1024;

/** The fields a row sets, by column (CSV) or key (ndjson). */
const CONTACT_FIELDS = ["firstName", "lastName", "email", "phone", "timezone", "tags"] as const;
type ContactField = (typeof CONTACT_FIELDS)[number];

/**
 * Read and left alone: what export-contacts writes about the stored contact (its id, workspace and
 * timestamps, which a new contact gets anew), and the two columns a rejected file adds.
 */
const IGNORED_FIELDS = new Set(["id", "workspaceId", "createdAt", "updatedAt", "_line", "_errors"]);

export class ContactFileRefused extends Error {
  constructor(message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = "ContactFileRefused";
  }
}

export interface ContactFileRow {
  /** The line of the file the row starts on, counting from 1 (in a CSV, the header is line 1). */
  line: number;
  contact: ContactFieldsInput;
  /** Characters of the row's values, to bound what a batch of rows holds. */
  size: number;
  /** The row as read, for the rejected file: its cells by column (CSV, in header order) or its object (ndjson). */
  source: Record<string, unknown>;
}

/** What a file's columns may name besides the contact fields: the workspace's custom variables. */
export interface ContactFileLayout {
  customVariableNames: ReadonlySet<string>;
}

/** The rows of a contacts file in order; throws ContactFileRefused at the first thing wrong with it. */
export function readContactFile(
  input: Readable,
  format: ContactFileFormat,
  layout: ContactFileLayout,
): AsyncGenerator<ContactFileRow, void, undefined> {
  return format === "csv" ? csvRows(input, layout) : ndjsonRows(input, layout);
}

async function* csvRows(input: Readable, layout: ContactFileLayout): AsyncGenerator<ContactFileRow, void, undefined> {
  const records = piped(
    input,
    parseCsv({
      bom: true,
      info: true,
      skip_empty_lines: true,
      max_record_size: MAX_CONTACT_RECORD_LENGTH,
      // An unquoted empty cell is a value not given; a quoted one (`""`) is the empty string.
      cast: (value, context) => (context.quoting || value !== "" ? value : null),
    }),
  );
  let header: string[] | undefined;
  let columns: ((row: ContactFieldsInput, value: string) => void)[] | undefined;
  let endLine = 0;
  let emptyLines = 0;
  try {
    for await (const { record, info } of records as AsyncIterable<{
      record: (string | null)[];
      info: { lines: number; empty_lines: number; bytes: number };
    }>) {
      const line = endLine + 1 + (info.empty_lines - emptyLines);
      endLine = info.lines;
      emptyLines = info.empty_lines;
      if (!header || !columns) {
        columns = csvColumns(record, layout);
        header = record as string[];
        continue;
      }
      // A row of empty cells (a spreadsheet's trailing `,,,`) is no contact.
      if (record.every((value) => value === null)) continue;
      const contact: ContactFieldsInput = {};
      let size = 0;
      record.forEach((value, index) => {
        size += value?.length ?? 0;
        if (value !== null) columns?.[index]?.(contact, value);
      });
      const source = Object.fromEntries(record.map((value, index) => [header?.[index] as string, value]));
      yield { line, contact: withTags(contact, line), size, source };
    }
  } catch (error) {
    throw csvRefusal(error);
  }
  if (!columns) throw new ContactFileRefused("The file is empty: a CSV import needs a header row");
}

/** How each column sets a row's field; refuses a header with an empty, repeated or unknown column. */
function csvColumns(header: (string | null)[], layout: ContactFileLayout) {
  const seen = new Set<string>();
  return header.map((name, index) => {
    if (name === null || name.trim() === "") throw new ContactFileRefused(`column ${index + 1} has no name`, 1);
    const fileColumn = IGNORED_FIELDS.has(name) || (CONTACT_FIELDS as readonly string[]).includes(name);
    if (fileColumn && layout.customVariableNames.has(name)) {
      // export-contacts writes such a variable as a second column of the same name.
      throw new ContactFileRefused(
        `the column "${name}" is both a contact column and a custom variable of this workspace: use --format ndjson`,
        1,
      );
    }
    if (seen.has(name)) throw new ContactFileRefused(`the column "${name}" appears twice`, 1);
    seen.add(name);
    if (IGNORED_FIELDS.has(name)) return () => {};
    if ((CONTACT_FIELDS as readonly string[]).includes(name)) {
      const field = name as ContactField;
      // The tags cell is checked (a JSON array) once the row is read, by withTags.
      return (row: ContactFieldsInput, value: string) => {
        (row as Record<string, unknown>)[field] = value;
      };
    }
    if (layout.customVariableNames.has(name)) {
      // Defined, not assigned, so that a variable named "__proto__" is a key like any other.
      return (row: ContactFieldsInput, value: string) => {
        row.customFields ??= {};
        Object.defineProperty(row.customFields, name, { value, enumerable: true, writable: true, configurable: true });
      };
    }
    throw new ContactFileRefused(unknownFieldMessage("column", name, layout), 1);
  });
}

/** A CSV tags cell is a JSON array of names, as export-contacts writes it (a name may hold a comma). */
function withTags(row: ContactFieldsInput, line: number): ContactFieldsInput {
  const cell = row.tags as unknown;
  if (cell === undefined) return row;
  let tags: unknown;
  try {
    tags = JSON.parse(cell as string);
  } catch {
    tags = undefined;
  }
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === "string")) {
    throw new ContactFileRefused(`the tags cell must be a JSON array of names, like ["VIP","Q3, west"]`, line);
  }
  return { ...row, tags };
}

function csvRefusal(error: unknown): unknown {
  if (error instanceof ContactFileRefused) return error;
  const csvError = error as { code?: unknown; message?: unknown };
  if (typeof csvError.code === "string" && csvError.code.startsWith("CSV_")) {
    return new ContactFileRefused(`The file is not valid CSV: ${String(csvError.message)}`);
  }
  return error;
}

async function* ndjsonRows(
  input: Readable,
  layout: ContactFileLayout,
): AsyncGenerator<ContactFileRow, void, undefined> {
  const lines = piped(input, split2({ maxLength: MAX_CONTACT_RECORD_LENGTH }));
  let line = 0;
  try {
    for await (const text of lines as AsyncIterable<string>) {
      line++;
      const content = line === 1 ? text.replace(/^\uFEFF/, "") : text;
      if (content.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(content);
      } catch {
        throw new ContactFileRefused("not a JSON value", line);
      }
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new ContactFileRefused("each line must be one JSON object, a contact", line);
      }
      const source = value as Record<string, unknown>;
      yield { line, contact: ndjsonContact(source, line, layout), size: content.length, source };
    }
  } catch (error) {
    if (error instanceof ContactFileRefused) throw error;
    if (error instanceof Error && /maximum buffer/i.test(error.message)) {
      throw new ContactFileRefused(`a line longer than ${MAX_CONTACT_RECORD_LENGTH} characters`, line + 1);
    }
    throw error;
  }
}

/** The contact a line sets; refuses a key, or a custom field, the import does not know. */
function ndjsonContact(source: Record<string, unknown>, line: number, layout: ContactFileLayout): ContactFieldsInput {
  const contact: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (IGNORED_FIELDS.has(key) || value === null) continue;
    if (key === "tags") {
      if (!Array.isArray(value) || !value.every((tag) => typeof tag === "string")) {
        throw new ContactFileRefused(`tags must be an array of names, like ["VIP","Q3, west"]`, line);
      }
      contact.tags = value;
    } else if ((CONTACT_FIELDS as readonly string[]).includes(key)) {
      if (typeof value !== "string") throw new ContactFileRefused(`${key} must be a string`, line);
      contact[key] = value;
    } else if (key === "customFields") {
      if (typeof value !== "object" || Array.isArray(value)) {
        throw new ContactFileRefused("customFields must be an object of values by custom variable name", line);
      }
      for (const name of Object.keys(value)) {
        if (!layout.customVariableNames.has(name)) {
          throw new ContactFileRefused(unknownFieldMessage("custom field", name, layout), line);
        }
      }
      // fromEntries defines each key as its own property, "__proto__" too (an assignment would not).
      contact.customFields = Object.fromEntries(Object.entries(value).filter(([, fieldValue]) => fieldValue !== null));
    } else {
      const keys = [...CONTACT_FIELDS, "customFields"].join(", ");
      throw new ContactFileRefused(`unknown key ${JSON.stringify(key)}: a contact has ${keys}`, line);
    }
  }
  return contact;
}

/** `input` into `transform`, whose reader also sees the input's own failure (a file not found). */
function piped<T extends Duplex>(input: Readable, transform: T): T {
  input.on("error", (error) => transform.destroy(error));
  return input.pipe(transform);
}

function unknownFieldMessage(what: string, name: string, layout: ContactFileLayout): string {
  const variables = [...layout.customVariableNames].map((variable) => JSON.stringify(variable)).join(", ");
  return (
    `unknown ${what} ${JSON.stringify(name)}: not a contact field (${CONTACT_FIELDS.join(", ")}) ` +
    `nor a custom variable of this workspace (${variables || "it has none"})`
  );
}
