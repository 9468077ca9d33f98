import type { IssueCollector } from "../errors/validation-issues.js";
import { normalizeEmail } from "./rules/email.js";
import { normalizeName } from "./rules/names.js";
import { parseE164Phone } from "./rules/phone.js";
import { normalizeTagNames } from "./rules/tags.js";
import { checkTimezone } from "./rules/timezone.js";

/** The contact fields a create, an upsert or an update may carry, as the caller sent them. */
export interface ContactFieldsInput {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  timezone?: string | null;
  tags?: readonly string[] | null;
  customFields?: Record<string, unknown> | null;
}

/**
 * The scalar fields after their rules: a key that is absent was not given, null clears the field
 * (or, on a create, stores nothing), and a string is the value to store.
 */
export interface ContactFieldValues {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  timezone?: string | null;
}

export interface NormalizedContactFields {
  values: ContactFieldValues;
  tagNames: string[];
}

/** Applies every field rule of the spec to what was given, recording each failure in `issues`. */
export function normalizeContactFields(input: ContactFieldsInput, issues: IssueCollector): NormalizedContactFields {
  const values: ContactFieldValues = {};
  for (const key of ["firstName", "lastName"] as const) {
    const given = input[key];
    if (given === null) values[key] = null;
    // An empty name after trimming counts as not given.
    else if (given !== undefined) {
      const name = normalizeName(given, key, issues);
      if (name !== null) values[key] = name;
    }
  }
  if (input.email !== undefined) {
    values.email = input.email === null ? null : normalizeEmail(input.email, "email", issues);
  }
  if (input.phone !== undefined) {
    values.phone = input.phone === null ? null : (parseE164Phone(input.phone, "phone", issues)?.number ?? null);
  }
  if (input.timezone !== undefined) {
    const timezone = input.timezone === null ? null : checkTimezone(input.timezone, "timezone", issues);
    if (input.timezone === null || timezone !== null) values.timezone = timezone;
  }
  const tagNames = input.tags ? normalizeTagNames(input.tags, "tags", issues) : [];
  return { values, tagNames };
}
