import type { Caller } from "../access/api-keys.js";
import { targetWorkspaceId } from "../access/workspace-access.js";
import { IssueCollector, type ValidationIssue } from "../errors/validation-issues.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { ParsedContactFields, ParsedWorkspaceContactInput, WorkspaceContactInput } from "./contact-input.js";
import {
  type CustomValueInput,
  customFieldNames,
  normalizeCustomFields,
  resolveCustomVariables,
} from "./rules/custom-fields.js";
import { loadWriteWorkspace, type WriteWorkspace } from "./write-workspace.js";

export interface PreparedContactWrite extends Omit<ParsedContactFields, "customValues"> {
  workspace: WriteWorkspace;
  customValues: CustomValueInput[];
}

/**
 * What a create or an upsert checks once its fields passed: the target workspace (and the caller's
 * right to it) and the custom field names against that workspace's variables, in one round trip.
 * Every broken rule is thrown together in one ValidationFailed.
 */
export async function prepareContactWrite(
  prisma: PrismaClient,
  caller: Caller,
  input: ParsedWorkspaceContactInput,
): Promise<PreparedContactWrite> {
  const issues = new IssueCollector();
  const workspaceId = targetWorkspaceId(caller, input.workspaceId, issues);
  if (!workspaceId) return issues.throwAll();
  const names = input.customValues.map((entry) => entry.name);
  const workspace = await loadWriteWorkspace(prisma, caller, workspaceId, names);
  const customValues = resolveCustomVariables(input.customValues, workspace.variablesByName, "customFields", issues);
  issues.throwIfAny();
  return { values: input.values, tagNames: input.tagNames, workspace, customValues };
}

/**
 * Answers a create or an upsert whose input type refused its fields with every broken rule at once,
 * as one ValidationFailed: the workspace's issue first, then the fields', then each custom field by
 * the workspace's variables (an unknown name, else its value's issue), when the workspace is
 * reachable. That look-up is the one round trip of a refused write.
 */
export async function rejectWorkspaceContactInput(
  prisma: PrismaClient,
  caller: Caller,
  input: WorkspaceContactInput,
  fieldIssues: readonly ValidationIssue[],
): Promise<never> {
  const issues = new IssueCollector();
  const workspaceId = targetWorkspaceId(caller, input.workspaceId, issues);
  issues.addAll(withoutCustomFields(fieldIssues));
  if (workspaceId) {
    const customFields = input.customFields ?? {};
    const workspace = await loadWriteWorkspace(prisma, caller, workspaceId, customFieldNames(customFields));
    normalizeCustomFields(customFields, workspace.variablesByName, "customFields", issues);
  }
  return issues.throwAll();
}

/** The input type's issues but those of custom fields, which are judged again with the workspace's names. */
export function withoutCustomFields(issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issues.filter((issue) => issue.path[0] !== "customFields");
}
