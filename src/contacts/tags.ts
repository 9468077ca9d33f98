import type { Caller } from "../access/api-keys.js";
import { readScope } from "../access/workspace-access.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { sortByNameAcrossWorkspaces } from "./rules/tags.js";

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
  const scope = readScope(caller, workspaceId);
  if (!scope) return [];
  const tags = await prisma.tag.findMany({ where: scope, select: { id: true, workspaceId: true, name: true } });
  return sortByNameAcrossWorkspaces(tags);
}
