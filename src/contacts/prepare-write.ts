import type { Caller } from "../access/api-keys.js";
import { targetWorkspaceId } from "../access/workspace-access.js";
import { IssueCollector } from "../errors/validation-issues.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { type ContactFieldsInput, type NormalizedContactFields, normalizeContactFields } from "./contact-fields.js";
import { type CustomValueInput, customFieldNames, normalizeCustomFields } from "./rules/custom-fields.js";
import { loadWriteWorkspace, type WriteWorkspace } from "./write-workspace.js";

export interface WorkspaceContactInput extends ContactFieldsInput {
  workspaceId?: string | null;
}

export interface PreparedContactWrite extends NormalizedContactFields {
  workspace: WriteWorkspace;
  customValues: CustomValueInput[];
}

/**
 * Everything a create or an upsert checks before writing: the target workspace (and the caller's
 * right to it), every field rule, and the custom field names against that workspace's variables.
 * All broken rules are thrown together in one ValidationFailed.
 */
export async function prepareContactWrite(
  prisma: PrismaClient,
  caller: Caller,
  input: WorkspaceContactInput,
  extraRules?: (fields: NormalizedContactFields, issues: IssueCollector) => void,
): Promise<PreparedContactWrite> {
  const issues = new IssueCollector();
  const workspaceId = targetWorkspaceId(caller, input.workspaceId, issues);
  const fields = normalizeContactFields(input, issues);
  extraRules?.(fields, issues);
  const customFields = input.customFields ?? {};
  const workspace = workspaceId
    ? await loadWriteWorkspace(prisma, caller, workspaceId, customFieldNames(customFields))
    : undefined;
  const customValues = workspace
    ? normalizeCustomFields(customFields, workspace.variablesByName, "customFields", issues)
    : [];
  issues.throwIfAny();
  // No issue means targetWorkspaceId found a workspace, so it was loaded.
  return { ...fields, workspace: workspace as WriteWorkspace, customValues };
}
