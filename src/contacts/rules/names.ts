import { z } from "zod";
import { type IssueSink, ruleSchema } from "../../errors/validation-issues.js";

export const MAX_NAME_LENGTH = 255;

/** A name that is empty after trimming counts as not given. */
export function isBlankName(value: string): boolean {
  return value.trim() === "";
}

/** First and last names: trimmed; blank counts as not given (null); at most 255 characters. */
export function normalizeName(value: string | null | undefined, path: string, issues: IssueSink): string | null {
  if (value == null || isBlankName(value)) return null;
  const trimmed = value.trim();
  if (trimmed.length > MAX_NAME_LENGTH) {
    issues.add([path], "TOO_LONG", `${path} must be at most ${MAX_NAME_LENGTH} characters after trimming`);
  }
  return trimmed;
}

/** The name rule as a schema per field (the message names the field): the trimmed name, or null when blank. */
export const NAME_SCHEMAS = {
  firstName: ruleSchema(z.string(), "firstName", (value, issues) => normalizeName(value, "firstName", issues)),
  lastName: ruleSchema(z.string(), "lastName", (value, issues) => normalizeName(value, "lastName", issues)),
};
