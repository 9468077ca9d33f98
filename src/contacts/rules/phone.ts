import { type PhoneNumber, parsePhoneNumberFromString } from "libphonenumber-js/max";
import { z } from "zod";
import { type IssueSink, ruleSchema } from "../../errors/validation-issues.js";

const E164_PATTERN = /^\+[1-9]\d{1,14}$/;
/** "+" and at most 15 digits. */
export const MAX_E164_LENGTH = 16;

/**
 * E.164 only: "+", country code and subscriber digits, at most 15 digits, and a possible number
 * for its country. National formats, spaces and dashes are refused, never repaired.
 * Returns the parsed number (its `.number` is the stored form), or null when invalid.
 */
export function parseE164Phone(value: string, path: string, issues: IssueSink): PhoneNumber | null {
  const parsed = E164_PATTERN.test(value) ? parsePhoneNumberFromString(value) : undefined;
  if (!parsed || parsed.number !== value || !parsed.isPossible()) {
    issues.add([path], "INVALID_PHONE", "phone must be a possible number in E.164 form, like +12125550123");
    return null;
  }
  return parsed;
}

/** The phone rule as a schema: the number in E.164, as stored. */
export const phoneSchema = ruleSchema(
  z.string(),
  "phone",
  (value, issues) => parseE164Phone(value, "phone", issues)?.number ?? null,
);
