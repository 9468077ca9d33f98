/**
 * The floor: the same work as each scenario, sent straight through the database driver (`pg`, or
 * the PGlite instance in this process) at the same concurrency, one SQL statement a request. No
 * HTTP, no GraphQL, no validation, no ORM: what the database itself costs, which the server can
 * approach but not beat. The statements are the server's own, imported rather than restated:
 *
 * - create: prisma/sql/insertContact.sql, as a workspace key creates a contact with its tags and
 *   custom values.
 * - upsert: prisma/sql/updateContact.sql, finding the live contact by phone (else email); the custom
 *   variables' ids, which the server looks up per request, are read once after seeding.
 * - list: the statement of `findNewestContactRecords` for the newest 51 live contacts (50 and
 *   whether there is a next page) with their tags and custom values.
 */
import { reachParams, visibleContactSql } from "../src/access/workspace-access.js";
import { newestContactsSql } from "../src/contacts/contact-record.js";
import { deriveTimezone } from "../src/contacts/rules/timezone.js";
import { statementText } from "../src/storage/sql-statements.js";
import type { BenchDatabase, FloorConnection } from "./database.js";
import { type PacedSchedule, pacedWindow } from "./pace.js";
import type { BenchWorkspace, Workspaces } from "./seed.js";
import { Recorder, type SideResult } from "./stats.js";
import {
  type ContactValues,
  type Counter,
  CUSTOM_VARIABLES,
  createValues,
  PAGE_SIZE,
  type Scenario,
  SHARED_TAGS,
  upsertValues,
} from "./workload.js";

interface FloorRow {
  id?: string | null;
  unknown_names?: string[] | null;
  tags?: unknown[] | null;
  custom_fields?: unknown[] | null;
}

interface FloorOperation {
  sql: string;
  params: unknown[];
  /** A description of what is wrong with the rows, or null. */
  check(rows: FloorRow[]): string | null;
}

function customFieldParams(values: ContactValues): [string[], string[]] {
  const entries = Object.entries(values.customFields);
  return [entries.map(([name]) => name), entries.map(([, value]) => String(value))];
}

function checkTags(row: FloorRow): string | null {
  return (row.tags?.length ?? 0) < SHARED_TAGS.length + 1 ? `tags: ${JSON.stringify(row.tags)}` : null;
}

function checkCreated(rows: FloorRow[]): string | null {
  const [row] = rows;
  if (rows.length !== 1 || !row) return `${rows.length} rows`;
  if (!row.id) return `nothing inserted, unknown custom fields: ${JSON.stringify(row.unknown_names)}`;
  return checkTags(row);
}

function checkUpdated(rows: FloorRow[]): string | null {
  const [row] = rows;
  if (rows.length !== 1 || !row) return `${rows.length} rows`;
  if ((row.custom_fields?.length ?? 0) !== CUSTOM_VARIABLES.length) {
    return `custom values: ${JSON.stringify(row.custom_fields)}`;
  }
  return checkTags(row);
}

/** The caller the floor stands for: the scenario's workspace key. */
function workspaceKey(workspace: BenchWorkspace) {
  return { apiKeyId: "floor", accountId: workspace.accountId, workspaceId: workspace.workspaceId };
}

export function floorOperation(scenario: Scenario, counter: Counter, workspaces: Workspaces): FloorOperation {
  if (scenario === "create") {
    const workspace = workspaces.create;
    const values = createValues(counter.take());
    const [names, texts] = customFieldParams(values);
    return {
      sql: statementText("insertContact"),
      params: [
        ...reachParams(workspaceKey(workspace)),
        workspace.workspaceId,
        values.firstName,
        values.lastName,
        values.email,
        values.phone,
        deriveTimezone(values.phone, null),
        values.tags,
        names,
        texts,
      ],
      check: checkCreated,
    };
  }
  if (scenario === "upsert") {
    const workspace = workspaces.upsert;
    const values = upsertValues(counter.take());
    const [names, texts] = customFieldParams(values);
    const ids = names.map((name) => {
      const id = workspace.customVariableIds[name];
      if (!id) throw new Error(`no custom variable ${name} in the upsert workspace`);
      return id;
    });
    const given = [true, true, true, true, false]; // first name, last name, email, phone; not the timezone
    return {
      sql: statementText("updateContact"),
      params: [
        workspace.workspaceId,
        null,
        values.phone,
        values.email,
        false,
        ...given,
        values.firstName,
        values.lastName,
        values.email,
        values.phone,
        null,
        values.tags,
        [],
        ids,
        names,
        texts,
        [],
      ],
      check: checkUpdated,
    };
  }
  const page = newestContactsSql(visibleContactSql(workspaceKey(workspaces.list)), PAGE_SIZE + 1);
  return {
    sql: page.text,
    params: page.values,
    check: (rows) => (rows.length === PAGE_SIZE + 1 ? null : `page of ${rows.length} rows`),
  };
}

/** Sends one operation; resolves to a description of what went wrong, or null. */
async function send(connection: FloorConnection, operation: FloorOperation): Promise<string | null> {
  try {
    return operation.check(await connection.query<FloorRow>(operation.sql, operation.params));
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

function record(recorder: Recorder, latencyMs: number, problem: string | null): void {
  recorder.latencies.push(latencyMs);
  if (problem === null) recorder.ok++;
  else if (problem.startsWith("error: ")) recorder.fail("transportErrors", problem.slice(7));
  else recorder.fail("wrongResults", problem);
}

/**
 * Runs `concurrency` workers until the window closes. As with autocannon on our side, only the
 * requests that complete inside the window count; the ones still running then are waited for
 * (the next phase must start clean) but not counted.
 */
async function drive(
  connection: FloorConnection,
  scenario: Scenario,
  concurrency: number,
  seconds: number,
  counter: Counter,
  workspaces: Workspaces,
  recorder: Recorder,
): Promise<void> {
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const operation = floorOperation(scenario, counter, workspaces);
      const sent = performance.now();
      const problem = await send(connection, operation);
      const received = performance.now();
      if (received > deadline) break;
      record(recorder, received - sent, problem);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** A warm-up (not recorded), then the measured window, on a connection pool as large as the concurrency. */
export async function runFloor(
  db: BenchDatabase,
  workspaces: Workspaces,
  scenario: Scenario,
  concurrency: number,
  warmupSeconds: number,
  seconds: number,
  counter: Counter,
  window: { onStart(): void; onEnd(): void },
): Promise<{ result: SideResult; warmupFailures: number }> {
  const connection = await db.openFloor(concurrency);
  try {
    const warmup = new Recorder();
    if (warmupSeconds > 0) await drive(connection, scenario, concurrency, warmupSeconds, counter, workspaces, warmup);
    const recorder = new Recorder();
    window.onStart();
    await drive(connection, scenario, concurrency, seconds, counter, workspaces, recorder);
    window.onEnd();
    return { result: recorder.result(seconds), warmupFailures: warmup.result(1).failureCount };
  } finally {
    await connection.close();
  }
}

/**
 * The floor at a steady rate (see pace), over a pool of `schedule.concurrency` connections: what
 * the database and this machine add to a paced request's latency without the server.
 */
export async function runFloorPaced(
  db: BenchDatabase,
  workspaces: Workspaces,
  schedule: PacedSchedule,
): Promise<SideResult> {
  const { scenario, counter } = schedule;
  const connection = await db.openFloor(schedule.concurrency);
  try {
    return await pacedWindow(schedule, (recorder) => async (scheduled) => {
      const problem = await send(connection, floorOperation(scenario, counter, workspaces));
      record(recorder, performance.now() - scheduled, problem);
    });
  } finally {
    await connection.close();
  }
}
