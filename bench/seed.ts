/**
 * Seeds the benchmark database before the server starts: the account and its three workspaces
 * through the operators' command line (so the API keys are made as in production), then the bulk
 * data straight through SQL (fast): custom variables, the shared tags, the 10,000 contacts that the
 * upserts hit and the 10,000 that the list pages through, each with tags and custom values, and
 * the tags of one more workspace that stands for the rest of a database in use.
 */
import { spawn } from "node:child_process";
import type { BenchDatabase, SqlRunner } from "./database.js";
import {
  CUSTOM_VARIABLES,
  LIST_CONTACTS,
  LIST_TAGS,
  OTHER_TENANT_TAGS,
  type Scenario,
  SHARED_TAGS,
  UPSERT_CONTACTS,
  upsertSeedEmail,
  upsertSeedPhone,
} from "./workload.js";

export interface BenchWorkspace {
  accountId: string;
  workspaceId: string;
  apiKey: string;
  /** By name; filled by seedData, which creates them. */
  customVariableIds: Record<string, string>;
}

export type Workspaces = Record<Scenario, BenchWorkspace>;

const REPO_ROOT = new URL("..", import.meta.url);

/** `npm run --silent admin -- <args>`: one JSON object on stdout. */
export function runAdmin(databaseUrl: string, args: string[]): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "admin", "--", ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = stdout.trim().split("\n").pop() ?? "";
      if (code !== 0) return reject(new Error(`admin ${args[0]} exited with ${code}: ${stderr.trim() || stdout}`));
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`admin ${args[0]} printed no JSON: ${stdout}${stderr}`));
      }
    });
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuid(value: string | undefined): string {
  if (!value || !UUID.test(value)) throw new Error(`expected a UUID from the admin command line, got ${value}`);
  return value;
}

/** The account and one workspace (with its own workspace key) per scenario. */
export async function createWorkspaces(db: BenchDatabase): Promise<Workspaces> {
  const account = await runAdmin(db.url, ["create-account", "--name", "Benchmark"]);
  const accountId = uuid(account.accountId);
  const make = async (scenario: Scenario): Promise<[Scenario, BenchWorkspace]> => {
    const created = await runAdmin(db.url, ["create-workspace", "--account", accountId, "--name", `Bench ${scenario}`]);
    const apiKey = created.apiKey;
    if (!apiKey) throw new Error("create-workspace printed no apiKey");
    return [scenario, { accountId, workspaceId: uuid(created.workspaceId), apiKey, customVariableIds: {} }];
  };
  const scenarios: Scenario[] = ["create", "upsert", "list"];
  // An embedded data directory may be opened by one process at a time.
  const entries =
    db.storage === "pglite"
      ? await scenarios.reduce<Promise<[Scenario, BenchWorkspace][]>>(
          async (done, scenario) => [...(await done), await make(scenario)],
          Promise.resolve([]),
        )
      : await Promise.all(scenarios.map(make));
  return Object.fromEntries(entries) as Workspaces;
}

function sqlList(values: readonly string[]): string {
  return values.map((value) => `('${value.replace(/'/g, "''")}')`).join(", ");
}

/** Contacts seeded with phone `+1<area><2000000 + i>` and email `<letter><i>@seed.example.com`. */
function seedContactsSql(workspaceId: string, count: number, area: string, letter: string): string {
  return `INSERT INTO contacts (workspace_id, id, first_name, last_name, email, phone, timezone, created_at, updated_at)
    SELECT '${workspaceId}', gen_random_uuid(), 'Seed', 'Contact ' || i, '${letter}' || i || '@seed.example.com',
           '+1${area}' || (2000000 + i), 'America/New_York',
           now() - make_interval(secs => ${count} - i), now() - make_interval(secs => ${count} - i)
    FROM generate_series(0, ${count - 1}) AS i`;
}

/** Every seeded contact of a workspace gets these two values. */
function seedValuesSql(workspaceId: string): string {
  return `INSERT INTO contact_custom_values (workspace_id, contact_id, custom_variable_id, value)
    SELECT c.workspace_id, c.id, v.id, CASE WHEN v.name = 'Score' THEN '1' ELSE 'Seed' END
    FROM contacts c JOIN custom_variables v ON v.workspace_id = c.workspace_id
    WHERE c.workspace_id = '${workspaceId}'`;
}

export async function seedData(db: BenchDatabase, workspaces: Workspaces): Promise<void> {
  const upsert = workspaces.upsert.workspaceId;
  const list = workspaces.list.workspaceId;
  const all = [workspaces.create.workspaceId, upsert, list];
  const listTags = Array.from({ length: LIST_TAGS }, (_, i) => `segment-${String(i).padStart(2, "0")}`);
  const statements = [
    ...all.map(
      (ws) => `INSERT INTO custom_variables (workspace_id, id, name)
        SELECT '${ws}', gen_random_uuid(), name FROM (VALUES ${sqlList(CUSTOM_VARIABLES)}) AS v(name)`,
    ),
    ...[workspaces.create.workspaceId, upsert].map(
      (ws) => `INSERT INTO tags (workspace_id, id, name)
        SELECT '${ws}', tag_id('${ws}', name), name FROM (VALUES ${sqlList(SHARED_TAGS)}) AS v(name)`,
    ),
    `INSERT INTO tags (workspace_id, id, name)
      SELECT '${list}', tag_id('${list}', name), name FROM (VALUES ${sqlList(listTags)}) AS v(name)`,
    // The upsert scenario's contacts: the first shared tag and both values already, so an upsert
    // overwrites values and adds one shared and one new tag.
    seedContactsSql(upsert, UPSERT_CONTACTS, "646", "u"),
    seedValuesSql(upsert),
    `INSERT INTO contact_tags (workspace_id, contact_id, tag_id)
      SELECT c.workspace_id, c.id, t.id FROM contacts c JOIN tags t ON t.workspace_id = c.workspace_id
      WHERE c.workspace_id = '${upsert}' AND t.name = '${SHARED_TAGS[0]}'`,
    // The list scenario's contacts: three of twenty tags each, and both values.
    seedContactsSql(list, LIST_CONTACTS, "718", "l"),
    seedValuesSql(list),
    `INSERT INTO contact_tags (workspace_id, contact_id, tag_id)
      SELECT c.workspace_id, c.id, t.id
      FROM contacts c CROSS JOIN LATERAL (VALUES (0), (7), (13)) AS o(offset_by)
      JOIN tags t ON t.workspace_id = c.workspace_id
        AND t.name = 'segment-' || lpad(((split_part(c.last_name, ' ', 2)::int + o.offset_by) % ${LIST_TAGS})::text, 2, '0')
      WHERE c.workspace_id = '${list}'`,
    // Without other tenants' tags the tags table starts with 24 rows. PostgreSQL's foreign key
    // checks keep a plan per connection, made on what a table holds then: from a nearly empty
    // table, a scan of it all, which then runs for every tag link while the creates fill it, until
    // autovacuum analyzes it (within a minute). That is the first minute of a brand-new database,
    // not the steady state this benchmark measures; docs/operations.md says how to skip it in production.
    `WITH other AS (
       INSERT INTO workspaces (id, account_id, name)
       SELECT gen_random_uuid(), account_id, 'Other tenants' FROM workspaces WHERE id = '${list}'
       RETURNING id
     )
     INSERT INTO tags (workspace_id, id, name)
     SELECT other.id, tag_id(other.id, 'other-' || i), 'other-' || i
     FROM other CROSS JOIN generate_series(1, ${OTHER_TENANT_TAGS}) AS i`,
    // Vacuumed as well as analyzed: else autovacuum takes up the freshly seeded tables during the
    // first cell, which is ours, and bills the seed's cost to it.
    "VACUUM ANALYZE",
  ];
  await db.withSql(async (sql) => {
    for (const statement of statements) await sql.query(statement);
    const variables = await sql.query<{ workspace_id: string; name: string; id: string }>(
      "SELECT workspace_id, name, id FROM custom_variables",
    );
    for (const workspace of Object.values(workspaces)) {
      for (const variable of variables) {
        if (variable.workspace_id === workspace.workspaceId) workspace.customVariableIds[variable.name] = variable.id;
      }
    }
    await checkSeed(sql, workspaces);
  });
}

async function checkSeed(sql: SqlRunner, workspaces: Workspaces): Promise<void> {
  const [row] = await sql.query<{
    upsert_contacts: number;
    list_contacts: number;
    list_links: number;
    value_count: number;
  }>(
    `SELECT
      (SELECT count(*)::int FROM contacts WHERE workspace_id = '${workspaces.upsert.workspaceId}') AS upsert_contacts,
      (SELECT count(*)::int FROM contacts WHERE workspace_id = '${workspaces.list.workspaceId}') AS list_contacts,
      (SELECT count(*)::int FROM contact_tags WHERE workspace_id = '${workspaces.list.workspaceId}') AS list_links,
      (SELECT count(*)::int FROM contact_custom_values WHERE workspace_id = '${workspaces.list.workspaceId}') AS value_count`,
  );
  const expected = { upsert_contacts: UPSERT_CONTACTS, list_contacts: LIST_CONTACTS, list_links: LIST_CONTACTS * 3 };
  for (const [key, value] of Object.entries(expected)) {
    if (row?.[key as keyof typeof expected] !== value)
      throw new Error(`seed check: ${key} = ${row?.[key as keyof typeof expected]}, expected ${value}`);
  }
  if (row?.value_count !== LIST_CONTACTS * CUSTOM_VARIABLES.length)
    throw new Error(`seed check: values = ${row?.value_count}`);
  // The seeded numbers follow the same formula as the requests that will hit them.
  const [sample] = await sql.query<{ phone: string; email: string }>(
    `SELECT phone, email FROM contacts WHERE workspace_id = '${workspaces.upsert.workspaceId}' AND last_name = 'Contact 42'`,
  );
  if (sample?.phone !== upsertSeedPhone(42) || sample?.email !== upsertSeedEmail(42)) {
    throw new Error(`seed check: contact 42 is ${JSON.stringify(sample)}`);
  }
}
