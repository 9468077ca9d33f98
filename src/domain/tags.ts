import type { PrismaClient } from "../generated/prisma/client.js";
import type { Caller } from "./access/api-keys.js";
import { isUuid, workspaceWhere } from "./access/workspace-access.js";
import { compareNames } from "./rules/tags.js";

export interface TagRecord {
  id: string;
  workspaceId: string;
  name: string;
}

/** The tags of the workspaces a read may see (one, when named), sorted like a contact's tags. */
export async function listTags(
  prisma: PrismaClient,
  caller: Caller,
  workspaceId: string | null | undefined,
): Promise<TagRecord[]> {
  if (workspaceId != null && !isUuid(workspaceId)) return [];
  const tags = await prisma.tag.findMany({
    where: {
      workspace: workspaceWhere(caller),
      ...(workspaceId != null ? { workspaceId: workspaceId.toLowerCase() } : {}),
    },
    select: { id: true, workspaceId: true, name: true },
  });
  return tags.sort((a, b) => compareNames(a.name, b.name) || a.workspaceId.localeCompare(b.workspaceId));
}
