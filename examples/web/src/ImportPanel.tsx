import { type CombinedError, type ImportRowOutcome, useImportContacts } from "@contacts-api/client";
import { type ChangeEvent, useId, useState } from "react";
import type { CsvContactRow, RejectedRow, RowIssue } from "./csv-import.ts";
import { describeRequestError } from "./errors.ts";
import { contactHref, Link } from "./router.tsx";

/** The rejected table shows this many rows at most; the counts cover them all. */
const MAX_SHOWN_REJECTIONS = 500;
const MAX_FILE_MB = 20;

interface Progress {
  fileName: string;
  /** Rows to send (the rows rejected here are not sent). */
  total: number;
  /** Rows the server has answered. */
  done: number;
  created: number;
  updated: number;
  /** Rejected here or by the server: nothing written. */
  failed: number;
  rejected: RejectedRow[];
}

type ImportState =
  | { phase: "idle" }
  | { phase: "refused"; message: string }
  | { phase: "importing"; progress: Progress }
  | { phase: "done"; progress: Progress }
  | { phase: "stopped"; progress: Progress; message: string };

const count = (n: number) => n.toLocaleString("en-US");

/**
 * Import CSV: a file in the export-contacts format, sent in sequential importContacts batches of at
 * most 1,000 rows, with the progress as each batch returns, then the counts and every rejected row
 * with its issues. A batch the server refuses as a whole (or that gets no answer) stops the import.
 */
export function ImportPanel({ apiUrl }: { apiUrl: string }) {
  const [, importContacts] = useImportContacts();
  const [upsert, setUpsert] = useState(false);
  const [state, setState] = useState<ImportState>({ phase: "idle" });
  const id = useId();
  const busy = state.phase === "importing";

  async function pick(event: ChangeEvent<HTMLInputElement>) {
    const input = event.currentTarget;
    const file = input.files?.[0];
    // The same file can be picked again after it is fixed.
    input.value = "";
    if (!file) return;
    if (file.size > MAX_FILE_MB * 1024 * 1024) {
      setState({
        phase: "refused",
        message: `${file.name} is larger than ${MAX_FILE_MB} MB: split it into smaller files.`,
      });
      return;
    }
    // Papa Parse is loaded with the first file, not with the page.
    const { BATCH_SIZE, chunks, parseContactsCsv } = await import("./csv-import.ts");
    let parsed: ReturnType<typeof parseContactsCsv>;
    try {
      parsed = parseContactsCsv(await file.text());
    } catch (error) {
      setState({ phase: "refused", message: `Cannot read ${file.name}: ${(error as Error).message}` });
      return;
    }
    if (!parsed.ok) {
      setState({ phase: "refused", message: `${file.name} was not imported. ${parsed.message} Nothing was sent.` });
      return;
    }

    let progress: Progress = {
      fileName: file.name,
      total: parsed.rows.length,
      done: 0,
      created: 0,
      updated: 0,
      failed: parsed.rejected.length,
      rejected: parsed.rejected,
    };
    setState({ phase: "importing", progress });
    const mode = upsert ? "UPSERT" : "CREATE";
    for (const batch of chunks(parsed.rows, BATCH_SIZE)) {
      const lines = `the batch of lines ${count(batch[0]?.line ?? 0)} to ${count(batch.at(-1)?.line ?? 0)}`;
      const stop = (reason: string, written: "nothing" | "unknown") => {
        const batchOutcome =
          written === "nothing"
            ? `Nothing of ${lines} was written`
            : `${capitalized(lines)} got no answer: some of its rows may have been written (import the file again with "Update existing contacts" to be sure)`;
        const message = `Stopped after ${count(progress.done)} of ${count(progress.total)} rows: ${reason} ${batchOutcome}, and no later row was sent; the counts above are what was written.`;
        setState({ phase: "stopped", progress, message });
      };
      let result: Awaited<ReturnType<typeof importContacts>>;
      try {
        result = await importContacts({ mode, contacts: batch.map((row) => row.input) });
      } catch (error) {
        const failure = isCombinedError(error)
          ? batchFailure(error, apiUrl)
          : { reason: `${String((error as Error)?.message ?? error)}.`, written: "unknown" as const };
        stop(failure.reason, failure.written);
        return;
      }
      if (result.__typename === "ValidationError") {
        stop(`the API refused the batch: ${issuesText(result.issues)}.`, "nothing");
        return;
      }
      if (result.__typename === "ForbiddenError") {
        stop(`the API refused the batch: ${result.message}`, "nothing");
        return;
      }
      const rejected = result.results.flatMap(({ index, outcome }) => {
        const row = batch[index];
        return row ? rejection(row, outcome) : [];
      });
      progress = {
        ...progress,
        done: progress.done + batch.length,
        created: progress.created + result.createdCount,
        updated: progress.updated + result.updatedCount,
        failed: progress.failed + result.failedCount,
        rejected: [...progress.rejected, ...rejected].sort((a, b) => a.line - b.line),
      };
      setState({ phase: "importing", progress });
    }
    setState({ phase: "done", progress });
  }

  return (
    <section className="card import-panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Import CSV</h2>
      <p className="hint">
        A header row, then one contact a row: <code>firstName, lastName, email, phone, timezone, tags</code> (a JSON
        array of names, <code>["VIP"]</code>) and a column per custom variable, as <code>admin export-contacts</code>{" "}
        writes it (its <code>id</code>, <code>createdAt</code>, <code>updatedAt</code> are ignored). An empty cell is
        not given. At most {MAX_FILE_MB} MB.
      </p>
      <div className="field">
        <label htmlFor={`${id}-file`}>CSV file</label>
        <input id={`${id}-file`} type="file" accept=".csv,text/csv" onChange={pick} disabled={busy} />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={upsert} onChange={(event) => setUpsert(event.target.checked)} disabled={busy} />
        Update existing contacts (upsert): a row whose phone or email a contact has updates it
      </label>

      {state.phase === "refused" && (
        <p className="form-error" role="alert">
          {state.message}
        </p>
      )}
      {state.phase !== "idle" && state.phase !== "refused" && <ImportProgress id={id} state={state} />}
    </section>
  );
}

function ImportProgress({ id, state }: { id: string; state: Exclude<ImportState, { phase: "idle" | "refused" }> }) {
  const { progress } = state;
  const shown = progress.rejected.slice(0, MAX_SHOWN_REJECTIONS);
  return (
    <div className="import-progress">
      <label htmlFor={`${id}-progress`}>
        {progress.fileName}: {count(progress.done)} of {count(progress.total)} rows sent
      </label>
      <progress id={`${id}-progress`} value={progress.done} max={progress.total} />
      <dl className="import-counts" aria-label="Import counts">
        <div>
          <dt>Created</dt>
          <dd data-count="created">{count(progress.created)}</dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd data-count="updated">{count(progress.updated)}</dd>
        </div>
        <div>
          <dt>Failed</dt>
          <dd data-count="failed">{count(progress.failed)}</dd>
        </div>
      </dl>
      {state.phase === "done" && (
        <p className="success" role="status">
          Imported {progress.fileName}: {count(progress.created)} created, {count(progress.updated)} updated,{" "}
          {count(progress.failed)} failed.
        </p>
      )}
      {state.phase === "stopped" && (
        <p className="form-error" role="alert">
          {state.message}
        </p>
      )}
      {progress.rejected.length > 0 && (
        <table className="rejected" aria-label="Rejected rows">
          <caption>
            Rejected rows: nothing was written for them. Line numbers count from the header (line 1); a row whose cells
            span lines starts on the line shown.
            {progress.rejected.length > shown.length &&
              ` The first ${count(shown.length)} of ${count(progress.rejected.length)} are shown.`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Email</th>
              <th scope="col">Phone</th>
              <th scope="col">Issues</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={row.line} data-line={row.line}>
                <td>{row.line}</td>
                <td>{row.email}</td>
                <td>{row.phone}</td>
                <td>
                  <ul className="row-issues">
                    {row.issues.map((issue, index) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: a row's issues never reorder.
                      <li key={index}>
                        {issue.path}: {issue.message}
                        {issue.existingContactId && (
                          <>
                            {" "}
                            <Link href={contactHref(issue.existingContactId)}>{issue.existingContactId}</Link>
                          </>
                        )}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The row's line in the rejected table, when its outcome wrote nothing. */
function rejection(row: CsvContactRow, outcome: ImportRowOutcome): RejectedRow[] {
  const base = { line: row.line, email: row.input.email ?? undefined, phone: row.input.phone ?? undefined };
  if (outcome.__typename === "ValidationError") {
    return [
      { ...base, issues: outcome.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })) },
    ];
  }
  if (outcome.__typename === "ConflictError") {
    const issues: RowIssue[] = outcome.conflicts.map((conflict) => ({
      path: conflict.field.toLowerCase(),
      message: "a contact already has this value:",
      existingContactId: conflict.existingContactId,
    }));
    return [{ ...base, issues }];
  }
  return [];
}

function issuesText(issues: readonly { path: readonly string[]; message: string }[]): string {
  return issues
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

const isCombinedError = (error: unknown): error is CombinedError =>
  error instanceof Error && "graphQLErrors" in error && Array.isArray(error.graphQLErrors);

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Why a batch failed outside the contract. An answer with GraphQL errors (429 over the import row
 * budget, a refused token) ran nothing; with no answer at all, whether the batch ran is unknown.
 */
function batchFailure(error: CombinedError, apiUrl: string): { reason: string; written: "nothing" | "unknown" } {
  const rateLimited =
    error.response?.status === 429 || error.graphQLErrors.some((e) => e.extensions?.code === "RATE_LIMITED");
  const reason = rateLimited
    ? "the API's import budget is spent for now (HTTP 429): import the file again in a minute (its rows already written come back as conflicts, or as updates with upsert)."
    : `${describeRequestError(error, apiUrl).replace(/\.?$/, ".")}`;
  return { reason, written: rateLimited || error.graphQLErrors.length > 0 ? "nothing" : "unknown" };
}
