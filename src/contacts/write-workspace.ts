import type { Caller } from "../access/api-keys.js";
import { reachParams } from "../access/workspace-access.js";
import { ForbiddenError } from "../errors/domain-errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { runStatement } from "../storage/sql-statements.js";
import type { CustomVariableRef } from "./rules/custom-fields.js";

/** What a contact write needs to know about its workspace. */
export interface WriteWorkspace {
  id: string;
  defaultTimezone: string | null;
  /** The custom variables named by the request's `customFields` keys (only those). */
  variablesByName: Map<string, CustomVariableRef>;
}

/**
 * Loads the workspace a write targets, and the custom variables its `customFields` name, in one
 * round trip (this runs on every write). ForbiddenError when the caller may not reach it or it
 * does not exist. The SQL: prisma/sql/loadWriteWorkspace.sql, with the reach rule of
 * src/access/workspace-access.ts.
 */
export async function loadWriteWorkspace(
  prisma: PrismaClient,
  caller: Caller,
  workspaceId: string,
  customFieldNames: string[],
): Promise<WriteWorkspace> {
  const [workspace] = await runStatement<{
    id: string;
    default_timezone: string | null;
    variables: CustomVariableRef[] | null;
  }>(prisma, "loadWriteWorkspace", [...reachParams(caller), workspaceId, customFieldNames]);
  if (!workspace) throw new ForbiddenError();
  return {
    id: workspace.id,
    defaultTimezone: workspace.default_timezone,
    variablesByName: new Map((workspace.variables ?? []).map((variable) => [variable.name, variable])),
  };
}
