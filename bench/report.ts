/**
 * What a run leaves behind: bench/results/<time>-<storage>.json (every number), and from the
 * latest complete run of each storage, BENCHMARKS.md (the tables) and bench/chart.svg
 * (throughput against concurrency, ours and the floor).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DatabaseFacts, Storage } from "./database.js";
import type { ImportResult } from "./import.js";
import { DEFAULT_IMPORT_ROWS } from "./import-workload.js";
import { PACED_CONCURRENCY } from "./pace.js";
import type { SideResult } from "./stats.js";
import { type BenchScenario, SCENARIO_TITLES, SCENARIOS, type Scenario } from "./workload.js";

export interface CellResult {
  scenario: Scenario;
  concurrency: number;
  ours: SideResult;
  floor: SideResult;
  /** Ours ÷ floor, successful requests per second. */
  ratio: number | null;
  warmupFailures: { ours: number; floor: number };
}

export interface RunResult {
  format: 1;
  storage: Storage;
  startedAt: string;
  finishedAt: string;
  wallSeconds: number;
  command: string;
  /** Quick, or fewer scenarios or concurrencies than the full run: not shown in BENCHMARKS.md. */
  partial: boolean;
  settings: {
    warmupSeconds: number;
    durationSeconds: number;
    concurrencies: number[];
    scenarios: BenchScenario[];
    /** Rows of the bulk import, when it ran. */
    importRows?: number;
    /** Environment given to the server on top of the harness's own (NODE_ENV, PORT, HOST, DATABASE_URL). */
    serverEnv: Record<string, string>;
    data: string;
  };
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    os: string;
    node: string;
    database: DatabaseFacts;
    /** One-minute load average: above the number of cores, other work competed with the run. */
    loadAverage: { atStart: number; atEnd: number };
  };
  server: {
    lifetimePeakRssMb: number | null;
    logErrorCount: number;
    logErrorSamples: string[];
  };
  /** Rows in the whole database after the run (all workspaces, ours and the floor's writes). */
  rowsAtEnd: Record<string, number>;
  cells: CellResult[];
  /**
   * createContact at half of ours' peak create rate, PACED_CONCURRENCY connections: latency below saturation.
   * `floor`: the same rate straight through the driver (runs before it was measured have none).
   */
  pacedCreate?: { rate: number; concurrency: number; result: SideResult; floor?: SideResult };
  /** The bulk import (bench/import.ts), when it ran. */
  import?: ImportResult;
}

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const RESULTS_DIRECTORY = fileURLToPath(new URL("./results/", import.meta.url));
const BENCHMARKS_FILE = fileURLToPath(new URL("../BENCHMARKS.md", import.meta.url));
const CHART_FILE = fileURLToPath(new URL("./chart.svg", import.meta.url));
/** Measurements made by hand (not by a run of the harness), kept in BENCHMARKS.md as they are. */
const NOTES_FILE = fileURLToPath(new URL("./notes.md", import.meta.url));

export const STORAGE_TITLES: Record<Storage, string> = { postgres: "PostgreSQL", pglite: "PGlite (embedded)" };

/** A partial run that imported the full DEFAULT_IMPORT_ROWS: the source of the import section, so kept like a complete run. */
function isImportRun(result: RunResult): boolean {
  return result.partial && result.import?.rows === DEFAULT_IMPORT_ROWS;
}

export function resultFileName(result: RunResult): string {
  const stamp = result.startedAt.replace(/:/g, "-").replace(/\.\d+Z$/, "Z");
  const suffix = isImportRun(result) ? "-import" : result.partial ? "-partial" : "";
  return `${stamp}-${result.storage}${suffix}.json`;
}

/**
 * Writes the run's JSON, formatted as the repository's formatter wants it (so lint stays green). A
 * complete run replaces the earlier complete runs of its variant, and a partial run with the full
 * import the earlier such runs: bench/results holds the latest of each, and git keeps the history.
 * Other partial runs are not kept in git (.gitignore).
 */
export function writeResult(result: RunResult): string {
  mkdirSync(RESULTS_DIRECTORY, { recursive: true });
  const name = resultFileName(result);
  const file = `${RESULTS_DIRECTORY}${name}`;
  if (!result.partial || isImportRun(result)) {
    for (const [other, earlier] of readResults()) {
      const sameKind = result.partial ? isImportRun(earlier) : !earlier.partial;
      if (other !== name && sameKind && variantOf(earlier) === variantOf(result))
        rmSync(`${RESULTS_DIRECTORY}${other}`);
    }
  }
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  const biome = `${ROOT}node_modules/.bin/biome`;
  if (existsSync(biome)) spawnSync(biome, ["format", "--write", file], { cwd: ROOT, stdio: "ignore" });
  return file;
}

/** The server processes a run had (WEB_CONCURRENCY, 1 when not set). */
function workersOf(result: RunResult): number {
  return Number(result.settings.serverEnv.WEB_CONCURRENCY ?? "1");
}

/** Which section of BENCHMARKS.md a run belongs to: its storage, and cluster mode on its own. */
export function variantOf(result: RunResult): string {
  return workersOf(result) > 1 ? `${result.storage}+cluster` : result.storage;
}

function variantTitle(result: RunResult): string {
  const workers = workersOf(result);
  return `${STORAGE_TITLES[result.storage]}${workers > 1 ? `, cluster mode (WEB_CONCURRENCY=${workers})` : ""}`;
}

const VARIANT_ORDER = ["postgres", "postgres+cluster", "pglite"];

export type LatestResults = Record<string, RunResult>;

/** The runs in bench/results, oldest first, by file name. */
function readResults(): [string, RunResult][] {
  if (!existsSync(RESULTS_DIRECTORY)) return [];
  const results: [string, RunResult][] = [];
  for (const name of readdirSync(RESULTS_DIRECTORY)
    .filter((file) => file.endsWith(".json"))
    .sort()) {
    try {
      const result = JSON.parse(readFileSync(`${RESULTS_DIRECTORY}${name}`, "utf8")) as RunResult;
      if (result.format === 1) results.push([name, result]);
    } catch {
      // not one of ours
    }
  }
  return results;
}

/**
 * The latest run of each variant that imported the full DEFAULT_IMPORT_ROWS, partial or not: the
 * import section's source (`--scenario create,import` is a partial run of the other sections).
 */
export function latestImportResults(): LatestResults {
  const latest: LatestResults = {};
  for (const [, result] of readResults()) {
    if (result.import?.rows === DEFAULT_IMPORT_ROWS) latest[variantOf(result)] = result;
  }
  return latest;
}

/** The latest complete run of each variant found in bench/results. */
export function latestResults(): LatestResults {
  const latest: LatestResults = {};
  for (const [, result] of readResults()) if (!result.partial) latest[variantOf(result)] = result;
  return latest;
}

const number = (value: number) =>
  value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(value >= 10 ? 1 : 2);
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

function failures(side: SideResult): string {
  if (side.failureCount === 0) return "0";
  const parts = [
    ...Object.entries(side.failures.httpStatus).map(([status, count]) => `${count}×HTTP ${status}`),
    side.failures.graphqlErrors ? `${side.failures.graphqlErrors} GraphQL errors` : "",
    side.failures.typedFailures ? `${side.failures.typedFailures} typed failures` : "",
    side.failures.wrongResults ? `${side.failures.wrongResults} wrong results` : "",
    side.failures.transportErrors ? `${side.failures.transportErrors} errors` : "",
  ];
  return `**${parts.filter(Boolean).join(", ")}**`;
}

/** "machine (PostgreSQL's part)" CPU milliseconds per request. */
export function cpuCost(side: SideResult): string {
  const machine = side.cpu?.machineMsPerRequest;
  if (machine === null || machine === undefined) return "n/a";
  const database = side.cpu?.databaseMsPerRequest;
  return database === null || database === undefined ? ms(machine) : `${ms(machine)} (${ms(database)})`;
}

export function markdownTable(result: RunResult): string {
  const rows = [
    "| Scenario | Concurrency | Ours req/s | Floor req/s | **Ours ÷ floor** | Ours p50 / p99 ms | Floor p50 / p99 ms | Server peak RSS MB | Server CPU | Machine CPU ms per request, ours / floor (PostgreSQL's part) | Failures ours / floor |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const cell of result.cells) {
    rows.push(
      [
        "",
        SCENARIO_TITLES[cell.scenario],
        cell.concurrency,
        number(cell.ours.throughput),
        number(cell.floor.throughput),
        cell.ratio === null ? "n/a" : `**${cell.ratio.toFixed(2)}**`,
        `${ms(cell.ours.latencyMs.p50)} / ${ms(cell.ours.latencyMs.p99)}`,
        `${ms(cell.floor.latencyMs.p50)} / ${ms(cell.floor.latencyMs.p99)}`,
        cell.ours.serverPeakRssMb ?? "n/a",
        cell.ours.serverCpuPercent === null || cell.ours.serverCpuPercent === undefined
          ? "n/a"
          : `${cell.ours.serverCpuPercent}%`,
        `${cpuCost(cell.ours)} / ${cpuCost(cell.floor)}`,
        `${failures(cell.ours)} / ${failures(cell.floor)}`,
        "",
      ].join(" | "),
    );
  }
  return rows.join("\n").replace(/^ \| /gm, "| ").replace(/ \| $/gm, " |");
}

const ratioText = (value: number | null) => (value === null ? "n/a" : `**${value.toFixed(2)}**`);

/** Machine CPU ms per row (PostgreSQL's part). */
function cpuPerRow(cost: { machineMsPerRequest: number | null; databaseMsPerRequest: number | null }): string {
  if (cost.machineMsPerRequest === null) return "n/a";
  const part = cost.databaseMsPerRequest;
  return `${cost.machineMsPerRequest.toFixed(3)}${part === null ? "" : ` (${part.toFixed(3)})`}`;
}

/** The floor at each concurrency (results written before it had concurrencies: one session). */
function importFloors(result: ImportResult): ImportResult["floor"] {
  const floor = result.floor as ImportResult["floor"] | Omit<ImportResult["floor"][number], "concurrency">;
  return Array.isArray(floor) ? floor : [{ ...floor, concurrency: 1 }];
}

export function importTable(result: ImportResult): string {
  const rows = [
    "| Path | Rows/s | Seconds | Batch p50 / p99 ms | Server peak RSS MB | Server CPU | Machine CPU ms per row (PostgreSQL's part) | ÷ floor at the same concurrency | ÷ createContact |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  const floors = importFloors(result);
  const floorAt = (concurrency: number) => floors.find((run) => run.concurrency === concurrency)?.rowsPerSecond ?? 0;
  const bestFloor = Math.max(0, ...floors.map((run) => run.rowsPerSecond));
  const createRate = result.createContact?.requestsPerSecond ?? 0;
  const over = (value: number, base: number) => (base > 0 ? (value / base).toFixed(2) : "n/a");
  for (const run of result.api) {
    rows.push(
      `| importContacts, ${run.concurrency} concurrent batch${run.concurrency > 1 ? "es" : ""} of ${result.batchRows.toLocaleString("en-US")} | ${number(run.rowsPerSecond)} | ${run.seconds.toFixed(1)} | ${ms(run.batchLatencyMs.p50)} / **${ms(run.batchLatencyMs.p99)}** | ${run.serverPeakRssMb ?? "n/a"} | ${run.serverCpuPercent ?? "n/a"}% | ${cpuPerRow(run.cpuPerRow)} | **${over(run.rowsPerSecond, floorAt(run.concurrency))}** | **${over(run.rowsPerSecond, createRate)}** |`,
    );
  }
  for (const run of floors) {
    rows.push(
      `| Floor, ${run.concurrency} session${run.concurrency > 1 ? "s" : ""}: COPY into a staging table, then INSERT … SELECT | ${number(run.rowsPerSecond)} | ${run.seconds.toFixed(1)} (COPY ${run.copySeconds.toFixed(1)}, inserts ${run.insertSeconds.toFixed(1)}) | | | | ${cpuPerRow(run.cpuPerRow)} | 1 | ${over(run.rowsPerSecond, createRate)} |`,
    );
  }
  const cli = result.cli;
  rows.push(
    cli.status === "measured"
      ? `| Admin command line, \`import-contacts --format csv\` (peak RSS its own) | ${number(cli.rowsPerSecond)} | ${cli.wallSeconds.toFixed(1)} wall${cli.reportedElapsedMs === null ? "" : `, ${(cli.reportedElapsedMs / 1000).toFixed(1)} by its count`} | | ${cli.peakRssMb ?? "n/a"} | | | ${over(cli.rowsPerSecond, bestFloor)} (best floor) | ${over(cli.rowsPerSecond, createRate)} |`
      : `| Admin command line, \`import-contacts --format csv\` | ${cli.status}: ${escapeCell(cli.status === "failed" ? cli.error : cli.reason)} | | | | | | | |`,
  );
  if (result.createContact) {
    rows.push(
      `| createContact, one contact a request (${result.createContact.concurrency} clients) | ${number(createRate)} | | | | | | ${over(createRate, bestFloor)} (best floor) | 1 |`,
    );
  }
  return rows.join("\n");
}

function escapeCell(text: string): string {
  return text.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
}

export function importTargets(result: ImportResult): string {
  return result.targets
    .map((target) => {
      const measured =
        target.measured === null
          ? "not measured"
          : target.unit === "×"
            ? `${target.measured.toFixed(2)}×`
            : `${target.measured} ${target.unit}`;
      const verdict = target.pass === null ? "n/a" : target.pass ? "**pass**" : "**FAIL**";
      return `- ${verdict}: ${target.name} ${target.comparison} ${target.threshold}${target.unit === "×" ? "×" : ` ${target.unit}`}, measured ${measured}.`;
    })
    .join("\n");
}

function importSection(result: RunResult): string {
  const data = result.import;
  if (!data) return "";
  const best = data.api.length ? data.api.reduce((a, b) => (b.rowsPerSecond > a.rowsPerSecond ? b : a)) : null;
  return [
    `### ${variantTitle(result)}`,
    "",
    `Run ${result.startedAt.replace("T", " ").replace(/\.\d+Z$/, " UTC")}, command \`${result.command}\`; load average ${result.machine.loadAverage.atStart} at the start${result.machine.loadAverage.atStart > result.machine.cpus ? " (**busy: other work competed with this run**)" : ""}, ${result.machine.loadAverage.atEnd} at the end; ${data.rows.toLocaleString("en-US")} rows each path, each into an empty workspace.`,
    "",
    importTable(data),
    "",
    `Best import rate${best ? ` (${best.concurrency} concurrent)` : ""} ÷ best floor ${ratioText(data.ratioToFloor)}, ÷ createContact ${ratioText(data.ratioToCreateContact)} (createContact: ${data.createContact?.source ?? "not measured"}). Floor: ${importFloors(data)[0]?.method ?? "not run"}.`,
    "",
    "Targets:",
    "",
    importTargets(data),
    "",
  ].join("\n");
}

function describeRun(result: RunResult): string {
  const { machine, settings, server } = result;
  const db = machine.database;
  const env = Object.entries(settings.serverEnv)
    .map(([key, value]) => `${key}=${value}`)
    .join(" ");
  const lines = [
    `Run ${result.startedAt.replace("T", " ").replace(/\.\d+Z$/, " UTC")}, ${result.wallSeconds} s wall time, command \`${result.command}\`.`,
    "",
    `- Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB memory, ${machine.os}, Node.js ${machine.node}; load average ${machine.loadAverage.atStart} at the start${machine.loadAverage.atStart > machine.cpus ? " (**busy: other work competed with this run**)" : ""}, ${machine.loadAverage.atEnd} at the end (the run's own included).`,
    `- Database: ${db.version.split(" on ")[0]} (fsync=${db.fsync}, synchronous_commit=${db.synchronousCommit}, default isolation ${db.defaultTransactionIsolation}${db.autovacuum ? `, autovacuum=${db.autovacuum}` : ""}).`,
    `- Each cell: ${settings.warmupSeconds} s warm-up, then ${settings.durationSeconds} s measured, for ours and then for the floor. ${settings.data}`,
    `- Rows in the server's database at the end (every workspace; ${result.storage === "postgres" ? "the floor wrote to the same database" : "the floor wrote to its own copy"}): ${Object.entries(
      result.rowsAtEnd ?? {},
    )
      .map(([table, count]) => `${table} ${count.toLocaleString("en-US")}`)
      .join(", ")}.`,
    `- Server: \`npm start\`'s entry with NODE_ENV=production${env ? `, plus ${env}` : ""}; peak RSS over the whole run ${server.lifetimePeakRssMb ?? "n/a"} MB; ${server.logErrorCount} error lines in its log.`,
  ];
  const paced = result.pacedCreate;
  if (paced) {
    lines.push(
      `- createContact paced at ${paced.rate} requests/s (half of ours' peak create rate) over ${paced.concurrency} connections, ${settings.durationSeconds} s: ${number(paced.result.throughput)}/s served, p50 ${ms(paced.result.latencyMs.p50)} ms, **p99 ${ms(paced.result.latencyMs.p99)} ms**, ${paced.result.failureCount} failures${
        paced.floor
          ? `; the floor at the same rate: p50 ${ms(paced.floor.latencyMs.p50)} ms, p99 ${ms(paced.floor.latencyMs.p99)} ms, ${paced.floor.failureCount} failures`
          : ""
      }.`,
    );
  }
  return lines.join("\n");
}

function ratioSummary(result: RunResult): string {
  return SCENARIOS.map((scenario) => {
    const ratios = result.cells
      .filter((cell) => cell.scenario === scenario)
      .map((cell) => `${cell.ratio === null ? "n/a" : cell.ratio.toFixed(2)} at ${cell.concurrency}`);
    return ratios.length ? `${scenario} ${ratios.join(", ")}` : "";
  })
    .filter(Boolean)
    .join("; ");
}

export function writeBenchmarksMarkdown(latest: LatestResults): void {
  const imports = latestImportResults();
  const importSections = VARIANT_ORDER.flatMap((variant) => {
    const result = imports[variant];
    return result ? [importSection(result)] : [];
  });
  const sections = VARIANT_ORDER.flatMap((variant) => {
    const result = latest[variant];
    if (!result) return [];
    return [
      `## ${variantTitle(result)}`,
      "",
      describeRun(result),
      "",
      markdownTable(result),
      "",
      `Ours ÷ floor: ${ratioSummary(result)}.`,
      "",
    ];
  });
  const text = [
    "# Benchmarks",
    "",
    "<!-- Written by `npm run bench` (bench/run.ts) from the latest complete run in bench/results/ and from bench/notes.md: rerun it (`-- --report` to rewrite only) rather than editing. -->",
    "",
    "The API's throughput and latency against **the floor**: the same work sent straight through the",
    "database driver at the same concurrency, one SQL statement per request, without HTTP, GraphQL,",
    "validation or the ORM. **Ours ÷ floor** is the share of the database's own speed that the server",
    "reaches. Numbers belong to the machine they were measured on: compare ratios, not raw rates,",
    "across machines.",
    "",
    "![Throughput against concurrency, ours and the floor](bench/chart.svg)",
    "",
    ...sections,
    ...(importSections.length
      ? [
          "## Bulk import",
          "",
          `${DEFAULT_IMPORT_ROWS.toLocaleString("en-US")} generated contacts (first and last name, a unique email and E.164 phone, three tags`,
          "from a pool of 50, two custom values; the timezone derived from the phone) loaded into an empty workspace:",
          "through `importContacts` (CREATE) in batches at 1 and at 4 concurrent batches, by **the floor** (the same",
          "rows through COPY and set-based inserts into the real schema, straight into the database), and by the",
          "admin command line from a CSV file. Every path's rows are checked: each batch must answer",
          "`createdCount` = its rows and `failedCount` = 0, and each workspace must hold every contact, tag, link",
          "and value afterwards, or the run fails. From the latest run of each storage that imported the full",
          `${DEFAULT_IMPORT_ROWS.toLocaleString("en-US")} rows (\`npm run bench -- --scenario create,import\` is enough).`,
          "",
          ...importSections,
        ]
      : []),
    ...(existsSync(NOTES_FILE) ? [readFileSync(NOTES_FILE, "utf8").trimEnd(), ""] : []),
    "## What is measured",
    "",
    "- **createContact**: first and last name, a unique email and E.164 phone per request (several US area",
    "  codes and London, all `isPossible`), three tags (two shared, one new per request) and two custom",
    "  values; the timezone is derived from the phone. Floor: the server's own insert statement",
    "  (`prisma/sql/insertContact.sql`), which checks the workspace and the custom field names, inserts",
    "  the contact, its new tags, links and values, and returns it.",
    "- **upsertContact, update path**: each request matches one of 10,000 seeded contacts by phone (with",
    "  its own email), overwrites the names and both custom values and adds two tags (one new). A response",
    "  with `created: true` counts as a failure. Floor: the server's own update statement",
    "  (`prisma/sql/updateContact.sql`), which finds the contact by phone (else email), updates it, adds the",
    "  tags, upserts the values and returns it with all its tags and values; the custom variables' ids,",
    "  which the server looks up on every request, it reads once after seeding.",
    "- **contacts(first: 50)**: the newest 50 contacts, with tags and custom values, of a workspace of",
    "  10,000 contacts (three of twenty tags and two values each); `totalCount` is not asked for. Floor: the",
    "  server's own page statement, 51 rows of one JSON text each with the tags and values.",
    "- The database also holds a fourth workspace of 10,000 tags that no scenario touches, for the rest of a",
    "  database in use. Without it the tags table starts nearly empty, and PostgreSQL's foreign-key checks",
    "  keep plans made for an empty table until autovacuum analyzes it: the first minute of a brand-new",
    "  database, in which our creates at 64 clients ran at 0.32–0.46 of the floor (the floor opens new",
    "  connections per cell, with fresh plans).",
    "- Ours is driven by autocannon over loopback HTTP, one connection per concurrent client, every",
    "  request built on the spot and every response read: HTTP errors, GraphQL errors, typed failures",
    "  (`ValidationError`, `ConflictError`, …) and wrong results are counted as failures, not throughput.",
    "  The floor runs in the harness process on a `pg` pool as large as the concurrency (PGlite: a",
    "  copy of the same seeded data directory, opened in the harness, one session).",
    "- Latency percentiles are exact (nearest rank over every request of the measured window), the same",
    "  computation for both sides. Peak RSS and CPU are the server process's (with its workers in cluster",
    "  mode), sampled every 100 ms from /proc during the measured window (CPU: % of one core).",
    "- The paced create starts each request at its own time, 1/rate apart, whether or not the earlier",
    `  ones have finished, over at most ${PACED_CONCURRENCY} connections; each latency runs from the scheduled start, so`,
    `  waiting for a connection counts. The floor's creates are paced the same way on a pool of ${PACED_CONCURRENCY}`,
    "  connections: its p99 is what the database and the machine add without the server.",
    "- Machine CPU per request: every core's busy time (/proc/stat) over the measured window, divided by",
    "  the successful requests; in brackets the PostgreSQL server's processes alone. Ours includes the",
    "  autocannon client, the floor its harness. Where the machine is saturated, as on two cores, the",
    "  ratio is close to floor ÷ ours of this column: it says where the difference goes.",
    "- Before each side's warm-up the database is checkpointed, so both start from the same state (after",
    "  a checkpoint the first change to each page writes the whole page to the WAL); the seed is vacuumed",
    "  and analyzed before the run.",
    "- The server prepares its statements: each is parsed once per connection, and after five executions",
    "  PostgreSQL may keep one plan for it (`plan_cache_mode` auto, its default). The floor sends plain",
    "  parameterized statements, parsed and planned every time, as `pg` does by default. Planning is about",
    "  half of PostgreSQL's work for a create. Both sides compute tag ids from the names (`tag_id()`).",
    "- The server compiles each distinct GraphQL document once (graphql-jit) and keeps valid API keys for",
    "  5 s (`API_KEY_CACHE_TTL_MS`); every request still runs every check and statement.",
    "- **Bulk import**: ours is timed from the first batch sent to the last answered, after a warm-up of",
    "  its own (two batches, then four at once, into another workspace). Each concurrent client sends its",
    "  next batch when its last is answered. p99 is over the batches (100 of 1,000 rows). Peak RSS is the",
    "  server's, sampled every 100 ms over the import. The floor runs in the harness at the same",
    "  concurrencies, each session loading its share of the rows (PGlite: one session, so 1 only): COPY's text",
    "  format into a temporary table, one INSERT … SELECT into tags (committed at once), then in one",
    "  transaction one each into contacts, contact_tags and contact_custom_values, every index and foreign",
    "  key in place (the trigram indexes too); contact ids are made in the harness and the timezone derived",
    "  there, as the server does in Node. The admin command line runs after the server has stopped",
    "  (PGlite's data directory admits one process at a time; on PostgreSQL at the same point, for the same",
    "  conditions), timed from its spawn to its exit, start-up included; its peak RSS is its own VmHWM. The targets' ratios use the best import",
    "  rate, the best floor rate and the best createContact rate of the same run (one contact a request).",
    "- Fair play: the database keeps its durability settings (shown above), every rule and uniqueness",
    "  check of the contract runs, and no result is cached between requests. The server's rate limits are",
    "  turned off through their environment variables (the import's row budget, RATE_LIMIT_IMPORT_ROWS, too),",
    "  as the benchmark measures capacity.",
    "",
    "## Running it",
    "",
    "```sh",
    "npm run bench                  # PostgreSQL: a fresh database on DATABASE_URL's server (default 127.0.0.1:5432), dropped afterwards",
    "npm run bench -- --pglite      # embedded PGlite in a temporary directory",
    "npm run bench -- --quick       # a smoke run (1 s warm-up, 2 s per cell, 10,000 import rows): not written to this file",
    "npm run bench -- --scenario create,import   # the bulk import, and createContact for its ratio",
    "npm run bench -- --help        # every option",
    "```",
    "",
  ].join("\n");
  writeFileSync(BENCHMARKS_FILE, text);
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A hand-written SVG: one panel per scenario, throughput (log scale) against concurrency. */
export function writeChart(latest: LatestResults): void {
  const series: { label: string; color: string; dashed: boolean; points: Map<string, number> }[] = [];
  const colors: Record<Storage, string> = { postgres: "#1f5fa8", pglite: "#d9661f" };
  for (const storage of ["postgres", "pglite"] as const) {
    const result = latest[storage];
    if (!result) continue;
    for (const side of ["ours", "floor"] as const) {
      series.push({
        label: `${STORAGE_TITLES[storage]}: ${side === "ours" ? "ours (HTTP + GraphQL)" : "floor (driver, one statement)"}`,
        color: colors[storage],
        dashed: side === "floor",
        points: new Map(result.cells.map((cell) => [`${cell.scenario}/${cell.concurrency}`, cell[side].throughput])),
      });
    }
  }
  const concurrencies = [
    ...new Set(Object.values(latest).flatMap((result) => result?.cells.map((cell) => cell.concurrency) ?? [])),
  ].sort((a, b) => a - b);
  const values = series.flatMap((line) => [...line.points.values()]).filter((value) => value > 0);
  const low = 10 ** Math.floor(Math.log10(Math.min(...values, 10)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...values, 100)));

  const storages = (["postgres", "pglite"] as const).filter((storage) => latest[storage]);
  const panelWidth = 290;
  const panelHeight = 240;
  const top = 84;
  const left = 64;
  const gap = 62;
  const width = left + SCENARIOS.length * panelWidth + (SCENARIOS.length - 1) * gap + 24;
  const ratioTop = top + panelHeight + 52;
  const legendTop = ratioTop + storages.length * 16 + 26;
  const height = legendTop + Math.ceil(series.length / 2) * 22 + 10;
  const y = (value: number) =>
    top + panelHeight - ((Math.log10(value) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) * panelHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12" role="img" aria-labelledby="chart-title">`,
    `<title id="chart-title">Throughput against concurrency of the contacts API (ours) and of the database driver alone (the floor), per scenario</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="24" font-size="16" font-weight="bold">Throughput against concurrency: ours and the floor</text>`,
    `<text x="${left}" y="44" fill="#555">Successful requests per second (log scale). Below each axis: ours ÷ floor at that concurrency. ${escapeXml(
      storages
        .map((storage) => `${STORAGE_TITLES[storage]}: run of ${latest[storage]?.startedAt.slice(0, 10)}`)
        .join(", "),
    )}.</text>`,
  ];
  SCENARIOS.forEach((scenario, index) => {
    const x0 = left + index * (panelWidth + gap);
    const x = (i: number) => x0 + 30 + (i * (panelWidth - 60)) / Math.max(1, concurrencies.length - 1);
    parts.push(`<rect x="${x0}" y="${top}" width="${panelWidth}" height="${panelHeight}" fill="none" stroke="#999"/>`);
    parts.push(
      `<text x="${x0 + panelWidth / 2}" y="${top - 8}" text-anchor="middle" font-weight="bold">${escapeXml(SCENARIO_TITLES[scenario])}</text>`,
    );
    for (let decade = low; decade <= high; decade *= 10) {
      for (const step of [1, 2, 5]) {
        const value = decade * step;
        if (value > high) break;
        const yy = y(value).toFixed(1);
        parts.push(
          `<line x1="${x0}" x2="${x0 + panelWidth}" y1="${yy}" y2="${yy}" stroke="${step === 1 ? "#ccc" : "#eee"}"/>`,
          `<text x="${x0 - 4}" y="${Number(yy) + 4}" text-anchor="end" fill="${step === 1 ? "#444" : "#999"}" font-size="10">${value.toLocaleString("en-US")}</text>`,
        );
      }
    }
    concurrencies.forEach((concurrency, i) => {
      parts.push(
        `<text x="${x(i)}" y="${top + panelHeight + 16}" text-anchor="middle" fill="#555">${concurrency}</text>`,
      );
      storages.forEach((storage, row) => {
        const cell = latest[storage]?.cells.find((c) => c.scenario === scenario && c.concurrency === concurrency);
        if (!cell || cell.ratio === null) return;
        parts.push(
          `<text x="${x(i)}" y="${ratioTop + row * 16}" text-anchor="middle" fill="${colors[storage]}" font-weight="bold">×${cell.ratio.toFixed(2)}</text>`,
        );
      });
    });
    parts.push(
      `<text x="${x0 + panelWidth / 2}" y="${top + panelHeight + 32}" text-anchor="middle" fill="#555">concurrent clients</text>`,
    );
    for (const line of series) {
      const points = concurrencies.flatMap((concurrency, i) => {
        const value = line.points.get(`${scenario}/${concurrency}`);
        return value && value > 0 ? [[x(i), y(value)] as const] : [];
      });
      if (points.length === 0) continue;
      parts.push(
        `<polyline fill="none" stroke="${line.color}" stroke-width="2"${line.dashed ? ' stroke-dasharray="6 4"' : ""} points="${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ")}"/>`,
      );
      for (const [px, py] of points) {
        parts.push(
          line.dashed
            ? `<rect x="${(px - 3.5).toFixed(1)}" y="${(py - 3.5).toFixed(1)}" width="7" height="7" fill="#fff" stroke="${line.color}" stroke-width="1.5"/>`
            : `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="4" fill="${line.color}"/>`,
        );
      }
    }
  });
  storages.forEach((storage, row) => {
    parts.push(
      `<text x="${left - 8}" y="${ratioTop + row * 16}" text-anchor="end" fill="${colors[storage]}" font-size="10">${storage === "postgres" ? "PG" : "PGlite"}</text>`,
    );
  });
  series.forEach((line, i) => {
    const lx = left + (i % 2) * 440;
    const ly = legendTop + Math.floor(i / 2) * 22;
    parts.push(
      `<line x1="${lx}" x2="${lx + 36}" y1="${ly}" y2="${ly}" stroke="${line.color}" stroke-width="2"${line.dashed ? ' stroke-dasharray="6 4"' : ""}/>`,
      `<text x="${lx + 44}" y="${ly + 4}">${escapeXml(line.label)}</text>`,
    );
  });
  parts.push("</svg>", "");
  writeFileSync(CHART_FILE, parts.join("\n"));
}
