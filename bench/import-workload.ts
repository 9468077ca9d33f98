/**
 * What the import scenario loads: generated contacts (names, a unique email and E.164 phone, three
 * tags from a pool of 50, two custom values), and the three forms they travel in: importContacts
 * batches (JSON), COPY text for the floor, and the CSV file of the admin command line. All three
 * are made from the same rows, so that every side loads the same data.
 */
import { deriveTimezone } from "../src/contacts/rules/timezone.js";
import { CUSTOM_VARIABLES, uniquePhone } from "./workload.js";

export const DEFAULT_IMPORT_ROWS = 100_000;
export const QUICK_IMPORT_ROWS = 10_000;
/** Rows per importContacts batch: the server's default IMPORT_MAX_ROWS. */
export const IMPORT_BATCH_ROWS = 1_000;
/** Concurrent batches, one fresh workspace each. */
export const IMPORT_CONCURRENCIES = [1, 4] as const;
export const IMPORT_TAG_POOL = 50;
/** Each row's three tags: pool entries i, i + 7 and i + 19 (mod 50), distinct, so every pool tag is used. */
const TAG_OFFSETS = [0, 7, 19] as const;
const FIRST_NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken"] as const;

export interface ImportRow {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  tags: string[];
  customFields: { "Lead Source": string; Score: string };
}

export function importTagName(k: number): string {
  return `pool-${k}`;
}

/** The i-th row: unique within its workspace by email and phone (uniquePhone's numbers pass the phone rule). */
export function importRow(i: number): ImportRow {
  return {
    firstName: FIRST_NAMES[i % FIRST_NAMES.length] as string,
    lastName: `Import ${i}`,
    email: `i${i}@import.example.com`,
    phone: uniquePhone(i),
    tags: TAG_OFFSETS.map((offset) => importTagName((i + offset) % IMPORT_TAG_POOL)),
    customFields: { "Lead Source": `List ${i % 12}`, Score: String(i % 1000) },
  };
}

export function importRows(count: number): ImportRow[] {
  return Array.from({ length: count }, (_, i) => importRow(i));
}

export const IMPORT_DOCUMENT = `mutation BenchImport($input: ImportContactsInput!) {
  importContacts(input: $input) {
    __typename
    ... on ImportContactsSuccess {
      createdCount updatedCount failedCount
      results { index outcome { __typename ... on ValidationError { message } ... on ConflictError { message } } }
    }
    ... on ValidationError { message issues { path code message } }
    ... on ForbiddenError { message }
  }
}`;

/** The JSON body of one CREATE batch (the workspace key names the workspace). */
export function importBody(rows: readonly ImportRow[]): string {
  return JSON.stringify({ query: IMPORT_DOCUMENT, variables: { input: { mode: "CREATE", contacts: rows } } });
}

interface ImportResponse {
  data?: {
    importContacts?: {
      __typename?: string;
      createdCount?: number;
      failedCount?: number;
      updatedCount?: number;
      results?: { index: number; outcome: { __typename: string; message?: string } }[];
      message?: string;
    };
  } | null;
  errors?: { message?: string }[];
}

/** Null when the batch created every one of its rows; else what went wrong. */
export function judgeImportResponse(status: number, body: string, rows: number): string | null {
  if (status !== 200) return `HTTP ${status}: ${body.slice(0, 400)}`;
  let parsed: ImportResponse;
  try {
    parsed = JSON.parse(body) as ImportResponse;
  } catch {
    return `not JSON: ${body.slice(0, 200)}`;
  }
  if (parsed.errors?.length) return `GraphQL errors: ${JSON.stringify(parsed.errors).slice(0, 400)}`;
  const result = parsed.data?.importContacts;
  if (result?.__typename !== "ImportContactsSuccess") return `${result?.__typename}: ${JSON.stringify(result)}`;
  const failed = result.results?.find((r) => r.outcome.__typename !== "ImportRowSuccess");
  if (result.createdCount !== rows || result.failedCount !== 0 || result.updatedCount !== 0 || failed) {
    return `createdCount ${result.createdCount}, updatedCount ${result.updatedCount}, failedCount ${result.failedCount} of ${rows} rows${
      failed ? `; row ${failed.index}: ${failed.outcome.__typename} ${failed.outcome.message ?? ""}` : ""
    }`;
  }
  if (result.results?.length !== rows) return `${result.results?.length} results for ${rows} rows`;
  return null;
}

/** The floor's staging table: a row's contact id is made by the loader, as the server makes it in Node. */
export const STAGING_COLUMNS = [
  "id",
  "first_name",
  "last_name",
  "email",
  "phone",
  "timezone",
  "tags",
  "lead_source",
  "score",
] as const;

/** COPY's text format: a backslash, tab, newline or carriage return in a value is escaped. */
function copyText(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

/** A text[] literal, every element quoted. */
function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(",")}}`;
}

/** One line of COPY text per row; the timezone is derived from the phone as createContact derives it. */
export function copyLine(id: string, row: ImportRow): string {
  const fields = [
    id,
    row.firstName,
    row.lastName,
    row.email,
    row.phone,
    deriveTimezone(row.phone, null) ?? "\\N",
    arrayLiteral(row.tags),
    row.customFields["Lead Source"],
    row.customFields.Score,
  ];
  return `${fields.map((field, i) => (i === 5 && field === "\\N" ? field : copyText(field))).join("\t")}\n`;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The admin command line's CSV: firstName,lastName,email,phone,timezone,tags,<custom variables>,
 * tags as a JSON array of names, an empty cell for a value not given (the timezone: derived).
 */
export function csvHeader(): string {
  return `${["firstName", "lastName", "email", "phone", "timezone", "tags", ...CUSTOM_VARIABLES].map(csvField).join(",")}\n`;
}

export function csvLine(row: ImportRow): string {
  const fields = [
    row.firstName,
    row.lastName,
    row.email,
    row.phone,
    "",
    JSON.stringify(row.tags),
    row.customFields["Lead Source"],
    row.customFields.Score,
  ];
  return `${fields.map(csvField).join(",")}\n`;
}
