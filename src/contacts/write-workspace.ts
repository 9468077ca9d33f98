import type { Caller } from "../access/api-keys.js";
import { ForbiddenError } from "../errors/domain-errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
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
 * does not exist. The reach rule is the one of `workspaceWhere`: a workspace key reaches its own
 * workspace, an account key every workspace of its account.
 */
export async function loadWriteWorkspace(
  prisma: PrismaClient,
  caller: Caller,
  workspaceId: string,
  customFieldNames: string[],
): Promise<WriteWorkspace> {
  const [workspace] = await prisma.$queryRaw<
    { id: string; default_timezone: string | null; variables: CustomVariableRef[] | null }[]
  >`
    SELECT w.id, w.default_timezone,
           (SELECT json_agg(json_build_object('id', v.id, 'name', v.name))
              FROM custom_variables v
             WHERE v.workspace_id = w.id AND v.name = ANY(${customFieldNames}::text[])) AS variables
      FROM workspaces w
     WHERE w.id = ${workspaceId}::uuid
       AND w.account_id = ${caller.accountId}::uuid
       AND (${caller.workspaceId}::uuid IS NULL OR w.id = ${caller.workspaceId}::uuid)`;
  if (!workspace) throw new ForbiddenError();
  return {
    id: workspace.id,
    defaultTimezone: workspace.default_timezone,
    variablesByName: new Map((workspace.variables ?? []).map((variable) => [variable.name, variable])),
  };
}
