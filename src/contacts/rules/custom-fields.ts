import { z } from "zod";
import { type IssueSink, ruleSchema } from "../../errors/validation-issues.js";

export const MAX_CUSTOM_VALUE_LENGTH = 65_535;
/** Far above any workspace's real number of custom variables; bounds what one request makes us check. */
export const MAX_CUSTOM_FIELDS_PER_REQUEST = 500;

export interface CustomVariableRef {
  id: string;
  name: string;
}

/** A custom value as text, keyed by the name the caller gave (not yet matched to a variable). */
export interface CustomValueText {
  name: string;
  /** The value as stored text; null clears it. */
  value: string | null;
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
  issues: IssueSink,
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
  issues: IssueSink,
): CustomValueText[] {
  const values: CustomValueText[] = [];
  for (const [name, raw] of boundedEntries(fields, path, issues)) {
    const value = checkCustomValue(raw, [path, name], issues);
    if (value !== undefined) values.push({ name, value });
  }
  return values;
}

/** The value rules as a schema: each value as text, by the name given. The names need the workspace. */
// z.custom passes the object through as given: a copy made by z.record would lose a "__proto__" key.
export const customFieldsSchema = ruleSchema(z.custom<Record<string, unknown>>(), "customFields", (fields, issues) =>
  customValuesAsText(fields, "customFields", issues),
);

/**
 * Matches values whose rules passed to the workspace's custom variables (by exact name), recording
 * an issue for each name that it lacks.
 */
export function resolveCustomVariables(
  values: readonly CustomValueText[],
  variablesByName: ReadonlyMap<string, CustomVariableRef>,
  path: string,
  issues: IssueSink,
): CustomValueInput[] {
  const resolved: CustomValueInput[] = [];
  for (const { name, value } of values) {
    const variable = variablesByName.get(name);
    if (variable) resolved.push({ customVariableId: variable.id, name: variable.name, value });
    else addUnknownCustomField(issues, path, name);
  }
  return resolved;
}

/** The names to look up among the workspace's custom variables: none when there are too many to accept. */
export function customFieldNames(fields: Record<string, unknown>): string[] {
  const names = Object.keys(fields);
  return names.length > MAX_CUSTOM_FIELDS_PER_REQUEST ? [] : names;
}

/** The entries of a customFields object, or none after one issue at `path` when it has too many keys. */
function boundedEntries(fields: Record<string, unknown>, path: string, issues: IssueSink): [string, unknown][] {
  const entries = Object.entries(fields);
  if (entries.length <= MAX_CUSTOM_FIELDS_PER_REQUEST) return entries;
  issues.add([path], "TOO_MANY", `At most ${MAX_CUSTOM_FIELDS_PER_REQUEST} custom fields per request`);
  return [];
}

export function addUnknownCustomField(issues: IssueSink, path: string, name: string): void {
  issues.add([path, name], "UNKNOWN_CUSTOM_FIELD", `This workspace has no custom variable named "${name}"`);
}

/** The value as stored text (null clears), or undefined after recording why it is refused. */
function checkCustomValue(raw: unknown, path: string[], issues: IssueSink): string | null | undefined {
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
