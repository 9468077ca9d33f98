/**
 * The floor: the same work as each scenario, sent straight through the database driver (`pg`, or
 * the PGlite instance in this process) at the same concurrency, one SQL statement a request. No
 * HTTP, no GraphQL, no validation, no ORM: what the database itself costs, which the server can
 * approach but not beat.
 *
 * - create: one statement like src/contacts/insert-contact-row.ts's insert: upsert the tags,
 *   insert the contact, link the tags, resolve the custom variables by name and write the values,
 *   and return the contact with its tags and values.
 * - upsert: one statement that finds the live contact by phone (else email), updates its fields,
 *   adds its tags, overwrites its values and returns it with all its tags and values.
 * - list: one query for the newest 51 live contacts (50 and whether there is a next page) with
 *   their tags and custom values as JSON.
 */
import { deriveTimezone } from "../src/contacts/rules/timezone.js";
import type { BenchDatabase, FloorConnection } from "./database.js";
import { type PacedSchedule, pacedWindow } from "./pace.js";
import type { Workspaces } from "./seed.js";
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

const CONTACT_COLUMNS = "id, workspace_id, first_name, last_name, email, phone, timezone, created_at, updated_at";

/** The tags given (names in parameter `names`) with their ids, which the schema computes from the names. */
const inputTags = (names: string) => `input_tags AS (
    SELECT DISTINCT name, tag_id($1::uuid, name) AS id FROM unnest(${names}::text[]) AS t(name)
  )`;

/** The custom values given (names in parameter `names`, texts in `texts`), resolved to the workspace's variables. */
const inputValues = (names: string, texts: string) => `input_values AS (
    SELECT v.id, v.name, i.value
    FROM unnest(${names}::text[], ${texts}::text[]) AS i(name, value)
    JOIN custom_variables v ON v.workspace_id = $1::uuid AND v.name = i.name
  )`;

export const FLOOR_CREATE_SQL = `
  WITH ${inputTags("$7")}, new_contact AS (
    INSERT INTO contacts (workspace_id, id, first_name, last_name, email, phone, timezone)
    VALUES ($1::uuid, gen_random_uuid(), $2, $3, $4, $5, $6)
    RETURNING ${CONTACT_COLUMNS}
  ), created_tags AS (
    INSERT INTO tags (workspace_id, id, name)
    SELECT $1::uuid, id, name FROM input_tags
    ON CONFLICT (workspace_id, name) DO NOTHING
  ), links AS (
    INSERT INTO contact_tags (workspace_id, contact_id, tag_id)
    SELECT $1::uuid, c.id, i.id FROM new_contact c CROSS JOIN input_tags i
  ), ${inputValues("$8", "$9")}, written_values AS (
    INSERT INTO contact_custom_values (workspace_id, contact_id, custom_variable_id, value)
    SELECT $1::uuid, c.id, v.id, v.value FROM new_contact c CROSS JOIN input_values v
  )
  SELECT c.*,
    (SELECT json_agg(json_build_object('id', t.id, 'name', t.name) ORDER BY t.name) FROM input_tags t) AS tags,
    (SELECT json_agg(json_build_object('name', v.name, 'value', v.value) ORDER BY v.name) FROM input_values v)
      AS custom_fields
  FROM new_contact c`;

export const FLOOR_UPSERT_SQL = `
  WITH target AS (
    SELECT id FROM contacts
    WHERE workspace_id = $1::uuid AND deleted_at IS NULL AND (phone = $5 OR email = $4)
    ORDER BY (phone IS NOT DISTINCT FROM $5) DESC
    LIMIT 1
  ), updated AS (
    UPDATE contacts c SET first_name = $2, last_name = $3, email = $4, phone = $5, updated_at = now()
    FROM target WHERE c.workspace_id = $1::uuid AND c.id = target.id AND c.deleted_at IS NULL
    RETURNING c.id, c.workspace_id, c.first_name, c.last_name, c.email, c.phone, c.timezone, c.created_at, c.updated_at
  ), ${inputTags("$6")}, created_tags AS (
    INSERT INTO tags (workspace_id, id, name)
    SELECT $1::uuid, id, name FROM input_tags WHERE EXISTS (SELECT 1 FROM updated)
    ON CONFLICT (workspace_id, name) DO NOTHING
  ), links AS (
    INSERT INTO contact_tags (workspace_id, contact_id, tag_id)
    SELECT $1::uuid, c.id, i.id FROM updated c CROSS JOIN input_tags i
    ON CONFLICT DO NOTHING
  ), ${inputValues("$7", "$8")}, written_values AS (
    INSERT INTO contact_custom_values (workspace_id, contact_id, custom_variable_id, value)
    SELECT $1::uuid, c.id, v.id, v.value FROM updated c CROSS JOIN input_values v
    ON CONFLICT (workspace_id, contact_id, custom_variable_id) DO UPDATE SET value = EXCLUDED.value
  )
  SELECT c.*,
    (SELECT json_agg(json_build_object('id', t.id, 'name', t.name) ORDER BY t.name) FROM (
      SELECT t.id, t.name FROM contact_tags l JOIN tags t ON t.workspace_id = l.workspace_id AND t.id = l.tag_id
      WHERE l.workspace_id = $1::uuid AND l.contact_id = c.id
      UNION
      SELECT id, name FROM input_tags
    ) t) AS tags,
    (SELECT json_agg(json_build_object('name', x.name, 'value', x.value) ORDER BY x.name) FROM (
      SELECT name, value FROM input_values
      UNION ALL
      SELECT v.name, s.value FROM contact_custom_values s
      JOIN custom_variables v ON v.workspace_id = s.workspace_id AND v.id = s.custom_variable_id
      WHERE s.workspace_id = $1::uuid AND s.contact_id = c.id AND s.custom_variable_id NOT IN (SELECT id FROM input_values)
    ) x) AS custom_fields
  FROM updated c`;

export const FLOOR_LIST_SQL = `
  SELECT c.${CONTACT_COLUMNS.split(", ").join(", c.")},
    coalesce((
      SELECT json_agg(json_build_object('id', t.id, 'name', t.name) ORDER BY t.name)
      FROM contact_tags l JOIN tags t ON t.workspace_id = l.workspace_id AND t.id = l.tag_id
      WHERE l.workspace_id = c.workspace_id AND l.contact_id = c.id
    ), '[]') AS tags,
    coalesce((
      SELECT json_agg(json_build_object('name', v.name, 'value', s.value) ORDER BY v.name)
      FROM contact_custom_values s
      JOIN custom_variables v ON v.workspace_id = s.workspace_id AND v.id = s.custom_variable_id
      WHERE s.workspace_id = c.workspace_id AND s.contact_id = c.id
    ), '[]') AS custom_fields
  FROM contacts c
  WHERE c.workspace_id = $1::uuid AND c.deleted_at IS NULL
  ORDER BY c.created_at DESC, c.id DESC
  LIMIT ${PAGE_SIZE + 1}`;

interface FloorRow {
  tags: unknown[] | null;
  custom_fields: unknown[] | null;
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

function checkContact(rows: FloorRow[]): string | null {
  const [row] = rows;
  if (rows.length !== 1 || !row) return `${rows.length} rows`;
  if ((row.tags?.length ?? 0) < SHARED_TAGS.length + 1) return `tags: ${JSON.stringify(row.tags)}`;
  if ((row.custom_fields?.length ?? 0) !== CUSTOM_VARIABLES.length) {
    return `custom values: ${JSON.stringify(row.custom_fields)}`;
  }
  return null;
}

export function floorOperation(scenario: Scenario, counter: Counter, workspaces: Workspaces): FloorOperation {
  if (scenario === "create") {
    const values = createValues(counter.take());
    const [names, texts] = customFieldParams(values);
    return {
      sql: FLOOR_CREATE_SQL,
      params: [
        workspaces.create.workspaceId,
        values.firstName,
        values.lastName,
        values.email,
        values.phone,
        deriveTimezone(values.phone, null),
        values.tags,
        names,
        texts,
      ],
      check: checkContact,
    };
  }
  if (scenario === "upsert") {
    const values = upsertValues(counter.take());
    const [names, texts] = customFieldParams(values);
    return {
      sql: FLOOR_UPSERT_SQL,
      params: [
        workspaces.upsert.workspaceId,
        values.firstName,
        values.lastName,
        values.email,
        values.phone,
        values.tags,
        names,
        texts,
      ],
      check: checkContact,
    };
  }
  return {
    sql: FLOOR_LIST_SQL,
    params: [workspaces.list.workspaceId],
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
