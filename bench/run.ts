/**
 * `npm run bench`: the API against the floor, on PostgreSQL (default) or embedded PGlite (--pglite).
 * Creates a fresh database, seeds it, starts the server as `npm start` does (NODE_ENV=production),
 * and for each scenario and concurrency drives the server with autocannon and then the floor
 * through the driver, each after a warm-up and for a fixed time. Writes bench/results/<time>-<storage>.json,
 * BENCHMARKS.md and bench/chart.svg. The server is stopped and the database removed however the run ends.
 */
import { readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, release, tmpdir, totalmem, type } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseE164Phone } from "../src/contacts/rules/phone.js";
import { IssueCollector } from "../src/errors/validation-issues.js";
import { CpuAccounting } from "./cpu-accounting.js";
import {
  type BenchDatabase,
  createPGliteDatabase,
  createPostgresDatabase,
  DEFAULT_POSTGRES_URL,
  type Storage,
} from "./database.js";
import { floorOperation, runFloor, runFloorPaced } from "./floor.js";
import {
  bestImportRate,
  checkImported,
  createImportWorkspaces,
  floorConcurrencies,
  type ImportResult,
  type ImportWorkspaces,
  importFloor,
  importThroughApi,
  importThroughCli,
  judgeTargets,
  warmUpImport,
} from "./import.js";
import {
  DEFAULT_IMPORT_ROWS,
  IMPORT_BATCH_ROWS,
  IMPORT_CONCURRENCIES,
  importRows,
  QUICK_IMPORT_ROWS,
} from "./import-workload.js";
import { runOurs, runOursPaced } from "./ours.js";
import { PACED_CONCURRENCY } from "./pace.js";
import {
  type CellResult,
  cpuCost,
  importTable,
  importTargets,
  latestResults,
  markdownTable,
  type RunResult,
  STORAGE_TITLES,
  writeBenchmarksMarkdown,
  writeChart,
  writeResult,
} from "./report.js";
import { createWorkspaces, seedData, type Workspaces } from "./seed.js";
import { ProcessSampler, type RunningServer, startServer } from "./server.js";
import {
  BENCH_SCENARIOS,
  type BenchScenario,
  Counter,
  judgeResponse,
  LIST_CONTACTS,
  requestBody,
  SCENARIOS,
  type Scenario,
  UPSERT_CONTACTS,
  uniquePhone,
} from "./workload.js";

const DEFAULT_CONCURRENCIES = [1, 16, 64];

const HELP = `Usage: npm run bench [-- options]

  --pglite                 embedded PGlite (a temporary data directory) instead of PostgreSQL
  --quick                  1 s warm-up and 2 s per cell: a smoke run, not written to BENCHMARKS.md
  --warmup <seconds>       warm-up per cell (default 2)
  --duration <seconds>     measured time per cell (default 6)
  --concurrency <list>     e.g. 1,16,64 (default); another list makes a partial run
  --scenario <list>        create,upsert,list,import (default); another list makes a partial run, e.g.
                           --scenario import: only the bulk import (with a short createContact
                           measurement of its own for the ratio), or create,import
  --import-rows <n>        rows of the bulk import (default ${DEFAULT_IMPORT_ROWS}; --quick: ${QUICK_IMPORT_ROWS}), loaded
                           in batches of ${IMPORT_BATCH_ROWS} at ${IMPORT_CONCURRENCIES.join(" and ")} concurrent batches, by the floor,
                           and by the admin command line; another number makes a partial run
  --server-env KEY=VALUE   extra environment for the server (repeatable), e.g. DATABASE_POOL_SIZE=20
  --keep-log               keep the server's log file
  --cpu-prof <dir>         run the server under node --cpu-prof, writing its profile to <dir> at exit
                           (a partial run: profiling slows the server)
  --report                 only rewrite BENCHMARKS.md and bench/chart.svg from bench/results

PostgreSQL: DATABASE_URL names the server and a database to connect to first (default
${DEFAULT_POSTGRES_URL}); the benchmark creates contacts_bench_<time> there and drops it at the end.`;

/** Rate limits are the product's defence, not its capacity: the benchmark turns them off (the import's row budget too). */
const DEFAULT_SERVER_ENV: Record<string, string> = {
  RATE_LIMIT_WRITE_RATE: "0",
  RATE_LIMIT_READ_RATE: "0",
  RATE_LIMIT_IMPORT_ROWS: "0",
};

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      pglite: { type: "boolean", default: false },
      quick: { type: "boolean", default: false },
      warmup: { type: "string" },
      duration: { type: "string" },
      concurrency: { type: "string" },
      scenario: { type: "string" },
      "import-rows": { type: "string" },
      "server-env": { type: "string", multiple: true },
      "keep-log": { type: "boolean", default: false },
      "cpu-prof": { type: "string" },
      report: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  if (values.report) {
    const latest = latestResults();
    writeBenchmarksMarkdown(latest);
    writeChart(latest);
    console.log(`Rewrote BENCHMARKS.md and bench/chart.svg from: ${Object.keys(latest).join(", ") || "no results"}`);
    process.exit(0);
  }
  const seconds = (raw: string | undefined, fallback: number, name: string) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || value > 600) throw new Error(`--${name} must be 0 to 600 seconds`);
    return value;
  };
  const concurrencies = values.concurrency
    ? values.concurrency.split(",").map((part) => {
        const value = Number(part);
        if (!Number.isInteger(value) || value < 1 || value > 512) throw new Error(`bad concurrency: ${part}`);
        return value;
      })
    : DEFAULT_CONCURRENCIES;
  const chosen = values.scenario
    ? values.scenario.split(",").map((part) => {
        if (!BENCH_SCENARIOS.includes(part as BenchScenario)) throw new Error(`unknown scenario: ${part}`);
        return part as BenchScenario;
      })
    : [...BENCH_SCENARIOS];
  const scenarios = SCENARIOS.filter((scenario) => chosen.includes(scenario));
  const importRowCount = values["import-rows"] === undefined ? undefined : Number(values["import-rows"]);
  if (
    importRowCount !== undefined &&
    (!Number.isInteger(importRowCount) || importRowCount < 1 || importRowCount > 5_000_000)
  )
    throw new Error("--import-rows must be an integer from 1 to 5,000,000");
  const rowsToImport = importRowCount ?? (values.quick ? QUICK_IMPORT_ROWS : DEFAULT_IMPORT_ROWS);
  const serverEnv = { ...DEFAULT_SERVER_ENV };
  for (const pair of values["server-env"] ?? []) {
    const match = pair.match(/^([A-Z_][A-Z0-9_]*)=(.*)$/);
    if (!match?.[1]) throw new Error(`--server-env wants KEY=VALUE, got ${pair}`);
    serverEnv[match[1]] = match[2] ?? "";
  }
  const partial =
    values.quick ||
    values["cpu-prof"] !== undefined ||
    concurrencies.join(",") !== DEFAULT_CONCURRENCIES.join(",") ||
    chosen.join(",") !== BENCH_SCENARIOS.join(",") ||
    rowsToImport !== DEFAULT_IMPORT_ROWS;
  return {
    storage: (values.pglite ? "pglite" : "postgres") as Storage,
    warmupSeconds: seconds(values.warmup, values.quick ? 1 : 2, "warmup"),
    durationSeconds: seconds(values.duration, values.quick ? 2 : 6, "duration"),
    concurrencies,
    scenarios,
    chosen,
    importRows: chosen.includes("import") ? rowsToImport : null,
    serverEnv,
    partial,
    keepLog: values["keep-log"],
    cpuProfileDirectory: values["cpu-prof"],
    command: `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`,
  };
}

type Options = ReturnType<typeof parseOptions>;

/** Every number the run will use must pass the server's own phone rule. */
function checkPhones(): void {
  for (const n of [0, 1, 7, 8, 999, 123_456, 1_000_000, 5_000_000]) {
    const phone = uniquePhone(n);
    const issues = new IssueCollector();
    if (!parseE164Phone(phone, "phone", issues))
      throw new Error(`generated phone ${phone} is not a possible E.164 number`);
  }
}

/** One request of each scenario, and one floor statement, before any clock starts: a broken setup fails here. */
async function preflight(
  server: RunningServer,
  db: BenchDatabase,
  workspaces: Workspaces,
  scenarios: Scenario[],
  counter: Counter,
): Promise<void> {
  for (const scenario of scenarios) {
    const response = await fetch(`http://127.0.0.1:${server.port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${workspaces[scenario].apiKey}` },
      body: requestBody(scenario, counter),
    });
    const body = await response.text();
    const outcome = response.status === 200 ? judgeResponse(scenario, body) : { kind: "http", detail: body };
    if (outcome.kind !== "ok") {
      throw new Error(
        `Preflight ${scenario} against the server failed (HTTP ${response.status}): ${body.slice(0, 800)}`,
      );
    }
    const floor = await db.openFloor(1);
    try {
      const operation = floorOperation(scenario, counter, workspaces);
      const problem = operation.check(await floor.query(operation.sql, operation.params));
      if (problem) throw new Error(`Preflight ${scenario} on the floor failed: ${problem}`);
    } finally {
      await floor.close();
    }
  }
}

function scanLog(file: string): { count: number; samples: string[] } {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { count: 0, samples: [] };
  }
  const samples: string[] = [];
  let count = 0;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    let isError = false;
    try {
      const entry = JSON.parse(line) as { level?: number | string };
      isError = typeof entry.level === "number" ? entry.level >= 50 : /error|fatal/i.test(String(entry.level));
    } catch {
      isError = /error|exception|unhandled/i.test(line);
    }
    if (isError) {
      count++;
      if (samples.length < 10) samples.push(line.slice(0, 600));
    }
  }
  return { count, samples };
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const fmt = (value: number) => value.toFixed(value >= 100 ? 0 : 1).padStart(7);

/** What the import measured while the server ran; the command line and the checks come after it stops. */
type ImportRun = Omit<ImportResult, "cli" | "targets" | "ratioToFloor" | "ratioToCreateContact"> & {
  rowsLoaded: ReturnType<typeof importRows>;
};

/**
 * The bulk import while the server runs: one warm-up into a workspace of its own, then every row
 * through importContacts at each concurrency (a fresh workspace each), then the floor at each. The
 * createContact rate it is compared with comes from this run's create cells, or when they were
 * not run, from a short measurement of its own at the import's concurrencies.
 */
async function measureImport(
  options: Options,
  rowCount: number,
  db: BenchDatabase,
  server: RunningServer,
  sampler: ProcessSampler,
  workspaces: Workspaces,
  importWorkspaces: ImportWorkspaces,
  counter: Counter,
  cells: CellResult[],
): Promise<ImportRun> {
  const rows = importRows(rowCount);
  let createContact: ImportResult["createContact"] = null;
  const createCells = cells.filter((cell) => cell.scenario === "create");
  if (createCells.length > 0) {
    const best = createCells.reduce((a, b) => (b.ours.throughput > a.ours.throughput ? b : a));
    createContact = {
      requestsPerSecond: best.ours.throughput,
      concurrency: best.concurrency,
      source: "the best of this run's createContact cells",
    };
  } else {
    for (const concurrency of IMPORT_CONCURRENCIES) {
      await db.settle();
      const { result } = await runOurs(
        { port: server.port, apiKey: workspaces.create.apiKey },
        "create",
        concurrency,
        options.warmupSeconds,
        options.durationSeconds,
        counter,
        { onStart: () => {}, onEnd: () => {} },
      );
      if (result.failureCount > 0)
        throw new Error(`createContact for the import's ratio failed: ${result.failureSamples[0]}`);
      console.log(
        `create c=${String(concurrency).padStart(3)}  ours ${fmt(result.throughput)}/s (for the import's ratio)`,
      );
      if (!createContact || result.throughput > createContact.requestsPerSecond) {
        createContact = {
          requestsPerSecond: result.throughput,
          concurrency,
          source: `a createContact measurement of the import's own (${options.warmupSeconds} s warm-up, ${options.durationSeconds} s at ${IMPORT_CONCURRENCIES.join(" and ")} clients), the best`,
        };
      }
    }
  }

  const api: ImportResult["api"] = [];
  await warmUpImport(
    { port: server.port, apiKey: importWorkspaces.warmup.apiKey },
    rows,
    Math.max(...IMPORT_CONCURRENCIES),
  );
  for (const concurrency of IMPORT_CONCURRENCIES) {
    const workspace = importWorkspaces.api[concurrency];
    if (!workspace) throw new Error(`no import workspace for ${concurrency} concurrent batches`);
    await db.settle();
    const run = await importThroughApi(
      { port: server.port, apiKey: workspace.apiKey },
      rows,
      concurrency,
      sampler,
      db.storage === "postgres",
    );
    api.push(run);
    console.log(
      `import c=${concurrency}  ${fmt(run.rowsPerSecond)} rows/s (${rowCount} rows in ${run.seconds} s)  batch p50 ${fmt(run.batchLatencyMs.p50)} ` +
        `p99 ${fmt(run.batchLatencyMs.p99)} ms  rss ${run.serverPeakRssMb} MB cpu ${run.serverCpuPercent}%  ` +
        `cpu ms/row ${run.cpuPerRow.machineMsPerRequest} (PostgreSQL ${run.cpuPerRow.databaseMsPerRequest ?? "n/a"})`,
    );
  }
  const floor: ImportResult["floor"] = [];
  for (const concurrency of floorConcurrencies(db, IMPORT_CONCURRENCIES)) {
    const workspace = importWorkspaces.floor[concurrency];
    if (!workspace) throw new Error(`no floor import workspace for ${concurrency} sessions`);
    await db.settle();
    const run = await importFloor(db, workspace.workspaceId, rows, concurrency);
    floor.push(run);
    console.log(
      `import floor c=${concurrency}  ${fmt(run.rowsPerSecond)} rows/s (${run.seconds} s: COPY ${run.copySeconds} s, inserts ${run.insertSeconds} s)  ` +
        `cpu ms/row ${run.cpuPerRow.machineMsPerRequest} (PostgreSQL ${run.cpuPerRow.databaseMsPerRequest ?? "n/a"})`,
    );
  }
  return { rows: rowCount, batchRows: IMPORT_BATCH_ROWS, api, floor, createContact, rowsLoaded: rows };
}

/**
 * After the server has stopped: every row of ours checked in the database, then the admin command
 * line timed on a CSV of the same rows (an embedded data directory admits one process at a time,
 * so on PGlite it could not run earlier; on PostgreSQL it runs at the same point, for the same
 * conditions), then the ratios and targets.
 */
async function finishImport(
  db: BenchDatabase,
  run: ImportRun,
  importWorkspaces: ImportWorkspaces,
): Promise<ImportResult> {
  const { rowsLoaded, ...measured } = run;
  await db.withSql(async (sql) => {
    for (const concurrency of IMPORT_CONCURRENCIES) {
      const workspace = importWorkspaces.api[concurrency];
      if (workspace) await checkImported(sql, workspace.workspaceId, rowsLoaded, `importContacts at ${concurrency}`);
    }
  });
  await db.settle();
  const cli = await importThroughCli(db, importWorkspaces.cli.workspaceId, rowsLoaded);
  console.log(
    cli.status === "measured"
      ? `import admin CLI  ${fmt(cli.rowsPerSecond)} rows/s (${cli.wallSeconds} s wall, ${cli.reportedElapsedMs ?? "n/a"} ms by its own count)  peak rss ${cli.peakRssMb} MB`
      : `import admin CLI  ${cli.status}: ${cli.status === "failed" ? cli.error : cli.reason}`,
  );
  const best = bestImportRate(measured.api);
  const ratio = (over: number | undefined) =>
    over && over > 0 && best > 0 ? Math.round((best / over) * 1000) / 1000 : null;
  const withoutTargets = {
    ...measured,
    cli,
    ratioToFloor: ratio(Math.max(0, ...measured.floor.map((run) => run.rowsPerSecond))),
    ratioToCreateContact: ratio(measured.createContact?.requestsPerSecond),
  };
  return { ...withoutTargets, targets: judgeTargets(withoutTargets) };
}

async function main(): Promise<void> {
  const options: Options = parseOptions(process.argv.slice(2));
  const started = new Date();
  const startedAt = performance.now();
  checkPhones();
  const loadAtStart = loadavg()[0] ?? 0;
  if (loadAtStart > cpus().length) {
    console.warn(
      `WARNING: the machine is busy (load average ${loadAtStart.toFixed(1)} on ${cpus().length} cores): expect low, noisy numbers.`,
    );
  }

  let db: BenchDatabase | undefined;
  let server: RunningServer | undefined;
  const logFile = join(tmpdir(), `contacts-bench-${started.getTime()}-${options.storage}-server.log`);
  let cleaning: Promise<void> | undefined;
  const cleanup = () => {
    cleaning ??= (async () => {
      await server?.stop().catch((error) => console.error(`stopping the server: ${error.message}`));
      await db?.destroy().catch((error) => console.error(`removing the database: ${error.message}`));
      if (!options.keepLog) rmSync(logFile, { force: true });
    })();
    return cleaning;
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the server and removing the benchmark database`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  for (const event of ["uncaughtException", "unhandledRejection"] as const) {
    process.once(event, (error: unknown) => {
      console.error(`\nBenchmark failed (${event}): ${error instanceof Error ? error.stack : String(error)}`);
      void cleanup().finally(() => process.exit(1));
    });
  }

  try {
    console.log(`Benchmark on ${STORAGE_TITLES[options.storage]}: ${options.command}`);
    const serverUrl = process.env.DATABASE_URL?.trim() || DEFAULT_POSTGRES_URL;
    if (options.storage === "postgres" && !/^postgres(ql)?:\/\//.test(serverUrl)) {
      throw new Error(
        `DATABASE_URL must be a postgres:// URL for the PostgreSQL run (or use --pglite), got ${serverUrl}`,
      );
    }
    db = options.storage === "postgres" ? await createPostgresDatabase(serverUrl) : await createPGliteDatabase();
    console.log(`Database: ${db.location}`);

    let phase = performance.now();
    const since = (mark: number) => `${((performance.now() - mark) / 1000).toFixed(1)} s`;
    const workspaces = await createWorkspaces(db);
    const importWorkspaces =
      options.importRows === null
        ? undefined
        : await createImportWorkspaces(db, workspaces.create.accountId, IMPORT_CONCURRENCIES);
    console.log(
      `Account and ${3 + (importWorkspaces ? 3 + IMPORT_CONCURRENCIES.length : 0)} workspaces through the admin command line in ${since(phase)}`,
    );
    phase = performance.now();
    await seedData(db, workspaces);
    await db.sealSeed();
    const facts = await db.facts();
    console.log(
      `Seeded ${UPSERT_CONTACTS + LIST_CONTACTS} contacts with tags and values through SQL in ${since(phase)}. ` +
        `${facts.version.split(" on ")[0]}, fsync=${facts.fsync}, synchronous_commit=${facts.synchronousCommit}, autovacuum=${facts.autovacuum}`,
    );
    if (options.storage === "postgres" && (facts.fsync !== "on" || facts.synchronousCommit === "off")) {
      console.warn("WARNING: this PostgreSQL runs without full durability: the numbers are not a fair comparison.");
    }

    phase = performance.now();
    server = await startServer({
      databaseUrl: db.url,
      env: options.serverEnv,
      logFile,
      cpuProfileDirectory: options.cpuProfileDirectory,
    });
    console.log(`Server pid ${server.pid} on 127.0.0.1:${server.port}, ready in ${since(phase)}`);
    const sampler = new ProcessSampler(server.pid);
    const counter = new Counter();
    await preflight(server, db, workspaces, options.scenarios, counter);

    const cells: CellResult[] = [];
    for (const scenario of options.scenarios) {
      for (const concurrency of options.concurrencies) {
        const target = { port: server.port, apiKey: workspaces[scenario].apiKey };
        let usage: ReturnType<ProcessSampler["stop"]> = { peakRssMb: null, cpuPercent: null };
        const oursCpu = new CpuAccounting(db.storage === "postgres");
        const floorCpu = new CpuAccounting(db.storage === "postgres");
        await db.settle();
        const ours = await runOurs(
          target,
          scenario,
          concurrency,
          options.warmupSeconds,
          options.durationSeconds,
          counter,
          {
            onStart: () => {
              sampler.start();
              oursCpu.start();
            },
            onEnd: () => {
              oursCpu.stop();
              usage = sampler.stop();
            },
          },
        );
        ours.result.serverPeakRssMb = usage.peakRssMb;
        ours.result.serverCpuPercent = usage.cpuPercent;
        await db.settle();
        const floor = await runFloor(
          db,
          workspaces,
          scenario,
          concurrency,
          options.warmupSeconds,
          options.durationSeconds,
          counter,
          { onStart: () => floorCpu.start(), onEnd: () => floorCpu.stop() },
        );
        ours.result.cpu = oursCpu.perRequest(ours.result.ok);
        floor.result.cpu = floorCpu.perRequest(floor.result.ok);
        const ratio =
          floor.result.throughput > 0
            ? Math.round((ours.result.throughput / floor.result.throughput) * 1000) / 1000
            : null;
        cells.push({
          scenario,
          concurrency,
          ours: ours.result,
          floor: floor.result,
          ratio,
          warmupFailures: { ours: ours.warmupFailures, floor: floor.warmupFailures },
        });
        const o = ours.result;
        const f = floor.result;
        console.log(
          `${scenario.padEnd(6)} c=${String(concurrency).padStart(3)}  ours ${fmt(o.throughput)}/s p50 ${fmt(o.latencyMs.p50)} p99 ${fmt(o.latencyMs.p99)} ms ` +
            `rss ${o.serverPeakRssMb} MB cpu ${o.serverCpuPercent}%  |  floor ${fmt(f.throughput)}/s p50 ${fmt(f.latencyMs.p50)} p99 ${fmt(f.latencyMs.p99)} ms  ` +
            `|  ratio ${ratio?.toFixed(2) ?? "n/a"}  |  cpu ms/request ours ${cpuCost(o)} floor ${cpuCost(f)}` +
            (o.failureCount || f.failureCount ? `  FAILURES ours ${o.failureCount} floor ${f.failureCount}` : ""),
        );
        for (const sample of [...o.failureSamples.slice(0, 2), ...f.failureSamples.slice(0, 2)])
          console.log(`    ${sample}`);
      }
    }

    let pacedCreate: RunResult["pacedCreate"];
    const createPeak = Math.max(0, ...cells.filter((cell) => cell.scenario === "create").map((c) => c.ours.throughput));
    if (createPeak > 0) {
      const rate = Math.max(1, Math.round(createPeak / 2));
      const concurrency = PACED_CONCURRENCY;
      const schedule = {
        scenario: "create" as const,
        concurrency,
        rate,
        warmupSeconds: options.warmupSeconds,
        seconds: options.durationSeconds,
        counter,
      };
      await db.settle(); // as before every other cell
      const paced = await runOursPaced({ port: server.port, apiKey: workspaces.create.apiKey }, schedule);
      await db.settle();
      const floor = await runFloorPaced(db, workspaces, schedule);
      pacedCreate = { rate, concurrency, result: paced, floor };
      console.log(
        `create paced at ${rate}/s (half of ours' peak), ${concurrency} connections: ${fmt(paced.throughput)}/s ` +
          `p50 ${fmt(paced.latencyMs.p50)} p99 ${fmt(paced.latencyMs.p99)} ms  |  floor ${fmt(floor.throughput)}/s ` +
          `p50 ${fmt(floor.latencyMs.p50)} p99 ${fmt(floor.latencyMs.p99)} ms` +
          (paced.failureCount || floor.failureCount
            ? `  FAILURES ours ${paced.failureCount} floor ${floor.failureCount}`
            : ""),
      );
    }

    const importRun =
      options.importRows !== null && importWorkspaces
        ? await measureImport(
            options,
            options.importRows,
            db,
            server,
            sampler,
            workspaces,
            importWorkspaces,
            counter,
            cells,
          )
        : undefined;

    const lifetimePeakRssMb = sampler.lifetimePeakMb();
    await server.stop();
    const importResult =
      importRun && importWorkspaces ? await finishImport(db, importRun, importWorkspaces) : undefined;
    // How big the tables had grown (every tenant's rows): reads that scan instead of seeking slow down with it.
    const [rowsAtEnd] = await db.withSql((sql) =>
      sql.query<Record<string, number>>(
        `SELECT (SELECT count(*)::int FROM contacts) AS contacts, (SELECT count(*)::int FROM tags) AS tags,
          (SELECT count(*)::int FROM contact_tags) AS contact_tags,
          (SELECT count(*)::int FROM contact_custom_values) AS contact_custom_values`,
      ),
    );
    const log = scanLog(logFile);
    const cpuList = cpus();
    const result: RunResult = {
      format: 1,
      storage: options.storage,
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      wallSeconds: Math.round((performance.now() - startedAt) / 1000),
      command: options.command,
      partial: options.partial,
      settings: {
        warmupSeconds: options.warmupSeconds,
        durationSeconds: options.durationSeconds,
        concurrencies: options.concurrencies,
        scenarios: options.chosen,
        importRows: options.importRows ?? undefined,
        serverEnv: options.serverEnv,
        data: `Seeded: ${UPSERT_CONTACTS.toLocaleString("en-US")} contacts for the upserts, ${LIST_CONTACTS.toLocaleString("en-US")} for the list, each with tags and two custom values.`,
      },
      machine: {
        cpus: cpuList.length,
        cpuModel: cpuList[0]?.model.trim() ?? "unknown",
        memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
        os: `${type()} ${release()}`,
        node: process.version,
        database: facts,
        loadAverage: { atStart: round1(loadAtStart), atEnd: round1(loadavg()[0] ?? 0) },
      },
      server: { lifetimePeakRssMb, logErrorCount: log.count, logErrorSamples: log.samples },
      rowsAtEnd: rowsAtEnd ?? {},
      cells,
      pacedCreate,
      import: importResult,
    };
    const file = writeResult(result);
    const latest = latestResults();
    writeBenchmarksMarkdown(latest);
    writeChart(latest);
    if (result.cells.length > 0) console.log(`\n${markdownTable(result)}\n`);
    if (result.import) console.log(`${importTable(result.import)}\n\n${importTargets(result.import)}\n`);
    console.log(`Results: ${file}`);
    console.log(
      options.partial
        ? `Partial run: BENCHMARKS.md and bench/chart.svg show the latest complete runs${
            result.import?.rows === DEFAULT_IMPORT_ROWS ? " (its bulk-import section this run)" : ""
          }.`
        : "Updated BENCHMARKS.md and bench/chart.svg.",
    );
    if (log.count > 0)
      console.log(`The server logged ${log.count} errors, e.g.:\n  ${log.samples.slice(0, 3).join("\n  ")}`);
    if (options.keepLog) console.log(`Server log: ${logFile}`);
    console.log(`Wall time: ${result.wallSeconds} s`);
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`\nBenchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
