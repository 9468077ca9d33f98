import type { IssueCollector } from "../../errors/validation-issues.js";

export const MAX_CUSTOM_VALUE_LENGTH = 65_535;
/** Far above any workspace's real number of custom variables; bounds what one request makes us check. */
export const MAX_CUSTOM_FIELDS_PER_REQUEST = 500;

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
  for (const [name, raw] of boundedEntries(fields, path, issues)) {
    const variable = variablesByName.get(name);
    if (!variable) {
      addUnknownCustomField(issues, path, name);
      continue;
    }
    const value = checkCustomValue(raw, [path, name], issues);
    if (value !== undefined) values.push({ customVariableId: variable.id, name: variable.name, value });
  }
  return values;
}

/**
 * The same value rules without the names: what can be checked before the workspace's custom
 * variables are known. The names are then checked where the values are written.
 */
export function customValuesAsText(
  fields: Record<string, unknown>,
  path: string,
  issues: IssueCollector,
): { name: string; value: string | null }[] {
  const values: { name: string; value: string | null }[] = [];
  for (const [name, raw] of boundedEntries(fields, path, issues)) {
    const value = checkCustomValue(raw, [path, name], issues);
    if (value !== undefined) values.push({ name, value });
  }
  return values;
}

/** The names to look up among the workspace's custom variables: none when there are too many to accept. */
export function customFieldNames(fields: Record<string, unknown>): string[] {
  const names = Object.keys(fields);
  return names.length > MAX_CUSTOM_FIELDS_PER_REQUEST ? [] : names;
}

/** The entries of a customFields object, or none after one issue at `path` when it has too many keys. */
function boundedEntries(fields: Record<string, unknown>, path: string, issues: IssueCollector): [string, unknown][] {
  const entries = Object.entries(fields);
  if (entries.length <= MAX_CUSTOM_FIELDS_PER_REQUEST) return entries;
  issues.add([path], "TOO_MANY", `At most ${MAX_CUSTOM_FIELDS_PER_REQUEST} custom fields per request`);
  return [];
}

export function addUnknownCustomField(issues: IssueCollector, path: string, name: string): void {
  issues.add([path, name], "UNKNOWN_CUSTOM_FIELD", `This workspace has no custom variable named "${name}"`);
}

/** The value as stored text (null clears), or undefined after recording why it is refused. */
function checkCustomValue(raw: unknown, path: string[], issues: IssueCollector): string | null | undefined {
  const value = customValueAsText(raw);
  if (value === undefined) {
    issues.add(path, "INVALID_VALUE_TYPE", "A custom value must be a string, a number, a boolean or null");
    return undefined;
  }
  if (value !== null && value.length > MAX_CUSTOM_VALUE_LENGTH) {
    issues.add(path, "TOO_LONG", `A custom value must be at most ${MAX_CUSTOM_VALUE_LENGTH} characters`);
    return undefined;
  }
  return value;
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
