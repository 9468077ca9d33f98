import type { ImportContactInput } from "@contacts-api/client";
import Papa from "papaparse";

/**
 * CSV → importContacts rows, with no React and no network, so it can be tested on its own. The
 * format is the one `admin export-contacts --format csv` writes: `id,firstName,lastName,email,phone,
 * timezone,tags,createdAt,updatedAt`, then one column per custom variable named by its display name;
 * `tags` is a JSON array of names (`["VIP","a, b"]`); an empty cell is a value not given.
 */

/** A larger file is refused before it is read: what a stranger's file may cost the page. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Rows per importContacts request: the server's IMPORT_MAX_ROWS default. */
export const BATCH_SIZE = 1000;

/**
 * Columns an import does not take: the export's id and timestamps (the server assigns them), and
 * the two that the admin import's rejected file adds (`_line`, `_errors`).
 */
const IGNORED_COLUMNS = new Set(["id", "createdAt", "updatedAt", "_line", "_errors"]);
const TEXT_COLUMNS = ["firstName", "lastName", "email", "phone", "timezone"] as const;
const CONTACT_COLUMNS = new Set<string>([...TEXT_COLUMNS, "tags"]);

export const TAGS_ISSUE = 'a JSON array of names, e.g. ["VIP"]';

/** One problem with a row: the field (`phone`, `customFields.Lead Source`, …) and what is wrong. */
export interface RowIssue {
  path: string;
  message: string;
  /** A ConflictError: the live contact that holds the value. */
  existingContactId?: string;
}

/** A row that wrote nothing, found here or by the server. */
export interface RejectedRow {
  /** The CSV line the row starts on (the header is line 1; a quoted cell may span lines). */
  line: number;
  email: string | undefined;
  phone: string | undefined;
  issues: RowIssue[];
}

/** A row to send, with the line it came from. */
export interface CsvContactRow {
  line: number;
  input: ImportContactInput;
}

export type ParsedContactsCsv =
  | { ok: true; rows: CsvContactRow[]; rejected: RejectedRow[]; customColumns: string[] }
  | { ok: false; message: string };

/** Parses a whole file's text; a file that is not a well-formed contacts CSV is refused with a message. */
export function parseContactsCsv(source: string): ParsedContactsCsv {
  // Papa strips a BOM itself, but its cursors must count in the text the lines are counted in.
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const lineBreak = text.includes("\n") ? "\n" : "\r";
  // Set in the parser's callback, which the compiler's flow analysis does not follow.
  let header = null as string[] | null;
  let headerIssue = null as string | null;
  const rows: CsvContactRow[] = [];
  const rejected: RejectedRow[] = [];
  const parseErrors: Papa.ParseError[] = [];
  // Lines are counted up to where each row starts (the cursor after the previous row), so a quoted
  // cell holding a line break does not shift the rows after it.
  let rowStart = 0;
  let counted = 0;
  let lineBreaksBefore = 0;

  Papa.parse<string[]>(text, {
    delimiter: ",",
    step: (result, parser) => {
      lineBreaksBefore += countOf(text, lineBreak, counted, rowStart);
      counted = rowStart;
      const line = lineBreaksBefore + 1;
      rowStart = result.meta.cursor;
      if (result.errors.length > 0) {
        parseErrors.push(...result.errors.map((error) => ({ ...error, row: line })));
        parser.abort();
        return;
      }
      const cells = result.data;
      if (cells.length === 1 && cells[0] === "") return; // an empty line
      if (header === null) {
        header = cells.map((cell) => cell.trim());
        headerIssue = checkHeader(header);
        if (headerIssue) parser.abort();
        return;
      }
      const row = toRow(header, cells, line);
      if ("issues" in row) rejected.push(row);
      else rows.push(row);
    },
  });

  const [parseError] = parseErrors;
  if (parseError) {
    return {
      ok: false,
      message: `This is not a well-formed CSV file: ${parseError.message} (line ${parseError.row}).`,
    };
  }
  if (headerIssue) return { ok: false, message: headerIssue };
  if (header === null) return { ok: false, message: "The file is empty: it needs a header row and contacts." };
  if (rows.length === 0 && rejected.length === 0)
    return { ok: false, message: "The file has a header but no contacts." };
  const customColumns = header.filter((name) => !IGNORED_COLUMNS.has(name) && !CONTACT_COLUMNS.has(name));
  return { ok: true, rows, rejected, customColumns };
}

function checkHeader(header: string[]): string | null {
  const empty = header.indexOf("");
  if (empty >= 0) return `Column ${empty + 1} of the header row has no name.`;
  const repeated = header.find((name, index) => header.indexOf(name) !== index);
  if (repeated !== undefined) return `The header row names the column "${repeated}" twice.`;
  if (!["firstName", "lastName", "email", "phone"].some((name) => header.includes(name))) {
    return "The header row has none of the columns firstName, lastName, email, phone: this is not a contacts CSV (the format export-contacts writes).";
  }
  return null;
}

function toRow(header: string[], cells: string[], line: number): CsvContactRow | RejectedRow {
  const cell = (name: string): string | undefined => {
    const value = cells[header.indexOf(name)];
    return value === undefined || value === "" ? undefined : value;
  };
  const email = cell("email");
  const phone = cell("phone");
  if (cells.length !== header.length) {
    const message = `has ${cells.length} cell${cells.length === 1 ? "" : "s"} where the header has ${header.length}`;
    return { line, email, phone, issues: [{ path: "row", message }] };
  }
  const input: ImportContactInput = {};
  for (const name of TEXT_COLUMNS) {
    const value = cell(name);
    if (value !== undefined) input[name] = value;
  }
  const tagsCell = cell("tags");
  if (tagsCell !== undefined) {
    const tags = parseTags(tagsCell);
    if (tags === null) return { line, email, phone, issues: [{ path: "tags", message: TAGS_ISSUE }] };
    if (tags.length > 0) input.tags = tags;
  }
  const customFields: Record<string, string> = {};
  header.forEach((name, index) => {
    const value = cells[index];
    if (IGNORED_COLUMNS.has(name) || CONTACT_COLUMNS.has(name) || value === undefined || value === "") return;
    customFields[name] = value;
  });
  if (Object.keys(customFields).length > 0) input.customFields = customFields;
  return { line, input };
}

/** The tag names of a `tags` cell, or null when it is not a JSON array of strings. */
export function parseTags(cell: string): string[] | null {
  let value: unknown;
  try {
    value = JSON.parse(cell);
  } catch {
    return null;
  }
  return Array.isArray(value) && value.every((tag) => typeof tag === "string") ? value : null;
}

function countOf(text: string, character: string, from: number, to: number): number {
  let count = 0;
  for (let index = text.indexOf(character, from); index >= 0 && index < to; index = text.indexOf(character, index + 1))
    count++;
  return count;
}

/** `items` in consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const slices: T[][] = [];
  for (let start = 0; start < items.length; start += size) slices.push(items.slice(start, start + size));
  return slices;
}
