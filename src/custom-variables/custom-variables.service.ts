import type { Caller } from "../access/api-keys.js";
import { isUuid, readScope, targetWorkspaceId, workspaceWhere } from "../access/workspace-access.js";
import { MAX_NAME_LENGTH } from "../contacts/rules/names.js";
import { sortByNameAcrossWorkspaces } from "../contacts/rules/tags.js";
import { CustomVariableConflictError, ForbiddenError, NotFoundError } from "../errors/domain-errors.js";
import { IssueCollector } from "../errors/validation-issues.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { violatedUniqueIndex } from "../storage/database-errors.js";

export interface CustomVariableRecord {
  id: string;
  workspaceId: string;
  name: string;
  createdAt: Date;
}

const NAME_INDEX = [{ name: "custom_variables_workspace_name_key", columns: ["workspace_id", "name"] }] as const;

/** A custom variable's display name: trimmed, 1 to 255 characters, case kept. */
export function normalizeCustomVariableName(value: string, issues: IssueCollector, path = "name"): string {
  const name = value.trim();
  if (name === "") issues.add([path], "EMPTY", "A custom variable name must not be empty");
  else if (name.length > MAX_NAME_LENGTH) {
    issues.add([path], "TOO_LONG", `A custom variable name must be at most ${MAX_NAME_LENGTH} characters`);
  }
  return name;
}

const RECORD = { id: true, workspaceId: true, name: true, createdAt: true } as const;

/** Defines a custom variable in a workspace the caller has already been allowed to write to. */
export async function defineCustomVariable(
  prisma: PrismaClient,
  workspaceId: string,
  rawName: string,
): Promise<CustomVariableRecord> {
  const issues = new IssueCollector();
  const name = normalizeCustomVariableName(rawName, issues);
  issues.throwIfAny();
  return withNameConflict(prisma, workspaceId, name, () =>
    prisma.customVariable.create({ data: { workspaceId, name }, select: RECORD }),
  );
}

/** Runs a write that sets a variable's name, turning a duplicate name into a typed conflict. */
async function withNameConflict<T>(
  prisma: PrismaClient,
  workspaceId: string,
  name: string,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!violatedUniqueIndex(error, NAME_INDEX)) throw error;
    const existing = await prisma.customVariable.findUnique({
      where: { workspaceId_name: { workspaceId, name } },
      select: { id: true },
    });
    throw new CustomVariableConflictError(name, existing?.id ?? "");
  }
}

/** Creates a custom variable in the workspace the caller names (or its own, for a workspace key). */
export async function createCustomVariable(
  prisma: PrismaClient,
  caller: Caller,
  input: { workspaceId?: string | null; name: string },
): Promise<CustomVariableRecord> {
  const issues = new IssueCollector();
  const workspaceId = targetWorkspaceId(caller, input.workspaceId, issues);
  normalizeCustomVariableName(input.name, issues);
  issues.throwIfAny();
  const reachable = await prisma.workspace.count({
    where: { AND: [{ id: workspaceId as string }, workspaceWhere(caller)] },
  });
  if (reachable === 0) throw new ForbiddenError();
  return defineCustomVariable(prisma, workspaceId as string, input.name);
}

async function findVisibleVariable(prisma: PrismaClient, caller: Caller, id: string) {
  const variable = isUuid(id)
    ? await prisma.customVariable.findFirst({
        where: { id: id.toLowerCase(), workspace: workspaceWhere(caller) },
        select: RECORD,
      })
    : null;
  if (!variable) throw new NotFoundError("Custom variable");
  return variable;
}

/** Renames a custom variable; the values stored under it stay, and the new name is the key at once. */
export async function renameCustomVariable(
  prisma: PrismaClient,
  caller: Caller,
  id: string,
  rawName: string,
): Promise<CustomVariableRecord> {
  const variable = await findVisibleVariable(prisma, caller, id);
  const issues = new IssueCollector();
  const name = normalizeCustomVariableName(rawName, issues);
  issues.throwIfAny();
  return withNameConflict(prisma, variable.workspaceId, name, () =>
    prisma.customVariable.update({
      where: { workspaceId_id: { workspaceId: variable.workspaceId, id: variable.id } },
      data: { name },
      select: RECORD,
    }),
  );
}

/** Deletes a custom variable and every value stored under it (one statement: the foreign key cascades). */
export async function deleteCustomVariable(prisma: PrismaClient, caller: Caller, id: string): Promise<string> {
  const variable = await findVisibleVariable(prisma, caller, id);
  const { count } = await prisma.customVariable.deleteMany({
    where: { workspaceId: variable.workspaceId, id: variable.id },
  });
  if (count === 0) throw new NotFoundError("Custom variable");
  return variable.id;
}

/** The custom variables of the workspaces a read may see, sorted by name like tags. */
export async function listCustomVariables(
  prisma: PrismaClient,
  caller: Caller,
  workspaceId: string | null | undefined,
): Promise<CustomVariableRecord[]> {
  const scope = readScope(caller, workspaceId);
  if (!scope) return [];
  return sortByNameAcrossWorkspaces(await prisma.customVariable.findMany({ where: scope, select: RECORD }));
}
