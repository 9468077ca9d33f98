import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createAccount, createWorkspace } from "../access/accounts.js";
import type { Caller } from "../access/api-keys.js";
import { authenticateApiKey } from "../access/authentication.js";
import { defineCustomVariable } from "../custom-variables/custom-variables.service.js";
import type { PrismaClient } from "../generated/prisma/client.js";

export interface DemoWorkspace {
  workspaceId: string;
  apiKey: string;
  /** True when this start created it. */
  created: boolean;
  /** Its key as a caller: what the demo token route mints client tokens with. */
  caller: Caller;
}

/**
 * The demo workspace of an embedded database, so a newcomer can send a first mutation at once.
 * On an empty database it creates a demo account and workspace (with a "Lead Source" custom
 * variable). Its key is kept in `keyFile` (readable by the owner only, beside the local data),
 * so later starts can print it again and prefill GraphiQL with it; never used on PostgreSQL.
 */
export async function ensureDemoWorkspace(prisma: PrismaClient, keyFile: string | null): Promise<DemoWorkspace | null> {
  if (keyFile && existsSync(keyFile)) {
    const saved = JSON.parse(readFileSync(keyFile, "utf8")) as { workspaceId: string; apiKey: string };
    const caller = await authenticateApiKey(prisma, `Bearer ${saved.apiKey}`);
    return caller ? { ...saved, created: false, caller } : null;
  }
  if ((await prisma.account.count()) > 0) return null;
  const { accountId } = await createAccount(prisma, { name: "Demo account" });
  const workspace = await createWorkspace(prisma, { accountId, name: "Demo workspace", defaultTimezone: "UTC" });
  await defineCustomVariable(prisma, workspace.workspaceId, "Lead Source");
  const demo = { workspaceId: workspace.workspaceId, apiKey: workspace.apiKey };
  if (keyFile) {
    writeFileSync(keyFile, `${JSON.stringify(demo)}\n`, { mode: 0o600 });
    chmodSync(keyFile, 0o600);
  }
  const caller = await authenticateApiKey(prisma, `Bearer ${demo.apiKey}`);
  if (!caller) throw new Error("The demo key just created cannot be found");
  return { ...demo, created: true, caller };
}
