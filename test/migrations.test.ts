import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import internals from "@prisma/internals";
import { v3 as uuidV3 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/storage/database.js";
import { MigrationError, type MigrationFile, migrate, readMigrations } from "../src/storage/migrations.js";
import { openEmptyTestDatabase, openTestDatabase, storage, type TestDatabase } from "./support/test-database.js";

// @prisma/internals is CommonJS: its named exports are only reachable through the default import.
const { getDMMF } = internals;

const MIGRATIONS = fileURLToPath(new URL("../prisma/migrations", import.meta.url));
const SCHEMA_TEXT = readFileSync(fileURLToPath(new URL("../prisma/schema.prisma", import.meta.url)), "utf8");

/** The columns `prisma migrate` creates in its bookkeeping table, with their types and nullability. */
const PRISMA_MIGRATIONS_COLUMNS = [
  { name: "applied_steps_count", type: "integer", nullable: false },
  { name: "checksum", type: "character varying(64)", nullable: false },
  { name: "finished_at", type: "timestamp with time zone", nullable: true },
  { name: "id", type: "character varying(36)", nullable: false },
  { name: "logs", type: "text", nullable: true },
  { name: "migration_name", type: "character varying(255)", nullable: false },
  { name: "rolled_back_at", type: "timestamp with time zone", nullable: true },
  { name: "started_at", type: "timestamp with time zone", nullable: false },
];

/** Tables that hold one workspace's data: every unique index on them must include workspace_id. */
const WORKSPACE_TABLES = ["contacts", "tags", "contact_tags", "custom_variables", "contact_custom_values"];

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

function query<Row>(db: TestDatabase, sql: string, params?: unknown[]): Promise<Row[]> {
  return db.withConnection((connection) => connection.query<Row>(sql, params));
}

function migrationRows(db: TestDatabase): Promise<MigrationRow[]> {
  return query<MigrationRow>(db, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
}

async function tableExists(db: TestDatabase, table: string): Promise<boolean> {
  const [row] = await query<{ oid: string | null }>(db, "SELECT to_regclass($1)::text AS oid", [`public.${table}`]);
  return row?.oid != null;
}

/** The migration directories as Prisma sees them, read and hashed here rather than by the code under test. */
function migrationDirectories(): { name: string; checksum: string }[] {
  return readdirSync(MIGRATIONS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({
      name,
      checksum: createHash("sha256")
        .update(readFileSync(join(MIGRATIONS, name, "migration.sql")))
        .digest("hex"),
    }));
}

function migrationFile(name: string, sql: string): MigrationFile {
  return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
}

describe("migrate() on a fresh database", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openEmptyTestDatabase();
  });
  afterAll(() => db?.close());

  it("applies every migration in prisma/migrations, in order", async () => {
    const directories = migrationDirectories();
    expect(directories.length).toBeGreaterThan(0);
    expect(readMigrations().map((migration) => migration.name)).toEqual(directories.map((entry) => entry.name));
    expect(await migrate(db)).toEqual(directories.map((entry) => entry.name));
  });

  it("keeps Prisma's _prisma_migrations table, columns and types", async () => {
    const columns = await query<{ name: string; type: string; nullable: boolean }>(
      db,
      `SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
         FROM pg_attribute a
        WHERE a.attrelid = 'public._prisma_migrations'::regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attname`,
    );
    expect(columns).toEqual(PRISMA_MIGRATIONS_COLUMNS);
  });

  it("records each migration once, finished, with the SHA-256 of its migration.sql", async () => {
    const rows = await migrationRows(db);
    expect(rows.map((row) => row.migration_name)).toEqual(migrationDirectories().map((entry) => entry.name));
    for (const [index, row] of rows.entries()) {
      const expected = migrationDirectories()[index];
      expect(row.checksum).toBe(expected?.checksum);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at?.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("does nothing when run again", async () => {
    const before = await migrationRows(db);
    expect(await migrate(db)).toEqual([]);
    expect(await migrationRows(db)).toEqual(before);
  });

  it("refuses a migration whose file changed after it was applied, and changes nothing", async () => {
    const before = await migrationRows(db);
    const [first, ...rest] = readMigrations();
    if (!first) throw new Error("no migrations");
    const edited = [migrationFile(first.name, `${first.sql}\nCREATE TABLE "sneaked_in" ("id" INTEGER);\n`), ...rest];
    await expect(migrate(db, edited)).rejects.toThrow(MigrationError);
    await expect(migrate(db, edited)).rejects.toThrow(/changed after it was applied/);
    expect(await tableExists(db, "sneaked_in")).toBe(false);
    expect(await migrationRows(db)).toEqual(before);
  });

  it("leaves nothing of a migration that fails: no table, no row", async () => {
    const before = await migrationRows(db);
    const broken = migrationFile(
      "29991231000000_broken",
      `CREATE TABLE "half_done" ("id" INTEGER PRIMARY KEY);
       INSERT INTO "half_done" VALUES (1);
       SELECT 1 / 0;`,
    );
    const migrations = [...readMigrations(), broken];
    await expect(migrate(db, migrations)).rejects.toThrow(MigrationError);
    expect(await tableExists(db, "half_done")).toBe(false);
    expect(await migrationRows(db)).toEqual(before);
    // No failed row was left behind either: the real migrations still report up to date.
    expect(await migrate(db)).toEqual([]);
  });
});

describe("migrate() run twice at once on one database", () => {
  let db: TestDatabase;
  let second: TestDatabase | undefined;
  beforeAll(async () => {
    db = await openEmptyTestDatabase();
    // PostgreSQL: a second handle on the same database, as a second replica would have. PGlite has
    // one connection per database, so both runs share the one handle there.
    if (storage === "postgres") {
      const other = await openDatabase({
        databaseUrl: db.url as string,
        databasePoolSize: 2,
        databaseConnectTimeoutMs: 10_000,
      });
      second = { ...other, url: db.url };
    }
  });
  afterAll(async () => {
    await second?.close();
    await db?.close();
  });

  it("applies each migration exactly once", async () => {
    const names = readMigrations().map((migration) => migration.name);
    const results = await Promise.all([migrate(db), migrate(second ?? db)]);
    expect(results.flat().sort()).toEqual(names);
    expect(results.map((applied) => applied.length).sort()).toEqual([0, names.length]);
    const counts = await query<{ migration_name: string; count: number }>(
      db,
      `SELECT migration_name, count(*)::int AS count FROM "_prisma_migrations" GROUP BY migration_name ORDER BY migration_name`,
    );
    expect(counts).toEqual(names.map((name) => ({ migration_name: name, count: 1 })));
  });
});

describe("migration tag_ids_from_names on a database that has tags", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openEmptyTestDatabase();
  });
  afterAll(() => db?.close());

  it("gives every existing tag its computed id and keeps every contact's tags", async () => {
    const all = readMigrations();
    const at = all.findIndex((migration) => migration.name.endsWith("_tag_ids_from_names"));
    expect(at).toBeGreaterThan(0);
    await migrate(db, all.slice(0, at));
    const account = "00000000-0000-4000-8000-000000000001";
    const workspace = "00000000-0000-4000-8000-000000000002";
    const contact = "00000000-0000-4000-8000-000000000003";
    await db.withConnection((connection) =>
      connection.exec(`
        INSERT INTO accounts (id, name) VALUES ('${account}', 'Before');
        INSERT INTO workspaces (id, account_id, name) VALUES ('${workspace}', '${account}', 'Main');
        INSERT INTO contacts (workspace_id, id, email) VALUES ('${workspace}', '${contact}', 'a@example.com');
        INSERT INTO tags (workspace_id, id, name) VALUES
          ('${workspace}', gen_random_uuid(), 'vip'), ('${workspace}', gen_random_uuid(), 'Ünïcode ✓');
        INSERT INTO contact_tags (workspace_id, contact_id, tag_id) SELECT workspace_id, '${contact}', id FROM tags;`),
    );
    expect(await migrate(db)).toEqual(all.slice(at).map((migration) => migration.name));
    const links = await query<{ name: string; tag_id: string }>(
      db,
      `SELECT t.name, l.tag_id FROM contact_tags l JOIN tags t ON t.workspace_id = l.workspace_id AND t.id = l.tag_id
        WHERE l.contact_id = $1`,
      [contact],
    );
    expect(links.sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual([
      { name: "vip", tag_id: uuidV3("vip", workspace) },
      { name: "Ünïcode ✓", tag_id: uuidV3("Ünïcode ✓", workspace) },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Drift: the migrated database against prisma/schema.prisma.

type Datamodel = Awaited<ReturnType<typeof getDMMF>>["datamodel"];
type Model = Datamodel["models"][number];
type Field = Model["fields"][number];

interface DbColumn {
  name: string;
  nullable: boolean;
  type: string;
  default: string | null;
}

interface DbIndex {
  name: string;
  unique: boolean;
  /** Comma-separated, in index order, with " DESC" on descending columns. */
  columns: string;
  predicate: string | null;
}

interface DbForeignKey {
  columns: string;
  target: string;
  on_delete: string;
  on_update: string;
}

async function databaseTables(db: TestDatabase): Promise<string[]> {
  const rows = await query<{ name: string }>(
    db,
    `SELECT table_name::text AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

function databaseColumns(db: TestDatabase, table: string): Promise<DbColumn[]> {
  return query<DbColumn>(
    db,
    `SELECT c.column_name::text AS name, c.is_nullable = 'YES' AS nullable,
            format_type(a.atttypid, a.atttypmod) AS type, c.column_default::text AS default
       FROM information_schema.columns c
       JOIN pg_attribute a ON a.attrelid = format('public.%I', c.table_name)::regclass AND a.attname = c.column_name
      WHERE c.table_schema = 'public' AND c.table_name = $1
      ORDER BY c.ordinal_position`,
    [table],
  );
}

function databaseIndexes(db: TestDatabase, table: string): Promise<DbIndex[]> {
  return query<DbIndex>(
    db,
    `SELECT i.relname::text AS name, ix.indisunique AS unique,
            (SELECT string_agg(a.attname::text || CASE WHEN (ix.indoption[(k.n - 1)::int]::int & 1) = 1 THEN ' DESC' ELSE '' END,
                               ',' ORDER BY k.n)
               FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum) AS columns,
            pg_get_expr(ix.indpred, ix.indrelid) AS predicate
       FROM pg_index ix
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_namespace ns ON ns.oid = t.relnamespace
      WHERE ns.nspname = 'public' AND t.relname = $1
      ORDER BY 1`,
    [table],
  );
}

function databaseForeignKeys(db: TestDatabase, table: string): Promise<DbForeignKey[]> {
  const columnList = (relation: string, keys: string) =>
    `(SELECT string_agg(a.attname::text, ',' ORDER BY k.n) FROM unnest(${keys}) WITH ORDINALITY AS k(attnum, n)
        JOIN pg_attribute a ON a.attrelid = ${relation} AND a.attnum = k.attnum)`;
  return query<DbForeignKey>(
    db,
    `SELECT ${columnList("con.conrelid", "con.conkey")} AS columns,
            ft.relname::text || '(' || ${columnList("con.confrelid", "con.confkey")} || ')' AS target,
            con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update
       FROM pg_constraint con
       JOIN pg_class t ON t.oid = con.conrelid
       JOIN pg_class ft ON ft.oid = con.confrelid
       JOIN pg_namespace ns ON ns.oid = t.relnamespace
      WHERE ns.nspname = 'public' AND t.relname = $1 AND con.contype = 'f'
      ORDER BY 1`,
    [table],
  );
}

/** `where: raw("…")` predicates of the schema's indexes, by their `map:` name. */
function partialIndexPredicates(schemaText: string): Map<string, string> {
  const predicates = new Map<string, string>();
  for (const line of schemaText.split("\n")) {
    const where = line.match(/where:\s*raw\("((?:[^"\\]|\\.)*)"\)/);
    if (!where) continue;
    const map = line.match(/map:\s*"([^"]+)"/);
    if (!map?.[1]) throw new Error(`A partial index needs a map: name so the drift test can find it: ${line.trim()}`);
    predicates.set(map[1], where[1] as string);
  }
  return predicates;
}

/** PostgreSQL prints `((deleted_at IS NULL) AND (email IS NOT NULL))`; the schema says it without parentheses. */
function normalizePredicate(predicate: string | null): string | null {
  if (predicate === null) return null;
  return predicate.replace(/[()]/g, " ").replace(/\s+/g, " ").trim().toLowerCase();
}

const tableOf = (model: Model) => model.dbName ?? model.name;
const columnOf = (field: Field) => field.dbName ?? field.name;
const scalarFields = (model: Model) => model.fields.filter((field) => field.kind === "scalar" || field.kind === "enum");

/** The PostgreSQL type Prisma's migrations give a field (format_type spelling); a list is an array of it. */
function expectedType(field: Field): string {
  const element = expectedElementType(field);
  return field.isList ? `${element}[]` : element;
}

function expectedElementType(field: Field): string {
  const [nativeType, args = []] = (field.nativeType ?? []) as [string?, string[]?];
  const sized = (base: string) => (args.length > 0 ? `${base}(${args.join(",")})` : base);
  if (nativeType) {
    const native: Record<string, string> = {
      Uuid: "uuid",
      Text: "text",
      VarChar: sized("character varying"),
      Char: sized("character"),
      Timestamptz: `timestamp(${args[0] ?? 6}) with time zone`,
      Timestamp: `timestamp(${args[0] ?? 6}) without time zone`,
      Integer: "integer",
      BigInt: "bigint",
      SmallInt: "smallint",
      Boolean: "boolean",
      JsonB: "jsonb",
    };
    return native[nativeType] ?? `<no mapping for @db.${nativeType}: add one to this test>`;
  }
  const scalar: Record<string, string> = {
    String: "text",
    DateTime: "timestamp(3) without time zone",
    Int: "integer",
    BigInt: "bigint",
    Boolean: "boolean",
    Float: "double precision",
    Decimal: "numeric(65,30)",
    Json: "jsonb",
  };
  return scalar[field.type] ?? `<no mapping for ${field.type}: add one to this test>`;
}

/** The column default Prisma's migrations give a field; `undefined` means "some literal default". */
function expectedDefault(field: Field): string | null | undefined {
  const value = field.default as { name?: string } | string | number | boolean | undefined;
  if (value === undefined) return null;
  if (typeof value === "object" && value !== null && "name" in value) {
    if (value.name === "now") return "CURRENT_TIMESTAMP";
    // uuid(), cuid(), nanoid() … are generated by the client, not by the database.
    return null;
  }
  return undefined;
}

const ON_ACTION: Record<string, string> = { Cascade: "c", Restrict: "r", NoAction: "a", SetNull: "n", SetDefault: "d" };

/** Every difference between the schema text and the database's public schema; empty when they agree. */
async function schemaDrift(schemaText: string, db: TestDatabase): Promise<string[]> {
  const { datamodel } = await getDMMF({ datamodel: schemaText });
  const predicates = partialIndexPredicates(schemaText);
  const problems: string[] = [];

  const expectedTables = [...datamodel.models.map(tableOf), "_prisma_migrations"].sort();
  const actualTables = await databaseTables(db);
  for (const table of actualTables) {
    if (!expectedTables.includes(table)) problems.push(`table ${table} exists in the database but not in the schema`);
  }

  for (const model of datamodel.models) {
    const table = tableOf(model);
    if (!actualTables.includes(table)) {
      problems.push(`table ${table} (model ${model.name}) is missing from the database`);
      continue;
    }

    const columns = new Map((await databaseColumns(db, table)).map((column) => [column.name, column]));
    const fields = scalarFields(model);
    const wanted = fields.map(columnOf).sort();
    const have = [...columns.keys()].sort();
    if (wanted.join(",") !== have.join(",")) {
      problems.push(`${table}: columns differ: schema [${wanted.join(", ")}], database [${have.join(", ")}]`);
    }
    for (const field of fields) {
      const column = columns.get(columnOf(field));
      if (!column) continue;
      if (column.nullable === field.isRequired) {
        problems.push(
          `${table}.${column.name}: ${field.isRequired ? "required" : "optional"} in the schema, ${column.nullable ? "nullable" : "NOT NULL"} in the database`,
        );
      }
      if (column.type !== expectedType(field)) {
        problems.push(
          `${table}.${column.name}: type ${expectedType(field)} in the schema, ${column.type} in the database`,
        );
      }
      const defaultValue = expectedDefault(field);
      if (defaultValue === undefined ? column.default === null : column.default !== defaultValue) {
        problems.push(
          `${table}.${column.name}: default ${defaultValue ?? "(literal)"} in the schema, ${column.default} in the database`,
        );
      }
    }

    const fieldColumn = (name: string) => {
      const field = model.fields.find((candidate) => candidate.name === name);
      return field ? columnOf(field) : `<unknown field ${name}>`;
    };
    const expectedIndexes: DbIndex[] = datamodel.indexes
      .filter((index) => index.model === model.name)
      .map((index) => {
        const names = index.fields.map((field) => fieldColumn(field.name));
        const suffix = index.type === "id" ? "pkey" : index.type === "unique" ? "key" : "idx";
        const name =
          index.dbName ??
          (index.type === "id" ? (model.primaryKey?.name ?? `${table}_pkey`) : `${table}_${names.join("_")}_${suffix}`);
        return {
          name,
          unique: index.type === "id" || index.type === "unique",
          columns: index.fields.map((field, i) => `${names[i]}${field.sortOrder === "desc" ? " DESC" : ""}`).join(","),
          predicate: predicates.get(name) ?? null,
        };
      });
    const describeIndex = (index: DbIndex) =>
      `${index.unique ? "UNIQUE " : ""}${index.name}(${index.columns})${index.predicate ? ` WHERE ${normalizePredicate(index.predicate)}` : ""}`;
    const wantedIndexes = expectedIndexes.map(describeIndex).sort();
    const haveIndexes = (await databaseIndexes(db, table)).map(describeIndex).sort();
    for (const index of wantedIndexes) {
      if (!haveIndexes.includes(index)) problems.push(`${table}: index ${index} is in the schema, not in the database`);
    }
    for (const index of haveIndexes) {
      if (!wantedIndexes.includes(index))
        problems.push(`${table}: index ${index} is in the database, not in the schema`);
    }

    const expectedForeignKeys = model.fields
      .filter((field) => field.kind === "object" && (field.relationFromFields?.length ?? 0) > 0)
      .map((field) => {
        const target = datamodel.models.find((candidate) => candidate.name === field.type);
        const targetColumn = (name: string) => {
          const targetField = target?.fields.find((candidate) => candidate.name === name);
          return targetField ? columnOf(targetField) : `<unknown field ${name}>`;
        };
        const onDelete = field.relationOnDelete ?? (field.isRequired ? "Restrict" : "SetNull");
        return [
          (field.relationFromFields ?? []).map(fieldColumn).join(","),
          `${target ? tableOf(target) : field.type}(${(field.relationToFields ?? []).map(targetColumn).join(",")})`,
          ON_ACTION[onDelete] ?? onDelete,
          "c", // Prisma's default ON UPDATE CASCADE; the schema states no other.
        ].join(" ");
      })
      .sort();
    const haveForeignKeys = (await databaseForeignKeys(db, table))
      .map((key) => [key.columns, key.target, key.on_delete, key.on_update].join(" "))
      .sort();
    if (expectedForeignKeys.join("; ") !== haveForeignKeys.join("; ")) {
      problems.push(
        `${table}: foreign keys differ: schema [${expectedForeignKeys.join("; ")}], database [${haveForeignKeys.join("; ")}]`,
      );
    }
  }
  return problems;
}

describe("drift between prisma/schema.prisma and the migrations", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db?.close());

  it("finds the partial unique indexes' predicates in the schema text", () => {
    const predicates = partialIndexPredicates(SCHEMA_TEXT);
    expect(predicates.size).toBe(SCHEMA_TEXT.match(/where:\s*raw\(/g)?.length);
    expect(predicates.get("contacts_live_email_key")).toBe("deleted_at IS NULL AND email IS NOT NULL");
    expect(predicates.get("contacts_live_phone_key")).toBe("deleted_at IS NULL AND phone IS NOT NULL");
  });

  it("has no difference: tables, columns, nullability, types, defaults, indexes, predicates, foreign keys", async () => {
    expect(await schemaDrift(SCHEMA_TEXT, db)).toEqual([]);
  });

  it("checks the predicates PostgreSQL actually stores for the partial unique indexes", async () => {
    const predicates = partialIndexPredicates(SCHEMA_TEXT);
    const rows = await query<{ name: string; predicate: string | null; unique: boolean }>(
      db,
      `SELECT i.relname::text AS name, pg_get_expr(ix.indpred, ix.indrelid) AS predicate, ix.indisunique AS unique
         FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid
        WHERE i.relname = ANY($1::text[])`,
      [[...predicates.keys()]],
    );
    expect(rows).toHaveLength(predicates.size);
    for (const row of rows) {
      expect(row.unique).toBe(true);
      expect(row.predicate).toMatch(/^\(\(.* IS NULL\) AND \(.* IS NOT NULL\)\)$/);
      expect(normalizePredicate(row.predicate)).toBe(normalizePredicate(predicates.get(row.name) ?? ""));
    }
  });

  // The comparison above must be able to fail: each edit below, made to the schema alone, is caught.
  it.each([
    [
      "a column added",
      "  timezone     String?\n",
      "  timezone     String?\n  nickname     String?\n",
      /contacts: columns differ.*nickname/,
    ],
    [
      "an optional field made required",
      "firstName    String? ",
      "firstName    String  ",
      /contacts\.first_name: required/,
    ],
    [
      "a type changed",
      '@map("created_at") @db.Timestamptz(3)\n  workspaces',
      '@map("created_at") @db.Timestamptz(6)\n  workspaces',
      /accounts\.created_at: type timestamp\(6\)/,
    ],
    [
      "a default dropped",
      "name       String\n  createdAt  DateTime    @default(now())",
      "name       String\n  createdAt  DateTime   ",
      /accounts\.created_at: default/,
    ],
    [
      "a unique index added",
      "  @@index([id])\n  @@index([workspaceId, createdAt",
      "  @@index([id])\n  @@unique([workspaceId, timezone])\n  @@index([workspaceId, createdAt",
      /UNIQUE contacts_workspace_id_timezone_key\(workspace_id,timezone\) is in the schema/,
    ],
    [
      "a unique index made plain",
      '@@unique([workspaceId, name], map: "tags_workspace_name_key")',
      '@@index([workspaceId, name], map: "tags_workspace_name_key")',
      /tags: index tags_workspace_name_key/,
    ],
    [
      "a partial predicate changed",
      'raw("deleted_at IS NULL AND email IS NOT NULL")',
      'raw("email IS NOT NULL")',
      /contacts_live_email_key.*email is not null/,
    ],
    ["a sort order changed", "createdAt(sort: Desc)", "createdAt", /contacts_workspace_newest_idx/],
    [
      "a delete rule changed",
      "references: [id], onDelete: Cascade)\n  apiKeys",
      "references: [id], onDelete: Restrict)\n  apiKeys",
      /workspaces: foreign keys differ/,
    ],
    [
      "a model added",
      "model Tag {",
      'model Note {\n  id String @id @db.Uuid\n\n  @@map("notes")\n}\n\nmodel Tag {',
      /table notes \(model Note\) is missing/,
    ],
    [
      "a table renamed",
      '@@map("contact_custom_values")',
      '@@map("contact_values")',
      /table contact_custom_values exists in the database but not in the schema[\s\S]*table contact_values \(model ContactCustomValue\) is missing/,
    ],
  ] as const)("reports %s", async (_label, search, replacement, expected) => {
    const edited = SCHEMA_TEXT.replace(search, replacement);
    expect(edited).not.toBe(SCHEMA_TEXT);
    const problems = await schemaDrift(edited, db);
    expect(problems.join("\n")).toMatch(expected);
  });

  it("puts workspace_id in every unique index of the workspace data tables", async () => {
    for (const table of WORKSPACE_TABLES) {
      const unique = (await databaseIndexes(db, table)).filter((index) => index.unique);
      expect(unique.length, table).toBeGreaterThan(0);
      for (const index of unique) {
        expect(index.columns.split(","), `${table}: ${index.name}`).toContain("workspace_id");
      }
    }
  });
});
