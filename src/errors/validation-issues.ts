/**
 * Validation issues are collected rather than thrown one by one, so that one request learns about
 * every broken rule at once, each with the path of the input value that broke it. This is written
 * by hand (not a schema library) because several rules need the database (custom variable names,
 * the caller's workspace) and must land in the same list as the purely syntactic ones.
 */
import { ValidationFailed } from "./domain-errors.js";

export const VALIDATION_ISSUE_CODES = {
  REQUIRED: "A value is required here.",
  INVALID_ID: "Not a well-formed id (a UUID).",
  INVALID_EMAIL: "Not a syntactically valid email address.",
  INVALID_PHONE: "Not a possible phone number in E.164 form (+ country code and digits only).",
  INVALID_TIMEZONE: "Not an IANA time zone name as the tz database spells it.",
  TOO_LONG: "Longer than the maximum length.",
  EMPTY: "Empty after trimming.",
  TOO_MANY: "More items than the maximum allowed.",
  UNKNOWN_CUSTOM_FIELD: "No custom variable of this workspace has this name.",
  INVALID_VALUE_TYPE: "A custom value must be a string, a number, a boolean or null.",
  OUT_OF_RANGE: "A number outside the allowed range.",
  INVALID_CURSOR: "A cursor that this API did not hand out.",
  NO_FIELDS: "At least one field must be given.",
} as const;

export type ValidationIssueCode = keyof typeof VALIDATION_ISSUE_CODES;

export interface ValidationIssue {
  path: string[];
  message: string;
  code: ValidationIssueCode;
}

/** Issues one answer lists at most: a request of a megabyte could otherwise break a rule per value. */
export const MAX_ISSUES = 100;

export class IssueCollector {
  readonly issues: ValidationIssue[] = [];
  /** How many issues were found, those past MAX_ISSUES included. */
  private found = 0;

  add(path: (string | number)[], code: ValidationIssueCode, message: string): void {
    this.found += 1;
    if (this.issues.length < MAX_ISSUES) this.issues.push({ path: path.map(String), code, message });
  }

  get empty(): boolean {
    return this.found === 0;
  }

  /** Throws every collected issue together (the first MAX_ISSUES of them), if there is any. */
  throwIfAny(): void {
    if (this.found > 0) throw new ValidationFailed(this.issues, this.found);
  }
}
