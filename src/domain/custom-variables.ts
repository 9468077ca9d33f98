import type { PrismaClient } from "../generated/prisma/client.js";
import { violatedUniqueIndex } from "./database-errors.js";
import { CustomVariableConflictError } from "./errors.js";
import { MAX_NAME_LENGTH } from "./rules/names.js";
import { IssueCollector } from "./validation.js";

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

/** Defines a custom variable in a workspace the caller has already been allowed to write to. */
export async function defineCustomVariable(
  prisma: PrismaClient,
  workspaceId: string,
  rawName: string,
): Promise<CustomVariableRecord> {
  const issues = new IssueCollector();
  const name = normalizeCustomVariableName(rawName, issues);
  issues.throwIfAny();
  try {
    return await prisma.customVariable.create({
      data: { workspaceId, name },
      select: { id: true, workspaceId: true, name: true, createdAt: true },
    });
  } catch (error) {
    if (!violatedUniqueIndex(error, NAME_INDEX)) throw error;
    const existing = await prisma.customVariable.findUnique({
      where: { workspaceId_name: { workspaceId, name } },
      select: { id: true },
    });
    throw new CustomVariableConflictError(name, existing?.id ?? "");
  }
}
