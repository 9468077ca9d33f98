// The operators' command line: `npm run --silent admin -- <command> [options]`.
// Each command prints exactly one JSON object on stdout, except export-contacts, which streams the
// contacts (one JSON object a line, or CSV). A failure prints a message on stderr and exits non-zero:
// 2 for a usage error, 1 otherwise; import-contacts also exits 3 when rows were rejected (after its
// summary) and 4 when it refused the file (having written nothing).
// It uses DATABASE_URL like the server and applies pending migrations first.
import { once } from "node:events";
import { parseArgs } from "node:util";
import { createAccount, createApiKey, createWorkspace, revokeApiKey } from "../access/accounts.js";
import { API_SCOPES, parseScopes, SCOPE_PURPOSES } from "../access/scopes.js";
import { isUuid } from "../access/workspace-access.js";
import { loadConfig } from "../config.js";
import { deleteContactAsOperator } from "../contacts/delete-contact.js";
import {
  DEFAULT_EXPORT_BATCH_SIZE,
  EXPORT_FORMATS,
  type ExportFormat,
  exportRenderer,
  MAX_EXPORT_BATCH_SIZE,
  openContactExport,
} from "../contacts/export-contacts.js";
import { CONTACT_FILE_FORMATS, type ContactFileFormat, ContactFileRefused } from "../contacts/import/contact-file.js";
import { defineCustomVariable } from "../custom-variables/custom-variables.service.js";
import { NotFoundError, ValidationFailed } from "../errors/domain-errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { listAccountWorkspaces } from "../workspaces/workspaces.service.js";
import { importContactFile } from "./import-contacts.js";
import { openMigratedDatabase } from "./open-migrated.js";

const USAGE = `Usage: npm run --silent admin -- <command> [options]

  create-account --name <name>
  create-workspace --account <accountId> --name <name> [--timezone <IANA zone>]
  create-api-key (--account <accountId> | --workspace <workspaceId>) [--scopes <list>] [--test]
      --scopes: comma-separated, default all: ${API_SCOPES.map((scope) => `${scope} (${SCOPE_PURPOSES[scope]})`).join("; ")}.
  revoke-api-key --id <apiKeyId>
  create-custom-variable --workspace <workspaceId> --name <display name>
  list-workspaces --account <accountId>
  delete-contact --id <contactId>
  export-contacts --workspace <workspaceId> [--format ndjson|csv]
      Streams every live contact, newest first. ndjson (default): one JSON object per line. csv: a
      header row, then one row per contact; tags as a JSON array of names, then one column per
      custom variable. EXPORT_BATCH_SIZE (default ${DEFAULT_EXPORT_BATCH_SIZE}) contacts are read at a time.
  import-contacts --workspace <workspaceId> --file <path|-> [--format csv|ndjson] [--upsert [--preserve-existing]]
                  [--rejected <path>]
      Reads what export-contacts writes (the format from the file's .csv/.ndjson ending, else --format;
      - is stdin) and imports it in batches of IMPORT_MAX_ROWS, each row as createContact (or with
      --upsert, upsertContact) would take it. A file with an unknown column, a bad header or a broken
      quote is refused before anything is written. Prints {created, updated, failed, elapsedMs};
      rejected rows go to --rejected with _line and _errors, else the first few to stderr.`;

class UsageError extends Error {}

type Options = Record<string, string | boolean | undefined>;

function required(options: Options, name: string): string {
  const value = options[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

/** Writes to stdout, waiting for 'drain' when its buffer is full; rejects once stdout has failed. */
type Output = (text: string) => Promise<void>;

function stdoutOutput(): Output {
  let failure: Error | undefined;
  process.stdout.on("error", (error) => {
    failure ??= error;
  });
  return async (text) => {
    if (failure) throw failure;
    if (text !== "" && !process.stdout.write(text)) await once(process.stdout, "drain");
  };
}

function exportFormat(options: Options): ExportFormat {
  const format = options.format ?? "ndjson";
  if (!EXPORT_FORMATS.includes(format as ExportFormat)) {
    throw new UsageError(`--format must be one of: ${EXPORT_FORMATS.join(", ")}`);
  }
  return format as ExportFormat;
}

function importFormat(options: Options): ContactFileFormat {
  if (options.format !== undefined) {
    if (!CONTACT_FILE_FORMATS.includes(options.format as ContactFileFormat)) {
      throw new UsageError(`--format must be one of: ${CONTACT_FILE_FORMATS.join(", ")}`);
    }
    return options.format as ContactFileFormat;
  }
  const ending = /\.(csv|ndjson)$/i.exec(String(options.file))?.[1];
  if (!ending) throw new UsageError("give --format csv or --format ndjson: the file's name does not say");
  return ending.toLowerCase() as ContactFileFormat;
}

function exportBatchSize(): number {
  const raw = process.env.EXPORT_BATCH_SIZE;
  if (raw === undefined || raw === "") return DEFAULT_EXPORT_BATCH_SIZE;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_EXPORT_BATCH_SIZE) {
    throw new UsageError(`EXPORT_BATCH_SIZE must be an integer from 1 to ${MAX_EXPORT_BATCH_SIZE}, got "${raw}"`);
  }
  return value;
}

/** A command's JSON object, printed before it exits with a code that says rows were rejected. */
class RowsRejected {
  constructor(readonly summary: object) {}
}

/**
 * A command returns the one JSON object to print, or null when it has written its output itself
 * (export-contacts, through `output`).
 */
type Command = (prisma: PrismaClient, options: Options, output: Output) => Promise<object | null | RowsRejected>;

const commands: Record<string, Command> = {
  "create-account": (prisma, options) => createAccount(prisma, { name: required(options, "name") }),
  "create-workspace": (prisma, options) =>
    createWorkspace(prisma, {
      accountId: required(options, "account"),
      name: required(options, "name"),
      defaultTimezone: typeof options.timezone === "string" ? options.timezone : null,
    }),
  "create-api-key": (prisma, options) => {
    const account = options.account;
    const workspace = options.workspace;
    if ((typeof account === "string") === (typeof workspace === "string")) {
      throw new UsageError("give exactly one of --account and --workspace");
    }
    const scope = typeof account === "string" ? { accountId: account } : { workspaceId: String(workspace) };
    const scopes = options.scopes === undefined ? API_SCOPES : parseScopes(String(options.scopes));
    return createApiKey(prisma, scope, options.test ? "test" : "live", scopes);
  },
  "revoke-api-key": async (prisma, options) => {
    const apiKeyId = required(options, "id");
    await revokeApiKey(prisma, apiKeyId);
    return { apiKeyId, revoked: true };
  },
  "create-custom-variable": async (prisma, options) => {
    const workspaceId = required(options, "workspace");
    const exists = isUuid(workspaceId) && (await prisma.workspace.count({ where: { id: workspaceId } })) > 0;
    if (!exists) throw new NotFoundError("Workspace");
    const variable = await defineCustomVariable(prisma, workspaceId, required(options, "name"));
    return { customVariableId: variable.id, name: variable.name };
  },
  "list-workspaces": (prisma, options) => listAccountWorkspaces(prisma, required(options, "account")),
  "delete-contact": async (prisma, options) => {
    const contactId = await deleteContactAsOperator(prisma, required(options, "id"));
    return { contactId, deleted: true };
  },
  "export-contacts": async (prisma, options, output) => {
    const workspaceId = required(options, "workspace");
    const format = exportFormat(options);
    const contactExport = await openContactExport(prisma, workspaceId, { batchSize: exportBatchSize() });
    const render = exportRenderer(format, contactExport);
    await output(render.header());
    for await (const batch of contactExport.batches()) await output(render.batch(batch));
    return null;
  },
  "import-contacts": async (prisma, options) => {
    if (options["preserve-existing"] && !options.upsert) throw new UsageError("--preserve-existing needs --upsert");
    if (options.rejected === "-") throw new UsageError("--rejected needs a file path");
    const summary = await importContactFile(prisma, {
      workspaceId: required(options, "workspace"),
      file: required(options, "file"),
      format: importFormat(options),
      mode: options.upsert ? "UPSERT" : "CREATE",
      preserveExisting: options["preserve-existing"] === true,
      rejectedFile: typeof options.rejected === "string" ? options.rejected : null,
      batchRows: loadConfig().importMaxRows,
      progress: process.stderr.isTTY ? process.stderr : null,
    });
    return summary.failed > 0 ? new RowsRejected(summary) : summary;
  },
};

function describe(error: unknown): string {
  if (error instanceof ValidationFailed) {
    return error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("\n");
  }
  return error instanceof Error ? error.message : String(error);
}

async function main(argv: string[]): Promise<number> {
  const [commandName, ...rest] = argv;
  const command = commandName ? commands[commandName] : undefined;
  if (!command) {
    process.stderr.write(`${commandName ? `Unknown command: ${commandName}\n\n` : ""}${USAGE}\n`);
    return 2;
  }
  let options: Options;
  try {
    options = parseArgs({
      args: rest,
      options: {
        name: { type: "string" },
        account: { type: "string" },
        workspace: { type: "string" },
        timezone: { type: "string" },
        id: { type: "string" },
        format: { type: "string" },
        scopes: { type: "string" },
        test: { type: "boolean" },
        file: { type: "string" },
        upsert: { type: "boolean" },
        "preserve-existing": { type: "boolean" },
        rejected: { type: "string" },
      },
      strict: true,
    }).values;
  } catch (error) {
    process.stderr.write(`${describe(error)}\n\n${USAGE}\n`);
    return 2;
  }
  try {
    const { db, applied } = await openMigratedDatabase();
    if (applied.length > 0) process.stderr.write(`Applied migrations: ${applied.join(", ")}\n`);
    try {
      const output = stdoutOutput();
      const result = await command(db.prisma, options, output);
      if (result instanceof RowsRejected) {
        await output(`${JSON.stringify(result.summary)}\n`);
        return 3;
      }
      if (result !== null) await output(`${JSON.stringify(result)}\n`);
      return 0;
    } finally {
      await db.close();
    }
  } catch (error) {
    process.stderr.write(`${describe(error)}\n`);
    if (error instanceof ContactFileRefused) return 4;
    return error instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
