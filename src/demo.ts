import { createAccount, createWorkspace } from "./domain/accounts.js";
import { defineCustomVariable } from "./domain/custom-variables.js";
import type { PrismaClient } from "./generated/prisma/client.js";

export interface DemoWorkspace {
  workspaceId: string;
  apiKey: string;
}

/**
 * On an empty embedded database, creates a demo account and workspace (with a "Lead Source"
 * custom variable) so a newcomer can send a first mutation at once. Returns null when the database
 * already holds an account: the key was printed on the first start and is not stored in clear.
 */
export async function seedDemoWorkspace(prisma: PrismaClient): Promise<DemoWorkspace | null> {
  if ((await prisma.account.count()) > 0) return null;
  const { accountId } = await createAccount(prisma, { name: "Demo account" });
  const workspace = await createWorkspace(prisma, { accountId, name: "Demo workspace", defaultTimezone: "UTC" });
  await defineCustomVariable(prisma, workspace.workspaceId, "Lead Source");
  return { workspaceId: workspace.workspaceId, apiKey: workspace.apiKey };
}
