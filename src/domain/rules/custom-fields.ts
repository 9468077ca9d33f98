import type { IssueCollector } from "../validation.js";

export const MAX_CUSTOM_VALUE_LENGTH = 65_535;

export interface CustomVariableRef {
  id: string;
  name: string;
}

export interface CustomValueInput {
  customVariableId: string;
  name: string;
  /** The value as stored text; null clears it. */
  value: string | null;
}

/**
 * Custom values are keyed by the workspace's custom variable names exactly as defined. A value may
 * be a string, a number, a boolean or null, is stored as text (`250` → "250", `true` → "true") and
 * is at most 65,535 characters as text.
 */
export function normalizeCustomFields(
  fields: Record<string, unknown>,
  variablesByName: ReadonlyMap<string, CustomVariableRef>,
  path: string,
  issues: IssueCollector,
): CustomValueInput[] {
  const values: CustomValueInput[] = [];
  for (const [name, raw] of Object.entries(fields)) {
    const variable = variablesByName.get(name);
    if (!variable) {
      issues.add([path, name], "UNKNOWN_CUSTOM_FIELD", `This workspace has no custom variable named "${name}"`);
      continue;
    }
    const value = customValueAsText(raw);
    if (value === undefined) {
      issues.add([path, name], "INVALID_VALUE_TYPE", "A custom value must be a string, a number, a boolean or null");
    } else if (value !== null && value.length > MAX_CUSTOM_VALUE_LENGTH) {
      issues.add([path, name], "TOO_LONG", `A custom value must be at most ${MAX_CUSTOM_VALUE_LENGTH} characters`);
    } else {
      values.push({ customVariableId: variable.id, name: variable.name, value });
    }
  }
  return values;
}

/** The text a value is stored as; null for null; undefined for a value of a type not accepted. */
function customValueAsText(value: unknown): string | null | undefined {
  if (value === null) return null;
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      return Number.isFinite(value) ? String(value) : undefined;
    case "boolean":
      return String(value);
    default:
      return undefined;
  }
}
