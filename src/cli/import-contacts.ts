import { once } from "node:events";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { Presets, SingleBar } from "cli-progress";
import { stringify } from "csv-stringify/sync";
import type { Caller } from "../access/api-keys.js";
import { API_SCOPES } from "../access/scopes.js";
import { CSV_CELLS } from "../contacts/export-contacts.js";
import {
  type ContactFileFormat,
  type ContactFileLayout,
  type ContactFileRow,
  readContactFile,
} from "../contacts/import/contact-file.js";
import { type ImportRowOutcome, importContacts } from "../contacts/import/import-contacts.js";
import type { ImportMode } from "../contacts/import/import-plan.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { findOperatorWorkspace } from "../workspaces/workspaces.service.js";

/**
 * `admin import-contacts`: a contacts file into one workspace, through the same importContacts as
 * the API, in batches in file order, so memory stays flat whatever the file's size. The file is read
 * through once first: a file refused for its format writes nothing, and the progress bar knows the total.
 */

export interface ImportFileRequest {
  workspaceId: string;
  /** A path, or "-" for stdin. */
  file: string;
  format: ContactFileFormat;
  mode: ImportMode;
  preserveExisting: boolean;
  /** Where the rejected rows go, in the file's format, with `_line` and `_errors`; null: stderr. */
  rejectedFile: string | null;
  /** Rows per importContacts batch (IMPORT_MAX_ROWS). */
  batchRows: number;
  /** A terminal to draw the progress bar on, or null. */
  progress: NodeJS.WriteStream | null;
}

export interface ImportFileSummary {
  created: number;
  updated: number;
  failed: number;
  elapsedMs: number;
}

/** Characters of rows one batch holds at most, whatever IMPORT_MAX_ROWS is: bounds memory on wide rows. */
const MAX_BATCH_CHARACTERS = 1024 * 1024;

/** Rejections listed on stderr when there is no --rejected file. */
const REJECTIONS_ON_STDERR = 20;

export async function importContactFile(prisma: PrismaClient, request: ImportFileRequest): Promise<ImportFileSummary> {
  const started = performance.now();
  const workspace = await findOperatorWorkspace(prisma, request.workspaceId);
  // The operator acts as a workspace key with every scope would, so each row meets the API's rules.
  const caller: Caller = {
    apiKeyId: "admin-command-line",
    accountId: workspace.accountId,
    workspaceId: workspace.id,
    scopes: API_SCOPES,
    credential: "api_key",
    subject: null,
  };
  const layout: ContactFileLayout = { customVariableNames: new Set(workspace.customVariableNames) };

  const source = await openSource(request.file);
  try {
    let total = 0;
    for await (const _ of readContactFile(source.read(), request.format, layout)) total++;

    const rejected = await RejectedRows.open(request.format, request.rejectedFile, source.identity);
    const bar = request.progress ? progressBar(request.progress, total) : null;
    const summary = { created: 0, updated: 0, failed: 0 };
    const importStarted = performance.now();
    let batchLine = 0;
    try {
      for await (const batch of batches(readContactFile(source.read(), request.format, layout), request)) {
        batchLine = batch[0]?.line ?? 0;
        const result = await importContacts(
          prisma,
          caller,
          {
            workspaceId: workspace.id,
            mode: request.mode,
            preserveExisting: request.preserveExisting,
            contacts: batch.map((row) => row.contact),
          },
          { maxRows: request.batchRows },
        );
        summary.created += result.createdCount;
        summary.updated += result.updatedCount;
        summary.failed += result.failedCount;
        for (const { index, outcome } of result.results) {
          const row = batch[index] as ContactFileRow;
          if (outcome.kind === "invalid" || outcome.kind === "conflict") await rejected.add(row, rowIssues(outcome));
        }
        const done = summary.created + summary.updated + summary.failed;
        bar?.update(done, { rate: Math.round(done / ((performance.now() - importStarted) / 1000)) });
      }
    } catch (error) {
      throw new ImportStopped(error, summary, batchLine);
    } finally {
      bar?.stop();
      await rejected.close();
    }
    return { ...summary, elapsedMs: Math.round(performance.now() - started) };
  } finally {
    await source.close();
  }
}

/** A failure after the import started: what it was, and what had been imported before it. */
export class ImportStopped extends Error {
  constructor(cause: unknown, summary: Omit<ImportFileSummary, "elapsedMs">, batchLine: number) {
    super(
      `${cause instanceof Error ? cause.message : String(cause)}\n` +
        `Stopped at the batch from line ${batchLine}: that batch and the rows after it were not imported. ` +
        `Before it: ${summary.created} created, ${summary.updated} updated, ${summary.failed} rejected.`,
      { cause },
    );
    this.name = "ImportStopped";
  }
}

interface ContactSource {
  /** The file from its start. */
  read(): Readable;
  /** The device and inode of a file read by its path, to keep --rejected from overwriting it. */
  identity: { dev: number; ino: number } | null;
  close(): Promise<void>;
}

/**
 * A regular file is read by its path, twice. Anything else (stdin, a pipe) can be read only once:
 * it is copied to a private temporary file, unlinked as soon as it is written and opened, so
 * nothing is left behind however the command ends later, and read twice through its descriptor.
 */
async function openSource(file: string): Promise<ContactSource> {
  if (file !== "-") {
    const stats = await stat(file);
    if (stats.isFile() || stats.isDirectory()) {
      return {
        read: () => createReadStream(file),
        identity: { dev: stats.dev, ino: stats.ino },
        close: async () => {},
      };
    }
  }
  const directory = mkdtempSync(join(tmpdir(), "contacts-import-"));
  let handle: FileHandle;
  try {
    const path = join(directory, "input");
    await pipeline(file === "-" ? process.stdin : createReadStream(file), createWriteStream(path, { mode: 0o600 }));
    handle = await open(path, "r");
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  return {
    read: () => handle.createReadStream({ start: 0, autoClose: false }),
    identity: null,
    close: () => handle.close(),
  };
}

/** Rows in file order, cut into batches of at most `batchRows` rows and MAX_BATCH_CHARACTERS. */
async function* batches(rows: AsyncIterable<ContactFileRow>, request: ImportFileRequest) {
  let batch: ContactFileRow[] = [];
  let characters = 0;
  for await (const row of rows) {
    if (batch.length > 0 && (batch.length >= request.batchRows || characters + row.size > MAX_BATCH_CHARACTERS)) {
      yield batch;
      batch = [];
      characters = 0;
    }
    batch.push(row);
    characters += row.size;
  }
  if (batch.length > 0) yield batch;
}

interface RowIssue {
  path: string[];
  code: string;
  message: string;
}

/** Every issue of a rejected row; a conflict names the field and the contact that holds the value. */
function rowIssues(outcome: Extract<ImportRowOutcome, { kind: "invalid" | "conflict" }>): RowIssue[] {
  if (outcome.kind === "invalid") {
    return outcome.error.issues.map(({ path, code, message }) => ({ path, code, message }));
  }
  return outcome.error.conflicts.map(({ field, existingContactId }) => ({
    path: [field.toLowerCase()],
    code: "CONFLICT",
    message: `contact ${existingContactId} already has this ${field.toLowerCase()}`,
  }));
}

function issuesText(issues: readonly RowIssue[]): string {
  return issues.map((issue) => `${issue.path.join(".") || "(row)"}: ${issue.message}`).join("; ");
}

/**
 * The rejected rows, written as they come: the row as read plus `_line` (where it starts in the
 * file) and `_errors`, in the file's own format, so the fixed file imports again as it is. Without
 * a file, the first few go to stderr once the import is over (not across the progress bar).
 */
class RejectedRows {
  private headerWritten = false;
  private readonly listed: string[] = [];
  private unlisted = 0;

  private constructor(
    private readonly format: ContactFileFormat,
    private readonly out: WriteStream | null,
  ) {}

  /** Opens the rejected file before anything is imported, so a path that cannot be written fails first. */
  static async open(
    format: ContactFileFormat,
    path: string | null,
    input: ContactSource["identity"],
  ): Promise<RejectedRows> {
    if (!path) return new RejectedRows(format, null);
    const existing = await stat(path).catch(() => null);
    if (existing && input && existing.dev === input.dev && existing.ino === input.ino) {
      throw new Error("--rejected names the file being imported: give another path");
    }
    const handle = await open(path, "w");
    return new RejectedRows(format, handle.createWriteStream());
  }

  async add(row: ContactFileRow, issues: RowIssue[]): Promise<void> {
    if (!this.out) {
      if (this.listed.length < REJECTIONS_ON_STDERR) this.listed.push(`line ${row.line}: ${issuesText(issues)}\n`);
      else this.unlisted++;
      return;
    }
    const { _line, _errors, ...cells } = row.source;
    let text: string;
    if (this.format === "ndjson") {
      text = `${JSON.stringify({ _line: row.line, _errors: issues, ...cells })}\n`;
    } else {
      const record = [String(row.line), issuesText(issues), ...Object.values(cells)];
      const records = this.headerWritten ? [record] : [["_line", "_errors", ...Object.keys(cells)], record];
      this.headerWritten = true;
      text = stringify(records, CSV_CELLS);
    }
    if (!this.out.write(text)) await once(this.out, "drain");
  }

  async close(): Promise<void> {
    if (this.out) {
      this.out.end();
      await finished(this.out);
      return;
    }
    for (const line of this.listed) process.stderr.write(line);
    if (this.unlisted > 0) process.stderr.write(`… and ${this.unlisted} more: --rejected <file> writes them all\n`);
  }
}

function progressBar(terminal: NodeJS.WriteStream, total: number): SingleBar {
  const bar = new SingleBar(
    {
      stream: terminal,
      format: "Importing {bar} {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}",
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { rate: 0 });
  return bar;
}
