/**
 * The bulk-import scenario: the same generated rows (import-workload.ts) loaded three ways, each
 * into an empty workspace of its own, and every row checked to be really created:
 *
 * - ours: importContacts batches of 1,000 (CREATE) at 1 and at 4 concurrent batches, timed from
 *   the first request to the last response; every batch must answer createdCount = its rows and
 *   failedCount = 0, or the run fails.
 * - the floor: COPY into a staging table, then one set-based INSERT … SELECT per table (contacts,
 *   tags, contact_tags, contact_custom_values) into the real schema with its indexes: what loading
 *   the rows costs the database itself, at the same concurrencies (each session a share of the rows).
 * - the admin command line (`import-contacts --format csv`) on a CSV file of the same rows, run
 *   after the server has stopped (an embedded data directory admits one process at a time).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CpuAccounting, type CpuCost } from "./cpu-accounting.js";
import type { BenchDatabase, CopySession, SqlRunner } from "./database.js";
import {
  copyLine,
  csvHeader,
  csvLine,
  IMPORT_BATCH_ROWS,
  type ImportRow,
  importBody,
  judgeImportResponse,
  STAGING_COLUMNS,
} from "./import-workload.js";
import { type OursTarget, post } from "./ours.js";
import { runAdmin } from "./seed.js";
import type { ProcessSampler } from "./server.js";
import { type LatencySummary, summarizeLatencies } from "./stats.js";
import { CUSTOM_VARIABLES } from "./workload.js";

const REPO_ROOT = new URL("..", import.meta.url);

/** The workspaces the scenario loads into, each empty until then: a warm-up, ours and the floor's per concurrency, the CLI's. */
export interface ImportWorkspaces {
  accountId: string;
  warmup: ImportWorkspace;
  api: Record<number, ImportWorkspace>;
  floor: Record<number, ImportWorkspace>;
  cli: ImportWorkspace;
}

export interface ImportWorkspace {
  workspaceId: string;
  apiKey: string;
}

export interface ImportApiRun {
  concurrency: number;
  rows: number;
  batches: number;
  seconds: number;
  rowsPerSecond: number;
  batchLatencyMs: LatencySummary;
  serverPeakRssMb: number | null;
  serverCpuPercent: number | null;
  /** Machine CPU per row (ms), PostgreSQL's part apart (bench/cpu-accounting.ts). */
  cpuPerRow: CpuCost;
}

export interface ImportFloorRun {
  /** Sessions, each loading its share of the rows. */
  concurrency: number;
  method: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** COPY into the staging tables, and the INSERT … SELECTs and commits, of `seconds` (the slowest session's). */
  copySeconds: number;
  insertSeconds: number;
  cpuPerRow: CpuCost;
}

export type ImportCliRun =
  | {
      status: "measured";
      rows: number;
      wallSeconds: number;
      rowsPerSecond: number;
      /** The command's own elapsedMs (after its start-up and migrations check). */
      reportedElapsedMs: number | null;
      peakRssMb: number | null;
    }
  | { status: "failed"; error: string }
  | { status: "not measured"; reason: string };

export interface ImportTarget {
  name: string;
  measured: number | null;
  /** What the measure must reach (≥) or stay under (<). */
  threshold: number;
  comparison: "≥" | "<";
  unit: string;
  pass: boolean | null;
}

export interface ImportResult {
  rows: number;
  batchRows: number;
  api: ImportApiRun[];
  /** At each of ours' concurrencies (PGlite: 1 only, its one session). */
  floor: ImportFloorRun[];
  /** The createContact rate of the same run: the best of its concurrencies. */
  createContact: { requestsPerSecond: number; concurrency: number; source: string } | null;
  cli: ImportCliRun;
  /** Best import rows/s ÷ best floor rows/s, and ÷ best createContact requests/s. */
  ratioToFloor: number | null;
  ratioToCreateContact: number | null;
  targets: ImportTarget[];
}

/** PGlite's floor is one session: concurrent transactions on it would mix. */
export function floorConcurrencies(db: BenchDatabase, concurrencies: readonly number[]): number[] {
  return db.storage === "pglite" ? [1] : [...concurrencies];
}

export async function createImportWorkspaces(
  db: BenchDatabase,
  accountId: string,
  concurrencies: readonly number[],
): Promise<ImportWorkspaces> {
  const floors = floorConcurrencies(db, concurrencies);
  const names = [
    "warm-up",
    ...concurrencies.map((c) => `${c} concurrent`),
    ...floors.map((c) => `floor ${c} concurrent`),
    "command line",
  ];
  const make = async (name: string): Promise<ImportWorkspace> => {
    const created = await runAdmin(db.url, [
      "create-workspace",
      "--account",
      accountId,
      "--name",
      `Bench import ${name}`,
    ]);
    if (!created.workspaceId || !created.apiKey) throw new Error(`create-workspace printed ${JSON.stringify(created)}`);
    return { workspaceId: created.workspaceId, apiKey: created.apiKey };
  };
  // An embedded data directory may be opened by one process at a time.
  const made: ImportWorkspace[] = [];
  if (db.storage === "pglite") for (const name of names) made.push(await make(name));
  else made.push(...(await Promise.all(names.map(make))));
  const [warmup, ...rest] = made;
  const cli = rest.pop();
  if (!warmup || !cli || rest.length !== concurrencies.length + floors.length) {
    throw new Error("missing import workspaces");
  }
  const workspaces: ImportWorkspaces = {
    accountId,
    warmup,
    api: Object.fromEntries(concurrencies.map((c, i) => [c, rest[i] as ImportWorkspace])),
    floor: Object.fromEntries(floors.map((c, i) => [c, rest[concurrencies.length + i] as ImportWorkspace])),
    cli,
  };
  // The custom variables the rows name, made as the seed makes the other workspaces'.
  const ids = made.map((w) => `'${w.workspaceId}'::uuid`).join(", ");
  const variables = CUSTOM_VARIABLES.map((name) => `('${name.replace(/'/g, "''")}')`).join(", ");
  await db.withSql((sql) =>
    sql.query(`INSERT INTO custom_variables (workspace_id, id, name)
      SELECT ws, gen_random_uuid(), name FROM unnest(ARRAY[${ids}]) AS w(ws) CROSS JOIN (VALUES ${variables}) AS v(name)`),
  );
  return workspaces;
}

function batchesOf(rows: readonly ImportRow[]): ImportRow[][] {
  const batches: ImportRow[][] = [];
  for (let i = 0; i < rows.length; i += IMPORT_BATCH_ROWS) batches.push(rows.slice(i, i + IMPORT_BATCH_ROWS));
  return batches;
}

/**
 * Sends every batch, `concurrency` at a time, each worker taking the next batch when its last one
 * is answered; fails at the first batch that did not create every one of its rows.
 */
async function sendBatches(
  target: OursTarget,
  batches: readonly ImportRow[][],
  concurrency: number,
  latencies: number[],
): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < batches.length; index = next++) {
      const batch = batches[index] as ImportRow[];
      const body = importBody(batch);
      const sent = performance.now();
      const response = await post(agent, target, body);
      latencies.push(performance.now() - sent);
      const problem = judgeImportResponse(response.status, response.body, batch.length);
      if (problem) {
        throw new Error(
          `importContacts batch ${index} (${concurrency} concurrent) did not create its rows: ${problem}`,
        );
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  } finally {
    agent.destroy();
  }
}

/**
 * Warm-up into its own workspace: two batches one after the other (the server compiles a document
 * the second time it runs it), then `concurrency` at once (a statement is prepared per connection).
 */
export async function warmUpImport(target: OursTarget, rows: readonly ImportRow[], concurrency: number) {
  const batches = batchesOf(rows.slice(0, (2 + concurrency) * IMPORT_BATCH_ROWS));
  await sendBatches(target, batches.slice(0, 2), 1, []);
  await sendBatches(target, batches.slice(2), concurrency, []);
}

export async function importThroughApi(
  target: OursTarget,
  rows: readonly ImportRow[],
  concurrency: number,
  sampler: ProcessSampler,
  measureDatabase: boolean,
): Promise<ImportApiRun> {
  const batches = batchesOf(rows);
  const latencies: number[] = [];
  const cpu = new CpuAccounting(measureDatabase);
  sampler.start();
  cpu.start();
  const started = performance.now();
  try {
    await sendBatches(target, batches, concurrency, latencies);
  } finally {
    cpu.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const usage = sampler.stop();
  return {
    concurrency,
    rows: rows.length,
    batches: batches.length,
    seconds: round(seconds, 3),
    rowsPerSecond: round(rows.length / seconds, 1),
    batchLatencyMs: summarizeLatencies(latencies),
    serverPeakRssMb: usage.peakRssMb,
    serverCpuPercent: usage.cpuPercent,
    cpuPerRow: cpu.perRequest(rows.length),
  };
}

/**
 * The floor: `concurrency` sessions at once, each loading its share of the rows: COPY text into a
 * temporary staging table, the tags (ON CONFLICT DO NOTHING, committed at once so that a session
 * does not wait for another's whole load on the same 50 tags), then contacts, links and values
 * set-based in one transaction. Contact ids are made here and the timezone derived from the phone,
 * as the server does in Node; tag ids come from tag_id() as in the server's statements.
 */
export async function importFloor(
  db: BenchDatabase,
  workspaceId: string,
  rows: readonly ImportRow[],
  concurrency: number,
): Promise<ImportFloorRun> {
  const sessions = await Promise.all(Array.from({ length: concurrency }, () => db.openCopySession()));
  const share = Math.ceil(rows.length / concurrency);
  const cpu = new CpuAccounting(db.storage === "postgres");
  try {
    cpu.start();
    const started = performance.now();
    const phases = await Promise.all(
      sessions.map((session, i) => loadShare(session, workspaceId, rows.slice(i * share, (i + 1) * share))),
    );
    const finished = performance.now();
    cpu.stop();
    const [first] = sessions;
    if (first) await checkImported(first, workspaceId, rows, "the floor");
    const seconds = (finished - started) / 1000;
    return {
      concurrency,
      method: `${first?.copyMethod} into a temporary staging table per session, then INSERT … SELECT into tags, and in one transaction into contacts, contact_tags and contact_custom_values`,
      rows: rows.length,
      seconds: round(seconds, 3),
      rowsPerSecond: round(rows.length / seconds, 1),
      copySeconds: round(Math.max(...phases.map((p) => p.copySeconds)), 3),
      insertSeconds: round(Math.max(...phases.map((p) => p.insertSeconds)), 3),
      cpuPerRow: cpu.perRequest(rows.length),
    };
  } finally {
    await Promise.all(sessions.map((session) => session.close()));
  }
}

async function loadShare(
  session: CopySession,
  workspaceId: string,
  rows: readonly ImportRow[],
): Promise<{ copySeconds: number; insertSeconds: number }> {
  const started = performance.now();
  await session.query(`CREATE TEMPORARY TABLE import_staging (
    id uuid NOT NULL, first_name text, last_name text, email text, phone text, timezone text,
    tags text[] NOT NULL, lead_source text, score text)`);
  await session.copyIn(
    "import_staging",
    STAGING_COLUMNS,
    rows.map((row) => copyLine(randomUUID(), row)),
  );
  const copied = performance.now();
  const ws = [workspaceId];
  await session.query(
    `INSERT INTO tags (workspace_id, id, name)
     SELECT DISTINCT $1::uuid, tag_id($1::uuid, t.name), t.name FROM import_staging s, unnest(s.tags) AS t(name)
     ON CONFLICT DO NOTHING`,
    ws,
  );
  await session.query("BEGIN");
  try {
    await session.query(
      `INSERT INTO contacts (workspace_id, id, first_name, last_name, email, phone, timezone)
       SELECT $1::uuid, id, first_name, last_name, email, phone, timezone FROM import_staging`,
      ws,
    );
    await session.query(
      `INSERT INTO contact_tags (workspace_id, contact_id, tag_id)
       SELECT $1::uuid, s.id, tag_id($1::uuid, t.name) FROM import_staging s, unnest(s.tags) AS t(name)`,
      ws,
    );
    await session.query(
      `INSERT INTO contact_custom_values (workspace_id, contact_id, custom_variable_id, value)
       SELECT $1::uuid, s.id, v.id, x.value
       FROM import_staging s
       CROSS JOIN LATERAL (VALUES ('Lead Source', s.lead_source), ('Score', s.score)) AS x(name, value)
       JOIN custom_variables v ON v.workspace_id = $1::uuid AND v.name = x.name
       WHERE x.value IS NOT NULL`,
      ws,
    );
    await session.query("COMMIT");
  } catch (error) {
    await session.query("ROLLBACK").catch(() => {});
    throw error;
  }
  const finished = performance.now();
  await session.query("DROP TABLE import_staging");
  return { copySeconds: (copied - started) / 1000, insertSeconds: (finished - copied) / 1000 };
}

/** What one workspace holds after loading `rows`: every contact, tag, link and value, or the run fails. */
export async function checkImported(
  sql: SqlRunner,
  workspaceId: string,
  rows: readonly ImportRow[],
  who: string,
): Promise<void> {
  const [found] = await sql.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM contacts WHERE workspace_id = $1 AND deleted_at IS NULL) AS contacts,
      (SELECT count(*)::int FROM tags WHERE workspace_id = $1) AS tags,
      (SELECT count(*)::int FROM contact_tags WHERE workspace_id = $1) AS contact_tags,
      (SELECT count(*)::int FROM contact_custom_values WHERE workspace_id = $1) AS contact_custom_values`,
    [workspaceId],
  );
  const expected: Record<string, number> = {
    contacts: rows.length,
    tags: new Set(rows.flatMap((row) => row.tags)).size,
    contact_tags: rows.reduce((sum, row) => sum + row.tags.length, 0),
    contact_custom_values: rows.length * CUSTOM_VARIABLES.length,
  };
  const wrong = Object.entries(expected).filter(([table, count]) => found?.[table] !== count);
  if (wrong.length > 0) {
    throw new Error(
      `${who} left the wrong rows in its workspace: ${wrong.map(([table, count]) => `${table} ${found?.[table]}, expected ${count}`).join("; ")}`,
    );
  }
}

/** Peak resident memory (VmHWM) of a process while it runs, polled as ProcessSampler polls the server's. */
function watchPeakRss(pid: number): { stop(): number | null } {
  let peakKb = 0;
  const sample = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const hwm = Number(status.match(/^VmHWM:\s+(\d+)/m)?.[1] ?? 0);
      peakKb = Math.max(peakKb, hwm);
    } catch {
      // it has exited
    }
  };
  sample();
  const timer = setInterval(sample, 50);
  return {
    stop() {
      clearInterval(timer);
      return peakKb > 0 ? Math.round(peakKb / 102.4) / 10 : null;
    },
  };
}

/** Longer than any import that works; a command that hangs is then a failure, not a stuck run. */
const CLI_TIMEOUT_MS = 15 * 60_000;

/**
 * `node --import tsx src/cli/admin.ts import-contacts --workspace <id> --file <csv> --format csv`,
 * timed from spawn to exit (its start-up included), on a CSV of the rows written beforehand.
 * Any failure is this row's result, not the run's: the rest of the scenario still reports.
 */
export async function importThroughCli(db: BenchDatabase, workspaceId: string, rows: readonly ImportRow[]) {
  const file = join(tmpdir(), `contacts-bench-import-${process.pid}-${Date.now()}.csv`);
  writeFileSync(file, csvHeader() + rows.map(csvLine).join(""));
  try {
    const outcome = await runCli(db.url, [
      "import-contacts",
      "--workspace",
      workspaceId,
      "--file",
      file,
      "--format",
      "csv",
    ]);
    if (outcome.code !== 0) {
      return failed(outcome.stderr.trim() || outcome.stdout.trim() || `exit ${outcome.code ?? outcome.signal}`);
    }
    const line = outcome.stdout.trim().split("\n").pop() ?? "";
    let printed: { created?: number; updated?: number; failed?: number; elapsedMs?: number };
    try {
      printed = JSON.parse(line);
    } catch {
      return failed(`printed no JSON line: ${outcome.stdout.slice(-300)}`);
    }
    if (printed.created !== rows.length || printed.failed !== 0 || printed.updated !== 0) {
      return failed(`printed ${line} for ${rows.length} new rows`);
    }
    try {
      await db.withSql((sql) => checkImported(sql, workspaceId, rows, "the command line"));
    } catch (error) {
      return failed((error as Error).message);
    }
    return {
      status: "measured",
      rows: rows.length,
      wallSeconds: round(outcome.seconds, 3),
      rowsPerSecond: round(rows.length / outcome.seconds, 1),
      reportedElapsedMs: typeof printed.elapsedMs === "number" ? printed.elapsedMs : null,
      peakRssMb: outcome.peakRssMb,
    } satisfies ImportCliRun;
  } finally {
    rmSync(file, { force: true });
  }
}

/** The message's first paragraph (not the usage text that may follow it). */
function failed(error: string): ImportCliRun {
  return { status: "failed", error: (error.trim().split(/\n\s*\n/)[0] ?? "").slice(0, 600) };
}

function runCli(databaseUrl: string, args: string[]) {
  return new Promise<{
    code: number | null;
    signal: string | null;
    stdout: string;
    stderr: string;
    seconds: number;
    peakRssMb: number | null;
  }>((resolve, reject) => {
    const started = performance.now();
    // node itself, not npm: its pid is the importer's, whose memory is polled.
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/admin.ts", ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const rss = child.pid === undefined ? { stop: () => null } : watchPeakRss(child.pid);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const timeout = setTimeout(() => {
      stderr += `\n(killed after ${CLI_TIMEOUT_MS / 60_000} minutes)`;
      child.kill("SIGKILL");
    }, CLI_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timeout);
      rss.stop();
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timeout);
      const seconds = (performance.now() - started) / 1000;
      resolve({ code, signal, stdout, stderr, seconds, peakRssMb: rss.stop() });
    });
  });
}

/** The three targets of the issue, shown with pass or fail; none stops the run. */
export function judgeTargets(result: Omit<ImportResult, "targets">): ImportTarget[] {
  const peakRss = Math.max(0, ...result.api.map((run) => run.serverPeakRssMb ?? 0)) || null;
  const target = (
    name: string,
    measured: number | null,
    comparison: "≥" | "<",
    threshold: number,
    unit: string,
  ): ImportTarget => ({
    name,
    measured,
    threshold,
    comparison,
    unit,
    pass: measured === null ? null : comparison === "≥" ? measured >= threshold : measured < threshold,
  });
  return [
    target("import rows/s ÷ floor rows/s", result.ratioToFloor, "≥", 0.5, "×"),
    target("import rows/s ÷ createContact requests/s", result.ratioToCreateContact, "≥", 10, "×"),
    target("server peak RSS during the import", peakRss, "<", 300, "MB"),
  ];
}

export function bestImportRate(runs: readonly ImportApiRun[]): number {
  return Math.max(0, ...runs.map((run) => run.rowsPerSecond));
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
