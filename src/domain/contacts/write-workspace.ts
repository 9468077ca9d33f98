import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Caller } from "../access/api-keys.js";
import { workspaceWhere } from "../access/workspace-access.js";
import { ForbiddenError } from "../errors.js";
import type { CustomVariableRef } from "../rules/custom-fields.js";

/** What a contact write needs to know about its workspace. */
export interface WriteWorkspace {
  id: string;
  defaultTimezone: string | null;
  /** The custom variables named by the request's `customFields` keys (only those). */
  variablesByName: Map<string, CustomVariableRef>;
}

/** Loads the workspace a write targets; ForbiddenError when the caller may not reach it or it does not exist. */
export async function loadWriteWorkspace(
  prisma: PrismaClient,
  caller: Caller,
  workspaceId: string,
  customFieldNames: string[],
): Promise<WriteWorkspace> {
  const workspace = await prisma.workspace.findFirst({
    where: { AND: [{ id: workspaceId }, workspaceWhere(caller)] },
    select: {
      id: true,
      defaultTimezone: true,
      customVariables:
        customFieldNames.length > 0
          ? { where: { name: { in: customFieldNames } }, select: { id: true, name: true } }
          : false,
    },
  });
  if (!workspace) throw new ForbiddenError();
  const variables = workspace.customVariables ?? [];
  return {
    id: workspace.id,
    defaultTimezone: workspace.defaultTimezone,
    variablesByName: new Map(variables.map((variable) => [variable.name, variable])),
  };
}
