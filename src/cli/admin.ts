// The operators' command line: `npm run --silent admin -- <command> [options]`.
// Each command prints exactly one JSON object on stdout; a failure prints a message on stderr and
// exits non-zero. It uses DATABASE_URL like the server and applies pending migrations first.
import { parseArgs } from "node:util";
import { isUuid } from "../domain/access/workspace-access.js";
import { createAccount, createApiKey, createWorkspace, revokeApiKey } from "../domain/accounts.js";
import { defineCustomVariable } from "../domain/custom-variables.js";
import { NotFoundError, ValidationFailed } from "../domain/errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { openMigratedDatabase } from "./open-migrated.js";

const USAGE = `Usage: npm run --silent admin -- <command> [options]

  create-account --name <name>
  create-workspace --account <accountId> --name <name> [--timezone <IANA zone>]
  create-api-key (--account <accountId> | --workspace <workspaceId>) [--test]
  revoke-api-key --id <apiKeyId>
  create-custom-variable --workspace <workspaceId> --name <display name>`;

class UsageError extends Error {}

type Options = Record<string, string | boolean | undefined>;

function required(options: Options, name: string): string {
  const value = options[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

const commands: Record<string, (prisma: PrismaClient, options: Options) => Promise<object>> = {
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
    return createApiKey(prisma, scope, options.test ? "test" : "live");
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
        test: { type: "boolean" },
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
      process.stdout.write(`${JSON.stringify(await command(db.prisma, options))}\n`);
      return 0;
    } finally {
      await db.close();
    }
  } catch (error) {
    process.stderr.write(`${describe(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
