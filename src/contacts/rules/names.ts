import type { IssueCollector } from "../../errors/validation-issues.js";

export const MAX_NAME_LENGTH = 255;

/** First and last names: trimmed; empty counts as not given (null); at most 255 characters. */
export function normalizeName(value: string | null | undefined, path: string, issues: IssueCollector): string | null {
  const trimmed = value?.trim() ?? "";
  if (trimmed === "") return null;
  if (trimmed.length > MAX_NAME_LENGTH) {
    issues.add([path], "TOO_LONG", `${path} must be at most ${MAX_NAME_LENGTH} characters after trimming`);
  }
  return trimmed;
}
