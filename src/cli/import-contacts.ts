import { once } from "node:events";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Presets, SingleBar } from "cli-progress";
import { stringify } from "csv-stringify/sync";
import type { Caller } from "../access/api-keys.js";
import { API_SCOPES } from "../access/scopes.js";
import { isUuid } from "../access/workspace-access.js";
import { CSV_CELLS } from "../contacts/export-contacts.js";
import {
  type ContactFileFormat,
  type ContactFileLayout,
  type ContactFileRow,
  readContactFile,
} from "../contacts/import/contact-file.js";
import { type ImportRowOutcome, importContacts } from "../contacts/import/import-contacts.js";
import type { ImportMode } from "../contacts/import/import-plan.js";
import { NotFoundError } from "../errors/domain-errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";

/**
 * `admin import-contacts`: a contacts file into one workspace, through the same importContacts as
 * the API, in batches in file order, so memory stays flat whatever the file's size. The file is read
 * through once first: a file refused for its format writes nothing, and the progress bar knows the total.
 */

export interface ImportFileRequest {
  workspaceId: string;
  /** A path, or "-" for stdin (copied to a temporary file first, to be read twice). */
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
  const workspace = isUuid(request.workspaceId)
    ? await prisma.workspace.findUnique({
        where: { id: request.workspaceId.toLowerCase() },
        select: { id: true, accountId: true, customVariables: { select: { name: true } } },
      })
    : null;
  if (!workspace) throw new NotFoundError("Workspace");
  // The operator acts as a workspace key with every scope would, so each row meets the API's rules.
  const caller: Caller = {
    apiKeyId: "admin-command-line",
    accountId: workspace.accountId,
    workspaceId: workspace.id,
    scopes: API_SCOPES,
    credential: "api_key",
    subject: null,
  };
  const layout: ContactFileLayout = { customVariableNames: new Set(workspace.customVariables.map((v) => v.name)) };

  const spooled = request.file === "-" ? await spoolStdin() : null;
  const path = spooled?.path ?? request.file;
  try {
    let total = 0;
    for await (const _ of readContactFile(createReadStream(path), request.format, layout)) total++;

    const rejected = new RejectedRows(request.format, request.rejectedFile);
    const bar = request.progress ? progressBar(request.progress, total) : null;
    const summary = { created: 0, updated: 0, failed: 0 };
    try {
      for await (const batch of batches(readContactFile(createReadStream(path), request.format, layout), request)) {
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
        bar?.update(done, { rate: Math.round(done / ((performance.now() - started) / 1000)) });
      }
    } finally {
      bar?.stop();
      await rejected.close();
    }
    return { ...summary, elapsedMs: Math.round(performance.now() - started) };
  } finally {
    spooled?.remove();
  }
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
 * file) and `_errors`, in the file's own format, so the fixed file imports again as it is.
 */
class RejectedRows {
  private readonly out: WriteStream | null;
  private headerWritten = false;
  private listed = 0;
  private failure: Error | null = null;

  constructor(
    private readonly format: ContactFileFormat,
    path: string | null,
  ) {
    this.out = path ? createWriteStream(path) : null;
    this.out?.on("error", (error) => {
      this.failure ??= error;
    });
  }

  async add(row: ContactFileRow, issues: RowIssue[]): Promise<void> {
    if (!this.out) {
      if (this.listed++ < REJECTIONS_ON_STDERR) process.stderr.write(`line ${row.line}: ${issuesText(issues)}\n`);
      return;
    }
    if (this.failure) throw this.failure;
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
    if (!this.out) {
      if (this.listed > REJECTIONS_ON_STDERR) {
        process.stderr.write(`… and ${this.listed - REJECTIONS_ON_STDERR} more: --rejected <file> writes them all\n`);
      }
      return;
    }
    this.out.end();
    await once(this.out, "close");
    if (this.failure) throw this.failure;
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

/** Copies stdin to a private temporary file, so it can be checked in full before anything is written. */
async function spoolStdin(): Promise<{ path: string; remove(): void }> {
  const directory = mkdtempSync(join(tmpdir(), "contacts-import-"));
  const remove = () => rmSync(directory, { recursive: true, force: true });
  const path = join(directory, "stdin");
  try {
    await pipeline(process.stdin, createWriteStream(path, { mode: 0o600 }));
  } catch (error) {
    remove();
    throw error;
  }
  return { path, remove };
}
