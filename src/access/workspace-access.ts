import { ForbiddenError } from "../errors/domain-errors.js";
import type { IssueCollector, IssueSink } from "../errors/validation-issues.js";
import { Prisma } from "../generated/prisma/client.js";
import type { Caller } from "./api-keys.js";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** A given workspaceId must be a UUID: the one rule about it that needs no caller (input types check it too). */
export function checkWorkspaceIdFormat(workspaceId: string | null | undefined, issues: IssueSink): boolean {
  if (workspaceId == null || isUuid(workspaceId)) return true;
  issues.add(["workspaceId"], "INVALID_ID", "workspaceId must be a UUID");
  return false;
}

/**
 * The workspace a write goes to. A workspace key writes to its own (naming another is forbidden);
 * an account key must name one. Returns null after recording a validation issue; whether an account
 * key reaches the named workspace is checked where the workspace is loaded (`REACHED_WORKSPACE_SQL`).
 */
export function targetWorkspaceId(
  caller: Caller,
  workspaceId: string | null | undefined,
  issues: IssueCollector,
): string | null {
  if (workspaceId === undefined || workspaceId === null) {
    if (caller.workspaceId) return caller.workspaceId;
    issues.add(["workspaceId"], "REQUIRED", "workspaceId is required with an account API key");
    return null;
  }
  if (!checkWorkspaceIdFormat(workspaceId, issues)) return null;
  const id = workspaceId.toLowerCase();
  if (caller.workspaceId && caller.workspaceId !== id) throw new ForbiddenError();
  return id;
}

/**
 * Which workspaces a caller reaches: an account key every workspace of its account, a workspace key
 * that one workspace. This module is the rule's only statement; each form below says it for one
 * kind of query.
 *
 * Fixed statements (prisma/sql) take the caller as their first two parameters, `reachParams`: $1 the
 * account, $2 the key's workspace (null for an account key), and test a workspace row `w` with
 * exactly `REACHED_WORKSPACE_SQL` (a test checks every statement that takes them).
 */
export const REACHED_WORKSPACE_SQL = "w.account_id = $1::uuid AND ($2::uuid IS NULL OR w.id = $2::uuid)";

/** The first two parameters of a fixed statement that checks the caller's reach. */
export function reachParams(caller: Pick<Caller, "accountId" | "workspaceId">): [string, string | null] {
  return [caller.accountId, caller.workspaceId];
}

/** The workspaces a caller may reach, as a Prisma filter on Workspace. */
export function workspaceWhere(caller: Caller): Prisma.WorkspaceWhereInput {
  return caller.workspaceId ? { id: caller.workspaceId } : { accountId: caller.accountId };
}

/** The contacts a caller may see: live ones in the workspaces it reaches. */
export function visibleContactWhere(caller: Caller): Prisma.ContactWhereInput {
  return caller.workspaceId
    ? { workspaceId: caller.workspaceId, deletedAt: null }
    : { workspace: { accountId: caller.accountId }, deletedAt: null };
}

/**
 * The same rule as visibleContactWhere, as SQL on `contacts c`, for statements built per request.
 * A workspace key compares `c.workspace_id` itself, so the (workspace, newest) index orders a page.
 */
export function visibleContactSql(caller: Pick<Caller, "accountId" | "workspaceId">): Prisma.Sql {
  return caller.workspaceId
    ? Prisma.sql`c.workspace_id = ${caller.workspaceId}::uuid AND c.deleted_at IS NULL`
    : Prisma.sql`c.workspace_id IN (SELECT w.id FROM workspaces w WHERE w.account_id = ${caller.accountId}::uuid)
        AND c.deleted_at IS NULL`;
}

/**
 * What a read of per-workspace data (tags, custom variables) may see: the caller's workspaces, or
 * the one it names. Null when the named workspace is malformed: the read is then simply empty.
 */
export function readScope(
  caller: Caller,
  workspaceId: string | null | undefined,
): { workspace: Prisma.WorkspaceWhereInput; workspaceId?: string } | null {
  if (workspaceId == null) return { workspace: workspaceWhere(caller) };
  if (!isUuid(workspaceId)) return null;
  return { workspace: workspaceWhere(caller), workspaceId: workspaceId.toLowerCase() };
}
