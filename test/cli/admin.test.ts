import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseCsv } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createWorkspace } from "../../src/access/accounts.js";
import type { Caller } from "../../src/access/api-keys.js";
import { authenticateApiKey as authenticate } from "../../src/access/authentication.js";
import { createContact } from "../../src/contacts/contacts.service.js";
import { deleteContact } from "../../src/contacts/delete-contact.js";
import { openContactExport } from "../../src/contacts/export-contacts.js";
import { defineCustomVariable } from "../../src/custom-variables/custom-variables.service.js";
import type { Database } from "../../src/storage/database.js";
import { migrate } from "../../src/storage/migrations.js";
import { type AdminRun, runAdmin, withDatabaseAt } from "../support/admin-process.js";
import { openEmptyTestDatabase, storage, type TestDatabase } from "../support/test-database.js";

// The admin command line, run as operators run it: `npm run --silent admin -- <command> …` in a
// child process, on a database that starts empty (the command line migrates it first).

const PROJECT = fileURLToPath(new URL("../..", import.meta.url));
const SPAWN_TIMEOUT_MS = 60_000;
const LIVE_KEY = /^sk_live_[A-Za-z0-9]{32,}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Run = AdminRun;

let databaseUrl: string;
let postgresDatabase: TestDatabase | undefined;
let pgliteDirectory: string | undefined;
let server: Server | undefined;

beforeAll(async () => {
  if (storage === "postgres") {
    postgresDatabase = await openEmptyTestDatabase();
    databaseUrl = postgresDatabase.url as string;
  } else {
    pgliteDirectory = mkdtempSync(join(tmpdir(), "contacts-cli-"));
    databaseUrl = `pglite:${join(pgliteDirectory, "db")}`; // does not exist yet
  }
});

afterAll(async () => {
  if (server && !server.ended) await server.stop();
  await postgresDatabase?.close(); // drops the database
  if (pgliteDirectory) rmSync(pgliteDirectory, { recursive: true, force: true });
});

function admin(...args: string[]): Promise<Run> {
  return adminWithEnv({}, ...args);
}

/** `admin`, with more environment variables for the command. */
function adminWithEnv(env: Record<string, string>, ...args: string[]): Promise<Run> {
  return runAdmin(args, { databaseUrl, env });
}

/** A command that must succeed: exit 0 and exactly one JSON object, on one line, on stdout. */
async function succeed(...args: string[]): Promise<Record<string, unknown>> {
  const run = await admin(...args);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout.endsWith("\n")).toBe(true);
  const lines = run.stdout.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  const value = JSON.parse(lines[0] as string);
  expect(value).toBeTypeOf("object");
  expect(Array.isArray(value)).toBe(false);
  return value;
}

/** A command that must fail: non-zero exit, nothing on stdout, a message on stderr. */
async function fail(...args: string[]): Promise<string> {
  const run = await admin(...args);
  expect(run.code).not.toBe(0);
  expect(run.code).not.toBeNull();
  expect(run.stdout).toBe("");
  expect(run.stderr.trim()).not.toBe("");
  return run.stderr;
}

const keyCount = () => withDatabase((db) => db.prisma.apiKey.count());

/** Opens the database in this process. PGlite allows one process: only while no command line runs. */
function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  return withDatabaseAt(databaseUrl, work);
}

interface ApiKeyRow {
  id: string;
  account_id: string;
  workspace_id: string | null;
  key_hash: string;
  revoked_at: Date | null;
  /** Every column of the row, as PostgreSQL writes it out. */
  row_text: string;
}

describe("admin command line", { timeout: 120_000 }, () => {
  let accountId: string;
  let workspaceId: string;
  const keys: {
    apiKeyId: string;
    apiKey: string;
    accountId: string;
    workspaceId: string | null;
    scopes?: string[];
  }[] = [];

  it("create-account prints the account id and its first key, on a brand-new database", async () => {
    const account = await succeed("create-account", "--name", "Acme");
    expect(Object.keys(account).sort()).toEqual(["accountId", "apiKey", "apiKeyId"]);
    expect(account.accountId).toMatch(UUID);
    expect(account.apiKeyId).toMatch(UUID);
    expect(account.apiKey).toMatch(LIVE_KEY);
    accountId = account.accountId as string;
    keys.push({ apiKeyId: account.apiKeyId as string, apiKey: account.apiKey as string, accountId, workspaceId: null });
  });

  it("create-workspace makes a workspace with its default timezone and a workspace key", async () => {
    const workspace = await succeed(
      "create-workspace",
      "--account",
      accountId,
      "--name",
      "Main",
      "--timezone",
      "Europe/Amsterdam",
    );
    expect(Object.keys(workspace).sort()).toEqual(["apiKey", "apiKeyId", "workspaceId"]);
    expect(workspace.workspaceId).toMatch(UUID);
    expect(workspace.apiKey).toMatch(LIVE_KEY);
    workspaceId = workspace.workspaceId as string;
    keys.push({ apiKeyId: workspace.apiKeyId as string, apiKey: workspace.apiKey as string, accountId, workspaceId });
  });

  it("create-workspace refuses a timezone that is not an IANA zone", async () => {
    const stderr = await fail(
      "create-workspace",
      "--account",
      accountId,
      "--name",
      "Nowhere",
      "--timezone",
      "Mars/Olympus",
    );
    expect(stderr).toMatch(/timezone/i);
  });

  it("create-api-key makes an account key and a workspace key", async () => {
    const accountKey = await succeed("create-api-key", "--account", accountId);
    const workspaceKey = await succeed("create-api-key", "--workspace", workspaceId);
    for (const key of [accountKey, workspaceKey]) {
      expect(Object.keys(key).sort()).toEqual(["apiKey", "apiKeyId", "scopes"]);
      expect(key.scopes).toEqual(["contacts:read", "contacts:write", "workspace:admin"]);
      expect(key.apiKeyId).toMatch(UUID);
      expect(key.apiKey).toMatch(LIVE_KEY);
    }
    keys.push({
      apiKeyId: accountKey.apiKeyId as string,
      apiKey: accountKey.apiKey as string,
      accountId,
      workspaceId: null,
    });
    keys.push({
      apiKeyId: workspaceKey.apiKeyId as string,
      apiKey: workspaceKey.apiKey as string,
      accountId,
      workspaceId,
    });
    expect(new Set(keys.map((key) => key.apiKey)).size).toBe(keys.length);
  });

  it("create-api-key --scopes gives the key those scopes only", async () => {
    const key = await succeed(
      "create-api-key",
      "--workspace",
      workspaceId,
      "--scopes",
      "contacts:write, contacts:read",
    );
    expect(key.scopes).toEqual(["contacts:read", "contacts:write"]);
    keys.push({
      apiKeyId: key.apiKeyId as string,
      apiKey: key.apiKey as string,
      accountId,
      workspaceId,
      scopes: ["contacts:read", "contacts:write"],
    });
  });

  it("create-api-key refuses an unknown scope or none, naming the scopes there are, and makes no key", async () => {
    const before = await keyCount();
    for (const [scopes, message] of [
      ["contacts:read,contacts:delete", /Unknown scope "contacts:delete"/],
      ["", /No scope given/],
      ["Contacts:Read", /Unknown scope "Contacts:Read"/],
    ] as const) {
      const stderr = await fail("create-api-key", "--workspace", workspaceId, "--scopes", scopes);
      expect(stderr).toMatch(message);
      expect(stderr).toMatch(/contacts:read, contacts:write, workspace:admin/);
    }
    expect(await keyCount()).toBe(before);
  });

  it("create-api-key wants exactly one of --account and --workspace", async () => {
    expect(await fail("create-api-key", "--account", accountId, "--workspace", workspaceId)).toMatch(
      /exactly one of --account and --workspace/,
    );
    expect(await fail("create-api-key")).toMatch(/exactly one of --account and --workspace/);
  });

  it("revoke-api-key revokes a key", async () => {
    const revoked = keys[2];
    expect(await succeed("revoke-api-key", "--id", revoked?.apiKeyId as string)).toEqual({
      apiKeyId: revoked?.apiKeyId,
      revoked: true,
    });
  });

  it("create-custom-variable defines a variable, and refuses the same name twice", async () => {
    const variable = await succeed("create-custom-variable", "--workspace", workspaceId, "--name", "Lead Source");
    expect(Object.keys(variable).sort()).toEqual(["customVariableId", "name"]);
    expect(variable.customVariableId).toMatch(UUID);
    expect(variable.name).toBe("Lead Source");
    const stderr = await fail("create-custom-variable", "--workspace", workspaceId, "--name", "Lead Source");
    expect(stderr).toMatch(/"Lead Source" already exists/);
  });

  it("an unknown command prints the usage", async () => {
    const stderr = await fail("frobnicate", "--name", "x");
    expect(stderr).toMatch(/Unknown command: frobnicate/);
    expect(stderr).toMatch(/Usage: npm run --silent admin -- <command>/);
    expect(stderr).toMatch(/create-account/);
  });

  it("wrote what it said: workspace, keys by hash only, revocation, custom variable", async () => {
    await withDatabase(async (db) => {
      const workspaces = await db.prisma.workspace.findMany({
        select: { id: true, accountId: true, defaultTimezone: true },
      });
      expect(workspaces).toEqual([{ id: workspaceId, accountId, defaultTimezone: "Europe/Amsterdam" }]);
      expect(await db.prisma.customVariable.findMany({ select: { workspaceId: true, name: true } })).toEqual([
        { workspaceId, name: "Lead Source" },
      ]);

      const rows = await db.withConnection((connection) =>
        connection.query<ApiKeyRow>(
          `SELECT id, account_id, workspace_id, key_hash, revoked_at, api_keys::text AS row_text FROM api_keys`,
        ),
      );
      expect(rows).toHaveLength(keys.length);
      for (const [index, key] of keys.entries()) {
        const row = rows.find((candidate) => candidate.id === key.apiKeyId);
        expect(row, key.apiKeyId).toBeDefined();
        expect(row?.account_id).toBe(key.accountId);
        expect(row?.workspace_id).toBe(key.workspaceId);
        expect(row?.key_hash).toBe(createHash("sha256").update(key.apiKey).digest("hex"));
        // The key itself, or its secret part, is in no column of any row.
        const secret = key.apiKey.slice("sk_live_".length + 4);
        for (const other of rows) {
          expect(other.row_text).not.toContain(key.apiKey);
          expect(other.row_text).not.toContain(secret);
        }
        const revoked = index === 2;
        expect(row?.revoked_at == null).toBe(!revoked);
        const caller = await authenticate(db.prisma, `Bearer ${key.apiKey}`);
        const scopes = key.scopes ?? ["contacts:read", "contacts:write", "workspace:admin"];
        expect(caller).toEqual(
          revoked
            ? null
            : {
                apiKeyId: key.apiKeyId,
                accountId,
                workspaceId: key.workspaceId,
                scopes,
                credential: "api_key",
                subject: null,
              },
        );
      }
    });
  });
});

interface Server {
  /** Everything it printed on stdout so far. */
  stdout(): string;
  ended: boolean;
  /** SIGTERM, then waits until every process of it has ended (closed its end of the output pipes). */
  stop(): Promise<void>;
}

/**
 * `node --import tsx src/server/start.ts` on the same database, resolved once it says it listens: one
 * process, so SIGTERM reaches the server itself, as it would from a process manager. Not tsx's
 * command line (`npx tsx`): that runs the server as its child, and SIGKILLs it when it has not
 * acknowledged a relayed signal within about 60 ms, which a loaded machine's server can miss while
 * it is still closing the database (the lock was left behind). Its own process group lets the test
 * end whatever it started.
 */
async function startServer(): Promise<Server> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/server/start.ts"], {
    cwd: PROJECT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: "0",
      SEED_DEMO: "false",
      CLIENT_TOKEN_SECRET: "cli-test-client-token-secret-of-32-characters",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const handle: Server = {
    stdout: () => stdout,
    ended: false,
    async stop() {
      if (!handle.ended && child.pid) process.kill(-child.pid, "SIGTERM");
      await closed;
    },
  };
  const closed = new Promise<void>((resolve) =>
    child.once("close", () => {
      handle.ended = true;
      resolve();
    }),
  );
  const listening = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the server did not start in time")), SPAWN_TIMEOUT_MS);
    const check = () => {
      if (stdout.includes("Contacts API on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", check);
    closed.then(() => {
      clearTimeout(timer);
      reject(new Error("the server ended before it listened"));
    });
  });
  try {
    await listening;
  } catch (error) {
    await handle.stop();
    throw new Error(`${(error as Error).message}\n${stdout}\n${stderr}`);
  }
  return handle;
}

describe("admin command line beside a running server", () => {
  it(storage === "pglite"
    ? "refuses to open an embedded database another process holds, and leaves it intact"
    : "works on PostgreSQL while a server and another command use the same database", async () => {
    const before = await withDatabase((db) => db.prisma.account.count());
    server = await startServer();
    const runs = await Promise.all([
      admin("create-account", "--name", "Beside One"),
      admin("create-account", "--name", "Beside Two"),
    ]);
    if (storage === "pglite") {
      for (const run of runs) {
        expect(run.code).toBe(1);
        expect(run.stdout).toBe("");
        expect(run.stderr).toMatch(/database .* is in use by process \d+/);
        expect(run.stderr).toMatch(/PGlite allows one process at a time/);
      }
    } else {
      for (const run of runs) {
        expect(run.code, run.stderr).toBe(0);
        expect(JSON.parse(run.stdout).apiKey).toMatch(LIVE_KEY);
      }
    }

    await server.stop();
    // It shut down through its own SIGTERM handler, which closes the database (and its lock).
    expect(server.stdout()).toMatch(/SIGTERM: closing/);
    if (pgliteDirectory) expect(existsSync(join(pgliteDirectory, "db.lock"))).toBe(false);

    const after = await succeed("create-account", "--name", "After");
    expect(after.apiKey).toMatch(LIVE_KEY);
    await withDatabase(async (db) => {
      const created = storage === "pglite" ? 1 : 3;
      expect(await db.prisma.account.count()).toBe(before + created);
      expect(await authenticate(db.prisma, `Bearer ${after.apiKey}`)).toMatchObject({ accountId: after.accountId });
      const rows = await db.withConnection((connection) =>
        connection.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations"`),
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(new Set(rows.map((row) => row.migration_name)).size).toBe(rows.length);
    });
  }, 180_000);
});

/** What a seeded contact must look like in an export (ndjson shape, without the timestamps). */
interface ExpectedContact {
  id: string;
  workspaceId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  tags: string[];
  customFields: Record<string, string>;
}

describe("admin command line: workspaces and contacts", { timeout: 120_000 }, () => {
  const base = Date.parse("2024-03-01T12:00:00.000Z");
  let accountId: string;
  let exportWorkspaceId: string;
  let caller: Caller;
  let workspaceList: { id: string; name: string; defaultTimezone: string | null; createdAt: string }[];
  /** Seeded live contacts of the export workspace, by id. */
  const expected = new Map<string, ExpectedContact>();
  let deletedByApiId: string;
  let otherWorkspaceContactId: string;
  let deletedByCliId: string;

  /** Creates a contact through the domain, as a workspace key would, and records its expected export. */
  async function seed(
    db: Database,
    input: Parameters<typeof createContact>[2],
    exported: Pick<ExpectedContact, "timezone" | "tags" | "customFields">,
    createdAt?: number,
  ): Promise<string> {
    const contact = await createContact(db.prisma, caller, input);
    if (createdAt !== undefined) {
      await db.prisma.contact.update({
        where: { workspaceId_id: { workspaceId: contact.workspaceId, id: contact.id } },
        data: { createdAt: new Date(createdAt) },
      });
    }
    expected.set(contact.id, {
      id: contact.id,
      workspaceId: contact.workspaceId,
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      email: input.email?.toLowerCase() ?? null,
      phone: input.phone ?? null,
      ...exported,
    });
    return contact.id;
  }

  beforeAll(async () => {
    await withDatabase(async (db) => {
      await migrate(db); // in case this block runs alone
      accountId = (await createAccount(db.prisma, { name: "Exporters" })).accountId;
      const exportWorkspace = await createWorkspace(db.prisma, {
        accountId,
        name: "Export",
        defaultTimezone: "Europe/Amsterdam",
      });
      exportWorkspaceId = exportWorkspace.workspaceId;
      const others = [];
      for (const name of ["beta", "Zulu", "alpha"]) others.push(await createWorkspace(db.prisma, { accountId, name }));
      workspaceList = (
        await db.prisma.workspace.findMany({
          where: { accountId },
          select: { id: true, name: true, defaultTimezone: true, createdAt: true },
        })
      ).map((workspace) => ({ ...workspace, createdAt: workspace.createdAt.toISOString() }));

      for (const name of ["score", "Lead Source", "Notes, misc", "Unused"]) {
        await defineCustomVariable(db.prisma, exportWorkspaceId, name);
      }
      caller = (await authenticate(db.prisma, `Bearer ${exportWorkspace.apiKey}`)) as Caller;
      expect(caller?.workspaceId).toBe(exportWorkspaceId);

      // Nine contacts a minute apart; 3 and 4, and 6 and 7, share a creation time, so the id
      // breaks the tie, also across a batch boundary.
      const minute = (index: number) => base + index * 60_000;
      const times = [0, 1, 2, 3, 3, 5, 6, 6, 8].map(minute);
      const plain = (index: number) => ({
        firstName: `Person ${index}`,
        email: `person${index}@example.com`,
        phone: `+1212555010${index}`,
        timezone: "UTC",
      });
      const none = { timezone: "UTC", tags: [], customFields: {} };
      await seed(db, { phone: "+12125550100", timezone: "UTC" }, none, times[0]);
      deletedByCliId = await seed(db, plain(1), none, times[1]);
      await seed(
        db,
        {
          firstName: 'Ann, "the" Boss',
          lastName: "Line one\nLine two",
          email: "Ann@Example.com",
          phone: "+12125550102",
          timezone: "Asia/Tokyo",
          tags: ["zeta", "Alpha", "beta", 'a; b, "c"'],
          customFields: { "Notes, misc": 'He said "hi",\nthen left', score: 250, "Lead Source": "" },
        },
        {
          timezone: "Asia/Tokyo",
          tags: ['a; b, "c"', "Alpha", "beta", "zeta"],
          customFields: { "Lead Source": "", "Notes, misc": 'He said "hi",\nthen left', score: "250" },
        },
        times[2],
      );
      await seed(db, plain(3), none, times[3]);
      await seed(
        db,
        { lastName: "Only-Email", email: "four@example.com" },
        { timezone: "Europe/Amsterdam", tags: [], customFields: {} },
        times[4],
      );
      await seed(
        db,
        { ...plain(5), tags: ["vip", "VIP"], customFields: { "Lead Source": "Web", score: true } },
        { timezone: "UTC", tags: ["VIP", "vip"], customFields: { "Lead Source": "Web", score: "true" } },
        times[5],
      );
      await seed(db, plain(6), none, times[6]);
      await seed(
        db,
        { ...plain(7), tags: ["VIP"], customFields: { score: 2.5 } },
        { timezone: "UTC", tags: ["VIP"], customFields: { score: "2.5" } },
        times[7],
      );
      await seed(db, plain(8), none, times[8]);

      // Deleted through the API's own rule, and a contact of another workspace: neither is exported.
      deletedByApiId = await seed(db, { firstName: "Gone", email: "gone@example.com" }, none, minute(4));
      await deleteContact(db.prisma, caller, deletedByApiId);
      expected.delete(deletedByApiId);
      const otherCaller = (await authenticate(db.prisma, `Bearer ${others[0]?.apiKey}`)) as Caller;
      otherWorkspaceContactId = (await createContact(db.prisma, otherCaller, { firstName: "Elsewhere" })).id;
    });
  });

  /** The live contacts of the export workspace, newest first, with their stored timestamps. */
  async function expectedExport(): Promise<(ExpectedContact & { createdAt: string; updatedAt: string })[]> {
    return withDatabase(async (db) => {
      const rows = await db.prisma.contact.findMany({
        where: { workspaceId: exportWorkspaceId, deletedAt: null },
        select: { id: true, createdAt: true, updatedAt: true },
      });
      expect(new Set(rows.map((row) => row.id))).toEqual(new Set(expected.keys()));
      rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
      return rows.map((row) => ({
        ...(expected.get(row.id) as ExpectedContact),
        createdAt: row.createdAt.toISOString(),
        updatedAt: row.updatedAt.toISOString(),
      }));
    });
  }

  it("list-workspaces prints the account's workspaces sorted by name, and refuses an unknown account", async () => {
    const listed = await succeed("list-workspaces", "--account", accountId);
    expect(listed).toEqual({
      accountId,
      workspaces: ["alpha", "beta", "Export", "Zulu"].map((name) => workspaceList.find((w) => w.name === name)),
    });
    expect(listed.workspaces).toHaveLength(4);
    expect(await fail("list-workspaces", "--account", "00000000-0000-4000-8000-000000000000")).toMatch(
      /Account not found/,
    );
  });

  it("delete-contact soft-deletes a live contact once and frees its email and phone", async () => {
    expect(await succeed("delete-contact", "--id", deletedByCliId.toUpperCase())).toEqual({
      contactId: deletedByCliId,
      deleted: true,
    });
    expect(await fail("delete-contact", "--id", deletedByCliId)).toMatch(/Contact not found/);
    expect(await fail("delete-contact", "--id", "not-a-uuid")).toMatch(/Contact not found/);
    const freed = expected.get(deletedByCliId) as ExpectedContact;
    expected.delete(deletedByCliId);

    await withDatabase(async (db) => {
      const row = await db.prisma.contact.findFirst({ where: { id: deletedByCliId } });
      expect(row?.deletedAt).toBeInstanceOf(Date);
      expect(row?.email).toBe(freed.email); // the data stays
      // Its email and phone no longer count: a new contact may take them (the newest of all).
      const reused = await createContact(db.prisma, caller, {
        firstName: "Reused",
        email: freed.email,
        phone: freed.phone,
        timezone: "UTC",
        tags: ["new"],
      });
      expected.set(reused.id, {
        ...freed,
        id: reused.id,
        firstName: "Reused",
        tags: ["new"],
        customFields: {},
      });
      // Nine live contacts: in batches of 3, the reader stops after a short (empty) batch.
      const contactExport = await openContactExport(db.prisma, exportWorkspaceId, { batchSize: 3 });
      const sizes = [];
      for await (const batch of contactExport.batches()) sizes.push(batch.length);
      expect(sizes).toEqual([3, 3, 3]);
    });
  });

  it("export-contacts streams the live contacts as ndjson, newest first, across batches", async () => {
    const run = await adminWithEnv({ EXPORT_BATCH_SIZE: "3" }, "export-contacts", "--workspace", exportWorkspaceId);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.endsWith("}\n")).toBe(true);
    const lines = run.stdout.trimEnd().split("\n");
    const exported = lines.map((line) => JSON.parse(line));
    const wanted = await expectedExport();
    expect(wanted).toHaveLength(9);
    expect(exported.map((contact) => contact.id)).toEqual(wanted.map((contact) => contact.id));
    expect(exported).toEqual(wanted);
    for (const contact of exported) expect(Object.keys(contact)).toEqual(Object.keys(wanted[0] as object));
    const ids = exported.map((contact) => contact.id);
    expect(ids).not.toContain(deletedByCliId);
    expect(ids).not.toContain(deletedByApiId);
    expect(ids).not.toContain(otherWorkspaceContactId);
  });

  it("export-contacts --format csv quotes what needs it and puts custom values in their columns", async () => {
    const run = await adminWithEnv(
      { EXPORT_BATCH_SIZE: "4" },
      "export-contacts",
      "--workspace",
      exportWorkspaceId,
      "--format",
      "csv",
    );
    expect(run.code, run.stderr).toBe(0);
    const [header, ...rows] = parseCsv(run.stdout) as string[][];
    const variables = ["Lead Source", "Notes, misc", "score", "Unused"];
    const fixed = ["id", "firstName", "lastName", "email", "phone", "timezone", "tags", "createdAt", "updatedAt"];
    expect(header).toEqual([...fixed, ...variables]);
    const wanted = await expectedExport();
    expect(rows.map((row) => row[0])).toEqual(wanted.map((contact) => contact.id));
    for (const [index, row] of rows.entries()) {
      const contact = wanted[index] as (typeof wanted)[number];
      expect(row).toEqual([
        contact.id,
        contact.firstName ?? "",
        contact.lastName ?? "",
        contact.email ?? "",
        contact.phone ?? "",
        contact.timezone ?? "",
        JSON.stringify(contact.tags),
        contact.createdAt,
        contact.updatedAt,
        ...variables.map((name) => contact.customFields[name] ?? ""),
      ]);
    }
    const ann = rows.find((row) => row[1] === 'Ann, "the" Boss');
    expect(ann?.[2]).toBe("Line one\nLine two");
    expect(JSON.parse(ann?.[6] as string)).toEqual(['a; b, "c"', "Alpha", "beta", "zeta"]);
    expect(ann?.slice(9)).toEqual(["", 'He said "hi",\nthen left', "250", ""]);
    // An empty custom value is quoted, a missing one (Ann's "Unused", at the row's end) an empty cell.
    expect(run.stdout).toContain(`,"",`);
    expect(run.stdout).toContain(`then left",250,\n`);
  });

  it("export-contacts refuses an unknown workspace", async () => {
    expect(await fail("export-contacts", "--workspace", "00000000-0000-4000-8000-000000000000")).toMatch(
      /Workspace not found/,
    );
  });
});
