import { normalizeName } from "../contacts/rules/names.js";
import { checkTimezone } from "../contacts/rules/timezone.js";
import { NotFoundError } from "../errors/domain-errors.js";
import { IssueCollector } from "../errors/validation-issues.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { type ApiKeyMode, generateApiKey } from "./api-keys.js";
import { API_SCOPES, type ApiScope, isApiScope } from "./scopes.js";
import { isUuid } from "./workspace-access.js";

/** Operator actions (admin command line, demo seeding): accounts, workspaces and their API keys. */

export interface IssuedApiKey {
  apiKeyId: string;
  /** Shown once, never stored: only its SHA-256 hash is kept. */
  apiKey: string;
}

export type ApiKeyScope = { accountId: string } | { workspaceId: string };

function requiredName(value: string, issues: IssueCollector): string {
  const name = normalizeName(value, "name", issues);
  if (name === null) issues.add(["name"], "REQUIRED", "name must not be empty");
  return name ?? "";
}

export async function createAccount(
  prisma: PrismaClient,
  input: { name: string },
): Promise<{ accountId: string } & IssuedApiKey> {
  const issues = new IssueCollector();
  const name = requiredName(input.name, issues);
  issues.throwIfAny();
  const key = generateApiKey();
  const account = await prisma.account.create({
    data: { name, apiKeys: { create: { keyHash: key.keyHash, displayPrefix: key.displayPrefix } } },
    select: { id: true, apiKeys: { select: { id: true } } },
  });
  return { accountId: account.id, apiKeyId: account.apiKeys[0]?.id ?? "", apiKey: key.key };
}

export async function createWorkspace(
  prisma: PrismaClient,
  input: { accountId: string; name: string; defaultTimezone?: string | null },
): Promise<{ workspaceId: string } & IssuedApiKey> {
  const issues = new IssueCollector();
  const name = requiredName(input.name, issues);
  if (!isUuid(input.accountId)) issues.add(["accountId"], "INVALID_ID", "accountId must be a UUID");
  // The admin command line names this option --timezone.
  const defaultTimezone =
    input.defaultTimezone == null ? null : checkTimezone(input.defaultTimezone, "timezone", issues);
  issues.throwIfAny();
  const account = await prisma.account.findUnique({ where: { id: input.accountId }, select: { id: true } });
  if (!account) throw new NotFoundError("Account");
  const key = generateApiKey();
  const workspace = await prisma.workspace.create({
    data: {
      accountId: account.id,
      name,
      defaultTimezone,
      apiKeys: { create: { accountId: account.id, keyHash: key.keyHash, displayPrefix: key.displayPrefix } },
    },
    select: { id: true, apiKeys: { select: { id: true } } },
  });
  return { workspaceId: workspace.id, apiKeyId: workspace.apiKeys[0]?.id ?? "", apiKey: key.key };
}

/** A new key of an account or a workspace, with the given scopes (all of them when not given). */
export async function createApiKey(
  prisma: PrismaClient,
  scope: ApiKeyScope,
  mode: ApiKeyMode = "live",
  scopes: readonly ApiScope[] = API_SCOPES,
): Promise<IssuedApiKey & { scopes: ApiScope[] }> {
  const owner = await findKeyOwner(prisma, scope);
  const key = generateApiKey(mode);
  const apiKey = await prisma.apiKey.create({
    data: { ...owner, keyHash: key.keyHash, displayPrefix: key.displayPrefix, scopes: [...scopes] },
    select: { id: true, scopes: true },
  });
  return { apiKeyId: apiKey.id, apiKey: key.key, scopes: apiKey.scopes.filter(isApiScope) };
}

/** The account (and, for a workspace key, the workspace) a new key belongs to. */
async function findKeyOwner(
  prisma: PrismaClient,
  scope: ApiKeyScope,
): Promise<{ accountId: string; workspaceId: string | null }> {
  if ("workspaceId" in scope) {
    const workspace = isUuid(scope.workspaceId)
      ? await prisma.workspace.findUnique({ where: { id: scope.workspaceId }, select: { accountId: true } })
      : null;
    if (!workspace) throw new NotFoundError("Workspace");
    return { accountId: workspace.accountId, workspaceId: scope.workspaceId };
  }
  const account = isUuid(scope.accountId)
    ? await prisma.account.findUnique({ where: { id: scope.accountId }, select: { id: true } })
    : null;
  if (!account) throw new NotFoundError("Account");
  return { accountId: account.id, workspaceId: null };
}

/** Revokes a key for good; revoking it again is harmless. */
export async function revokeApiKey(prisma: PrismaClient, apiKeyId: string): Promise<void> {
  if (!isUuid(apiKeyId)) throw new NotFoundError("API key");
  const { count } = await prisma.apiKey.updateMany({
    where: { id: apiKeyId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0 && !(await prisma.apiKey.findUnique({ where: { id: apiKeyId }, select: { id: true } }))) {
    throw new NotFoundError("API key");
  }
}
