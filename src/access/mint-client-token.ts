import { ForbiddenError } from "../errors/domain-errors.js";
import { IssueCollector } from "../errors/validation-issues.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Caller } from "./api-keys.js";
import { CLIENT_TOKEN_LIFETIME_SECONDS, type ClientTokenKeys, type MintedClientToken } from "./client-tokens.js";
import { API_SCOPES, isApiScope } from "./scopes.js";
import { targetWorkspaceId, workspaceWhere } from "./workspace-access.js";

export const MAX_SUBJECT_LENGTH = 255;

export interface CreateClientTokenInput {
  workspaceId?: string | null;
  scopes: readonly string[];
  subject: string;
  expiresInSeconds?: number | null;
}

/**
 * A client token for one end user of the caller's app. Only an API key mints (a token cannot mint
 * another, so a leaked token cannot outlive itself), and only some of its own scopes, for a workspace
 * it reaches (the usual workspaceId rule).
 */
export async function mintClientToken(
  prisma: PrismaClient,
  caller: Caller,
  input: CreateClientTokenInput,
  keys: ClientTokenKeys,
): Promise<MintedClientToken> {
  if (caller.credential === "client_token") {
    throw new ForbiddenError(
      null,
      "A client token cannot mint client tokens: mint them with an API key, on your backend",
    );
  }
  const issues = new IssueCollector();
  const workspaceId = targetWorkspaceId(caller, input.workspaceId, issues);
  if (input.scopes.length === 0) issues.add(["scopes"], "REQUIRED", "Give at least one scope");
  input.scopes.forEach((scope, index) => {
    if (!isApiScope(scope)) {
      issues.add(["scopes", index], "INVALID_SCOPE", `Unknown scope: give some of ${API_SCOPES.join(", ")}`);
    }
  });
  if (input.subject.trim() === "") issues.add(["subject"], "EMPTY", "subject must be your end user's id");
  else if (input.subject.length > MAX_SUBJECT_LENGTH) {
    issues.add(["subject"], "TOO_LONG", `subject must be at most ${MAX_SUBJECT_LENGTH} characters`);
  }
  const lifetime = input.expiresInSeconds ?? CLIENT_TOKEN_LIFETIME_SECONDS.default;
  const { min, max } = CLIENT_TOKEN_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < min || lifetime > max) {
    issues.add(["expiresInSeconds"], "OUT_OF_RANGE", `expiresInSeconds must be from ${min} to ${max}`);
  }
  issues.throwIfAny();
  const scopes = API_SCOPES.filter((scope) => input.scopes.includes(scope));
  const missing = scopes.find((scope) => !caller.scopes.includes(scope));
  if (missing) throw new ForbiddenError(missing);
  if (workspaceId === null) return issues.throwAll();
  // An account key reaches the workspaces of its account; a workspace key's own was checked above.
  if (caller.workspaceId === null && !(await reachesWorkspace(prisma, caller, workspaceId))) {
    throw new ForbiddenError();
  }
  return keys.sign({ workspaceId, scopes, subject: input.subject, apiKeyId: caller.apiKeyId }, lifetime);
}

async function reachesWorkspace(prisma: PrismaClient, caller: Caller, workspaceId: string): Promise<boolean> {
  return (await prisma.workspace.count({ where: { AND: [{ id: workspaceId }, workspaceWhere(caller)] } })) > 0;
}
