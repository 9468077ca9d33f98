import type { Caller } from "../access/api-keys.js";
import { isUuid, workspaceWhere } from "../access/workspace-access.js";
import { normalizeName } from "../contacts/rules/names.js";
import { compareNames } from "../contacts/rules/tags.js";
import { checkTimezone } from "../contacts/rules/timezone.js";
import { ForbiddenError, NotFoundError } from "../errors/domain-errors.js";
import { IssueCollector } from "../errors/validation-issues.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

export interface UpdateWorkspaceInput {
  name?: string | null;
  /** null clears the default. */
  defaultTimezone?: string | null;
}

/**
 * Renames a workspace or sets its default timezone (used for new contacts whose timezone is neither
 * given nor derivable from the phone). Workspaces the key cannot reach are forbidden, worded alike.
 */
export async function updateWorkspace(
  prisma: PrismaClient,
  caller: Caller,
  id: string,
  input: UpdateWorkspaceInput,
): Promise<WorkspaceRecord> {
  const issues = new IssueCollector();
  if (!isUuid(id)) issues.add(["id"], "INVALID_ID", "id must be a UUID");
  if (input.name === undefined && input.defaultTimezone === undefined) {
    issues.add([], "NO_FIELDS", "Give at least one of: name, defaultTimezone");
  }
  const data: { name?: string; defaultTimezone?: string | null } = {};
  if (input.name !== undefined) {
    const name = input.name === null ? null : normalizeName(input.name, "name", issues);
    if (name === null) issues.add(["name"], "REQUIRED", "A workspace needs a name");
    else data.name = name;
  }
  if (input.defaultTimezone === null) data.defaultTimezone = null;
  else if (input.defaultTimezone !== undefined) {
    const zone = checkTimezone(input.defaultTimezone, "defaultTimezone", issues);
    if (zone !== null) data.defaultTimezone = zone;
  }
  issues.throwIfAny();
  const { count } = await prisma.workspace.updateMany({
    where: { AND: [{ id: id.toLowerCase() }, workspaceWhere(caller)] },
    data,
  });
  if (count === 0) throw new ForbiddenError();
  return prisma.workspace.findUniqueOrThrow({ where: { id: id.toLowerCase() }, select: WORKSPACE_FIELDS });
}

/** A workspace as clients see it. */
export interface WorkspaceRecord {
  id: string;
  accountId: string;
  name: string;
  defaultTimezone: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const WORKSPACE_FIELDS = {
  id: true,
  accountId: true,
  name: true,
  defaultTimezone: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.WorkspaceSelect;

/** The workspace a read names, if the caller reaches it: its own for a workspace key when omitted. */
function readableWorkspaceId(caller: Caller, id: string | null | undefined): string | null {
  if (id == null) return caller.workspaceId;
  return isUuid(id) ? id.toLowerCase() : null;
}

/** One workspace the caller reaches; null when it names none, a malformed id, or one out of reach. */
export async function findWorkspace(
  prisma: PrismaClient,
  caller: Caller,
  id: string | null | undefined,
): Promise<WorkspaceRecord | null> {
  const workspaceId = readableWorkspaceId(caller, id);
  if (!workspaceId) return null;
  return prisma.workspace.findFirst({
    where: { AND: [{ id: workspaceId }, workspaceWhere(caller)] },
    select: WORKSPACE_FIELDS,
  });
}

/** Every workspace the caller reaches, sorted by name like tags, ties by id. */
export async function listWorkspaces(prisma: PrismaClient, caller: Caller): Promise<WorkspaceRecord[]> {
  const workspaces = await prisma.workspace.findMany({ where: workspaceWhere(caller), select: WORKSPACE_FIELDS });
  return workspaces.sort((a, b) => compareNames(a.name, b.name) || a.id.localeCompare(b.id));
}

export interface WorkspaceSummary {
  id: string;
  name: string;
  defaultTimezone: string | null;
  createdAt: Date;
}

/** A workspace as the operator's commands need it: its account and its custom variables' names. */
export interface OperatorWorkspace {
  id: string;
  accountId: string;
  customVariableNames: string[];
}

/** Operator view (admin command line): one workspace by id; an unknown or malformed id is not found. */
export async function findOperatorWorkspace(prisma: PrismaClient, workspaceId: string): Promise<OperatorWorkspace> {
  const workspace = isUuid(workspaceId)
    ? await prisma.workspace.findUnique({
        where: { id: workspaceId.toLowerCase() },
        select: { id: true, accountId: true, customVariables: { select: { name: true } } },
      })
    : null;
  if (!workspace) throw new NotFoundError("Workspace");
  const customVariableNames = workspace.customVariables.map((variable) => variable.name);
  return { id: workspace.id, accountId: workspace.accountId, customVariableNames };
}

/**
 * Operator view (admin command line): every workspace of an account, sorted by name like tags
 * (case-insensitive first), ties by id. An unknown or malformed account id is not found.
 */
export async function listAccountWorkspaces(
  prisma: PrismaClient,
  accountId: string,
): Promise<{ accountId: string; workspaces: WorkspaceSummary[] }> {
  const account = isUuid(accountId)
    ? await prisma.account.findUnique({
        where: { id: accountId.toLowerCase() },
        select: {
          id: true,
          workspaces: { select: { id: true, name: true, defaultTimezone: true, createdAt: true } },
        },
      })
    : null;
  if (!account) throw new NotFoundError("Account");
  const workspaces = account.workspaces.sort(
    (a, b) => compareNames(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return { accountId: account.id, workspaces };
}
