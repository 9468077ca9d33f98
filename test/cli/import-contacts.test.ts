import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseCsv } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createWorkspace } from "../../src/access/accounts.js";
import type { Caller } from "../../src/access/api-keys.js";
import { authenticateApiKey } from "../../src/access/authentication.js";
import type { CreateContactInput } from "../../src/contacts/contact-input.js";
import { createContact } from "../../src/contacts/contacts.service.js";
import { exportedContact, openContactExport } from "../../src/contacts/export-contacts.js";
import { defineCustomVariable } from "../../src/custom-variables/custom-variables.service.js";
import type { Database } from "../../src/storage/database.js";
import { migrate } from "../../src/storage/migrations.js";
import { type AdminOptions, type AdminRun, runAdmin, withDatabaseAt } from "../support/admin-process.js";
import { openEmptyTestDatabase, storage, type TestDatabase } from "../support/test-database.js";

// `admin import-contacts`, run as operators run it, in a child process: what export-contacts writes
// comes back in, a file that is wrong as a file writes nothing, and rejected rows come out with
// their line and every issue.

const VARIABLES = ["Lead Source", "Notes, misc", "score"];
const PEAK_RSS_PRELOAD = fileURLToPath(new URL("../support/report-peak-rss.mjs", import.meta.url));

let databaseUrl: string;
let postgresDatabase: TestDatabase | undefined;
let directory: string;
let accountId: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "contacts-import-cli-"));
  if (storage === "postgres") {
    postgresDatabase = await openEmptyTestDatabase();
    databaseUrl = postgresDatabase.url as string;
  } else {
    databaseUrl = `pglite:${join(directory, "db")}`;
  }
  accountId = await withDatabase(async (db) => {
    await migrate(db);
    return (await createAccount(db.prisma, { name: "Importers" })).accountId;
  });
});

afterAll(async () => {
  await postgresDatabase?.close(); // drops the database
  rmSync(directory, { recursive: true, force: true });
});

/** Opens the database in this process. PGlite allows one process: only while no command line runs. */
function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  return withDatabaseAt(databaseUrl, work);
}

function admin(args: string[], options: Omit<AdminOptions, "databaseUrl"> = {}): Promise<AdminRun> {
  return runAdmin(args, { databaseUrl, timeoutMs: 120_000, ...options });
}

let files = 0;
function file(name: string, text: string): string {
  const path = join(directory, `${files++}-${name}`);
  writeFileSync(path, text);
  return path;
}

interface Workspace {
  id: string;
  caller: Caller;
}

async function newWorkspace(variables = VARIABLES, defaultTimezone: string | null = null): Promise<Workspace> {
  return withDatabase(async (db) => {
    const workspace = await createWorkspace(db.prisma, { accountId, name: "Import", defaultTimezone });
    for (const name of variables) await defineCustomVariable(db.prisma, workspace.workspaceId, name);
    const caller = (await authenticateApiKey(db.prisma, `Bearer ${workspace.apiKey}`)) as Caller;
    return { id: workspace.workspaceId, caller };
  });
}

async function seed(workspace: Workspace, contacts: CreateContactInput[]): Promise<string[]> {
  return withDatabase(async (db) => {
    const ids: string[] = [];
    for (const contact of contacts) ids.push((await createContact(db.prisma, workspace.caller, contact)).id);
    return ids;
  });
}

/** A workspace's live contacts as a user sees them, without what a new contact gets anew (id, times). */
async function contactsOf(workspaceId: string) {
  return withDatabase(async (db) => {
    const contactExport = await openContactExport(db.prisma, workspaceId);
    const contacts = [];
    for await (const batch of contactExport.batches()) {
      for (const contact of batch) {
        const { id, workspaceId: _, createdAt, updatedAt, ...fields } = exportedContact(contact);
        contacts.push({ ...fields, id });
      }
    }
    return contacts.sort((a, b) => `${a.email}${a.phone}`.localeCompare(`${b.email}${b.phone}`));
  });
}

const withoutIds = (contacts: Awaited<ReturnType<typeof contactsOf>>) => contacts.map(({ id, ...rest }) => rest);

/** The one JSON summary a finished import prints on stdout. */
function summaryOf(run: AdminRun) {
  const lines = run.stdout.trimEnd().split("\n");
  expect(lines, run.stderr).toHaveLength(1);
  return JSON.parse(lines[0] as string) as { created: number; updated: number; failed: number; elapsedMs: number };
}

async function imported(args: string[], options: Omit<AdminOptions, "databaseUrl"> = {}) {
  const run = await admin(["import-contacts", ...args], options);
  expect(run.code, run.stderr).toBe(0);
  const summary = summaryOf(run);
  expect(Object.keys(summary).sort()).toEqual(["created", "elapsedMs", "failed", "updated"]);
  expect(summary.elapsedMs).toBeGreaterThanOrEqual(0);
  return summary;
}

/** An import refused as a whole: exit 4, nothing on stdout, the reason on stderr, nothing written. */
async function refused(workspace: Workspace, args: string[], reason: RegExp, stdin?: string) {
  const run = await admin(["import-contacts", "--workspace", workspace.id, ...args], { stdin });
  expect(run.code, run.stderr).toBe(4);
  expect(run.stdout).toBe("");
  expect(run.stderr).toMatch(reason);
  expect(await contactsOf(workspace.id)).toEqual([]);
}

const ANN: CreateContactInput = {
  firstName: 'Ann, "the" Boss',
  lastName: "Line one\nLine two",
  email: "ann@example.com",
  phone: "+12125550102",
  timezone: "Asia/Tokyo",
  tags: ["zeta", "a, b", 'say "hi"', "VIP", "vip"],
  customFields: { "Notes, misc": 'He said "hi",\r\nthen left', score: 250, "Lead Source": "" },
};

describe("admin import-contacts", { timeout: 240_000 }, () => {
  for (const format of ["csv", "ndjson"] as const) {
    it(`imports what export-contacts --format ${format} writes: every field, tag and custom value`, async () => {
      const source = await newWorkspace(VARIABLES, "Europe/Amsterdam");
      await seed(source, [
        ANN,
        { phone: "+442079460000" }, // timezone derived from the phone
        { email: "four@example.com", lastName: "Only-Email" }, // the workspace's default timezone
        { email: "five@example.com", phone: "+33142685300", tags: ["VIP"], customFields: { score: true } },
        { firstName: "  Spaces  ", email: "six@example.com", customFields: { "Lead Source": "Web" } },
      ]);
      const exported = await admin(["export-contacts", "--workspace", source.id, "--format", format]);
      expect(exported.code, exported.stderr).toBe(0);
      const path = file(`export.${format}`, exported.stdout);

      const target = await newWorkspace(VARIABLES, "America/New_York");
      expect(await imported(["--workspace", target.id, "--file", path])).toMatchObject({
        created: 5,
        updated: 0,
        failed: 0,
      });
      const want = await contactsOf(source.id);
      expect(withoutIds(await contactsOf(target.id))).toEqual(withoutIds(want));
      expect(want.find((contact) => contact.email === "ann@example.com")).toMatchObject({
        firstName: ANN.firstName,
        lastName: ANN.lastName,
        tags: ["a, b", 'say "hi"', "VIP", "vip", "zeta"],
        customFields: { "Lead Source": "", "Notes, misc": 'He said "hi",\r\nthen left', score: "250" },
      });
    });
  }

  it("reads a BOM, CRLF line ends, quoted commas, quotes and newlines, and tells an empty cell from a quoted one", async () => {
    const workspace = await newWorkspace();
    const text =
      '\uFEFFfirstName,lastName,email,phone,tags,Lead Source,"Notes, misc"\r\n' +
      '"Smith, Jo","O""Brien",jo@example.com,,"[""a, b"",""VIP""]","",\r\n' +
      'Multi,"line one\r\nline two",multi@example.com,+12125550199,[],x,"y, ""z"""\r\n';
    const path = file("edge.csv", text);
    expect(await imported(["--workspace", workspace.id, "--file", path])).toMatchObject({ created: 2, failed: 0 });
    const [jo, multi] = await contactsOf(workspace.id);
    expect(jo).toMatchObject({
      firstName: "Smith, Jo",
      lastName: 'O"Brien',
      email: "jo@example.com",
      phone: null,
      tags: ["a, b", "VIP"],
      // `""` is the empty string; the unquoted empty cell is no value at all.
      customFields: { "Lead Source": "" },
    });
    expect(multi).toMatchObject({
      lastName: "line one\r\nline two",
      phone: "+12125550199",
      tags: [],
      customFields: { "Lead Source": "x", "Notes, misc": 'y, "z"' },
    });
  });

  it("refuses a file with an unknown column, naming it, and writes nothing", async () => {
    const workspace = await newWorkspace();
    const path = file("unknown.csv", "firstName,email,Lead Sauce\nA,a@example.com,x\n");
    await refused(workspace, ["--file", path], /unknown column "Lead Sauce".*"Lead Source"/);
  });

  it("refuses a bad header, a broken quote or a bad tags cell anywhere in the file, before writing any batch", async () => {
    const workspace = await newWorkspace();
    const goodRows = Array.from({ length: 5 }, (_, index) => `P${index},p${index}@example.com,[]\n`).join("");
    const header = "firstName,email,tags\n";
    await refused(
      workspace,
      ["--file", file("twice.csv", "email,email\na@example.com,b@example.com\n")],
      /"email" appears twice/,
    );
    await refused(
      workspace,
      ["--file", file("unnamed.csv", "email,,phone\na@example.com,,\n")],
      /column 2 has no name/,
    );
    await refused(workspace, ["--file", file("empty.csv", "")], /empty/);
    // Each after five good rows, with batches of two: the first batches would have been written.
    const late = (name: string, bad: string) => file(name, `${header}${goodRows}${bad}`);
    const env = { IMPORT_MAX_ROWS: "2" };
    for (const [path, reason] of [
      [late("quote.csv", 'Q,"q@example.com,[]\n'), /not valid CSV: Quote Not Closed/],
      [late("cells.csv", "Q,q@example.com,[],extra\n"), /not valid CSV: Invalid Record Length/],
      [late("tags.csv", "Q,q@example.com,VIP\n"), /line 7: the tags cell must be a JSON array of names/],
    ] as const) {
      const run = await admin(["import-contacts", "--workspace", workspace.id, "--file", path], { env });
      expect(run.code, run.stderr).toBe(4);
      expect(run.stderr).toMatch(reason);
      expect(await contactsOf(workspace.id)).toEqual([]);
    }
  });

  it("refuses an ndjson line that is not a contact object, or names an unknown key or custom field", async () => {
    const workspace = await newWorkspace();
    const good = '{"email":"a@example.com"}\n';
    await refused(workspace, ["--file", file("broken.ndjson", `${good}{"email":\n`)], /line 2: not a JSON value/);
    await refused(
      workspace,
      ["--file", file("array.ndjson", `${good}[1]\n`)],
      /line 2: each line must be one JSON object/,
    );
    await refused(
      workspace,
      ["--file", file("key.ndjson", `${good}{"mail":"b@example.com"}\n`)],
      /line 2: unknown key "mail"/,
    );
    await refused(
      workspace,
      ["--file", file("number.ndjson", `${good}{"firstName":123}\n`)],
      /line 2: firstName must be a string/,
    );
    await refused(
      workspace,
      ["--file", file("tags.ndjson", `${good}{"tags":"VIP"}\n`)],
      /line 2: tags must be an array of names/,
    );
    await refused(
      workspace,
      ["--file", file("field.ndjson", `${good}{"email":"b@example.com","customFields":{"Lead":"x"}}\n`)],
      /line 2: unknown custom field "Lead"/,
    );
  });

  it("refuses a CSV column that is both a contact column and a custom variable, and skips rows of empty cells", async () => {
    const workspace = await newWorkspace(["email", "__proto__"]);
    await refused(
      workspace,
      ["--file", file("ambiguous.csv", "email\na@example.com\n")],
      /both a contact column and a custom variable/,
    );
    const path = file("blank.csv", "phone,__proto__\n,\n+12125550111,z\n,\n");
    expect(await imported(["--workspace", workspace.id, "--file", path])).toMatchObject({ created: 1, failed: 0 });
    const [csvContact] = await contactsOf(workspace.id);
    expect(csvContact?.phone).toBe("+12125550111");
    expect(Object.entries(csvContact?.customFields ?? {})).toEqual([["__proto__", "z"]]);
    // In ndjson too a "__proto__" key is a custom field like any other.
    const ndjson = file("proto.ndjson", '{"phone":"+12125550112","customFields":{"__proto__":"y","email":"e"}}\n');
    expect(await imported(["--workspace", workspace.id, "--file", ndjson])).toMatchObject({ created: 1 });
    const stored = (await contactsOf(workspace.id)).find((contact) => contact.phone === "+12125550112");
    expect(Object.entries(stored?.customFields ?? {})).toEqual([
      ["__proto__", "y"],
      ["email", "e"],
    ]);
  });

  it("refuses a --rejected path that is the file itself or cannot be written, before importing anything", async () => {
    const workspace = await newWorkspace();
    const text = "email\nself@example.com\nnot-an-email\n";
    const path = file("self.csv", text);
    for (const rejectedPath of [path, join(directory, "no-such-directory", "rejected.csv")]) {
      const run = await admin([
        "import-contacts",
        "--workspace",
        workspace.id,
        "--file",
        path,
        "--rejected",
        rejectedPath,
      ]);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/names the file being imported|ENOENT/);
      expect(readFileSync(path, "utf8")).toBe(text);
      expect(await contactsOf(workspace.id)).toEqual([]);
    }
  });

  it("reads stdin with --file -, and wants --format when the file's name does not say", async () => {
    const workspace = await newWorkspace();
    const stdin = '{"email":"in@example.com","tags":["piped"],"customFields":{"score":7}}\n\n{"phone":"+4930901820"}\n';
    expect(await imported(["--workspace", workspace.id, "--file", "-", "--format", "ndjson"], { stdin })).toMatchObject(
      { created: 2, failed: 0 },
    );
    expect(await contactsOf(workspace.id)).toMatchObject([
      { email: "in@example.com", tags: ["piped"], customFields: { score: "7" } },
      { email: null, phone: "+4930901820", timezone: "Europe/Berlin" },
    ]);
    // A named pipe can be read only once, like stdin: it is copied first too.
    const fifo = join(directory, "piped.ndjson");
    execFileSync("mkfifo", [fifo]);
    const writing = writeFile(fifo, '{"email":"pipe@example.com"}\n'); // waits for the command to open it
    expect(await imported(["--workspace", workspace.id, "--file", fifo])).toMatchObject({ created: 1, failed: 0 });
    await writing;
    const run = await admin(["import-contacts", "--workspace", workspace.id, "--file", "-"], { stdin });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--format csv or --format ndjson/);
  });

  it("imports the good rows, and writes each rejected row with its line and every issue, ready to fix and import again", async () => {
    const workspace = await newWorkspace();
    const rows = [
      ["firstName", "email", "phone", "timezone", "Notes, misc"],
      ["Good", "good@example.com", "+12125550101", "", ""], // line 2
      ["Multi", "multi@example.com", "", "", "two\nlines"], // lines 3 and 4
      ["Broken", "not-an-email", "12345", "", ""], // line 5: two issues
      ["Again", "GOOD@example.com", "", "", ""], // line 6: good@example.com is taken, by line 2
      ["Late", "late@example.com", "", "Mars/Olympus", ""], // line 7
    ];
    const source = file("mixed.csv", stringify(rows));
    const rejectedPath = join(directory, "rejected.csv");
    const run = await admin([
      "import-contacts",
      "--workspace",
      workspace.id,
      "--file",
      source,
      "--rejected",
      rejectedPath,
    ]);
    expect(run.code, run.stderr).toBe(3);
    expect(summaryOf(run)).toMatchObject({ created: 2, updated: 0, failed: 3 });
    const [good] = await contactsOf(workspace.id);
    expect(good?.email).toBe("good@example.com");

    const [header, ...rejected] = parseCsv(readFileSync(rejectedPath, "utf8")) as string[][];
    expect(header).toEqual(["_line", "_errors", ...(rows[0] as string[])]);
    expect(rejected.map((row) => row[0])).toEqual(["5", "6", "7"]);
    expect(rejected.map((row) => row.slice(2))).toEqual(rows.slice(3));
    expect(rejected[0]?.[1]).toMatch(/^email: .+; phone: .+$/);
    expect(rejected[1]?.[1]).toBe(`email: contact ${good?.id} already has this email`);
    expect(rejected[2]?.[1]).toMatch(/^timezone: /);

    // Fixed in place and imported as it is: `_line` and `_errors` are left alone.
    const fixed = rejected.map((row) => [...row]);
    (fixed[0] as string[])[3] = "broken@example.com";
    (fixed[0] as string[])[4] = "+12125550105";
    (fixed[1] as string[])[3] = "again@example.com";
    (fixed[2] as string[])[5] = "Europe/Paris";
    const again = file("fixed.csv", stringify([header as string[], ...fixed]));
    expect(await imported(["--workspace", workspace.id, "--file", again])).toMatchObject({ created: 3, failed: 0 });
    expect((await contactsOf(workspace.id)).map((contact) => contact.email)).toEqual([
      "again@example.com",
      "broken@example.com",
      "good@example.com",
      "late@example.com",
      "multi@example.com",
    ]);
  });

  it("lists rejected rows on stderr without --rejected, and writes ndjson rejections with their issues", async () => {
    const workspace = await newWorkspace();
    const source = file("mixed.ndjson", '{"email":"ok@example.com"}\n{"email":"nope","phone":"+1"}\n');
    const run = await admin(["import-contacts", "--workspace", workspace.id, "--file", source]);
    expect(run.code, run.stderr).toBe(3);
    expect(summaryOf(run)).toMatchObject({ created: 1, failed: 1 });
    expect(run.stderr).toMatch(/^line 2: email: .+; phone: .+$/m);

    const other = await newWorkspace();
    const rejectedPath = join(directory, "rejected.ndjson");
    const second = await admin([
      "import-contacts",
      "--workspace",
      other.id,
      "--file",
      source,
      "--rejected",
      rejectedPath,
    ]);
    expect(second.code, second.stderr).toBe(3);
    const lines = readFileSync(rejectedPath, "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      {
        _line: 2,
        _errors: [
          { path: ["email"], code: "INVALID_EMAIL", message: expect.any(String) },
          { path: ["phone"], code: "INVALID_PHONE", message: expect.any(String) },
        ],
        email: "nope",
        phone: "+1",
      },
    ]);
  });

  it("--upsert updates the contact a row matches, and --preserve-existing only fills what is empty", async () => {
    const workspace = await newWorkspace();
    const [id] = await seed(workspace, [
      { email: "p@example.com", firstName: "Old", tags: ["t1"], customFields: { "Lead Source": "a" } },
    ]);
    const path = file("update.csv", 'email,firstName,lastName,tags,Lead Source\np@example.com,New,Last,"[""t2""]",b\n');
    const refusedRun = await admin(["import-contacts", "--workspace", workspace.id, "--file", path]);
    expect(refusedRun.code).toBe(3);
    expect(summaryOf(refusedRun)).toMatchObject({ created: 0, failed: 1 });
    expect(refusedRun.stderr).toContain(`email: contact ${id} already has this email`);

    const args = ["--workspace", workspace.id, "--file", path, "--upsert"];
    expect(await imported([...args, "--preserve-existing"])).toMatchObject({ created: 0, updated: 1 });
    expect(await contactsOf(workspace.id)).toMatchObject([
      { id, firstName: "Old", lastName: "Last", tags: ["t1", "t2"], customFields: { "Lead Source": "a" } },
    ]);
    expect(await imported(args)).toMatchObject({ created: 0, updated: 1 });
    expect(await contactsOf(workspace.id)).toMatchObject([
      { id, firstName: "New", lastName: "Last", tags: ["t1", "t2"], customFields: { "Lead Source": "b" } },
    ]);

    const misuse = await admin(["import-contacts", "--workspace", workspace.id, "--file", path, "--preserve-existing"]);
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toMatch(/--preserve-existing needs --upsert/);
  });

  it("refuses an unknown workspace or a missing file", async () => {
    const path = file("one.csv", "email\na@example.com\n");
    const unknown = await admin([
      "import-contacts",
      "--workspace",
      "00000000-0000-4000-8000-000000000000",
      "--file",
      path,
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Workspace not found/);
    const workspace = await newWorkspace();
    const missing = await admin([
      "import-contacts",
      "--workspace",
      workspace.id,
      "--file",
      join(directory, "none.csv"),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/ENOENT/);
  });

  it.runIf(storage === "pglite")(
    "says the embedded database is in use by another process, and writes nothing",
    async () => {
      const workspace = await newWorkspace();
      const path = file("held.csv", "email\nheld@example.com\n");
      const run = await withDatabase(() => admin(["import-contacts", "--workspace", workspace.id, "--file", path]));
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/database .* is in use by process \d+/);
      expect(await contactsOf(workspace.id)).toEqual([]);
    },
  );

  it("streams a large file: peak memory stays that of one batch", async () => {
    // 20,000 rows of 4 KB each (80 MB) under a 128 MB heap, of which the command's code takes about
    // 40 MB and a batch about 25 MB: a command that held the file would run out of memory.
    const rowCount = 20_000;
    const note = "n".repeat(4096);
    const lines = ['email,phone,"Notes, misc"'];
    for (let index = 0; index < rowCount; index++) {
      lines.push(`bulk${index}@example.com,+1212${String(5_000_000 + index).padStart(7, "0")},${note}`);
    }
    const large = file("large.csv", `${lines.join("\n")}\n`);
    const small = file("small.csv", `${lines.slice(0, 2).join("\n")}\n`);
    const nodeOptions = ["--max-old-space-size=128", "--import", PEAK_RSS_PRELOAD];
    const peakKb = (run: AdminRun) => Number(/peak-rss-kb (\d+)/.exec(run.stderr)?.[1]);

    const baseline = await admin(["import-contacts", "--workspace", (await newWorkspace()).id, "--file", small], {
      nodeOptions,
    });
    expect(baseline.code, baseline.stderr).toBe(0);
    const workspace = await newWorkspace();
    const run = await admin(["import-contacts", "--workspace", workspace.id, "--file", large], {
      nodeOptions,
      timeoutMs: 200_000,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(summaryOf(run)).toMatchObject({ created: rowCount, failed: 0 });
    expect(peakKb(baseline)).toBeGreaterThan(0);
    // The heap's cap is the bound on what the command holds; the process's memory also takes the heap
    // filling up to that cap before it is collected, the young generation and the allocator's arenas,
    // and on PGlite the database's page cache, which grows with the data written. Measured: +25 to
    // +143 MB (PostgreSQL, Node 20 and 24), +80 MB (PGlite).
    expect(peakKb(run) - peakKb(baseline)).toBeLessThan(192 * 1024);
  });
});
