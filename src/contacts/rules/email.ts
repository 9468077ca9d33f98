import { z } from "zod";
import { type IssueSink, ruleSchema } from "../../errors/validation-issues.js";

export const MAX_EMAIL_LENGTH = 254;

// The spec's own definition, stated as a pattern: one @, a non-empty local part, a domain with a dot,
// no whitespace. A stricter RFC validator would refuse addresses that the contract accepts.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Trimmed, checked, lowercased: the stored and compared form. Returns null when invalid. The length
 * limit applies to that form: lowercasing can lengthen text (`İ` becomes two code units).
 */
export function normalizeEmail(value: string, path: string, issues: IssueSink): string | null {
  const stored = value.trim().toLowerCase();
  if (stored.length > MAX_EMAIL_LENGTH) {
    issues.add([path], "TOO_LONG", `email must be at most ${MAX_EMAIL_LENGTH} characters`);
    return null;
  }
  if (!EMAIL_PATTERN.test(stored)) {
    issues.add([path], "INVALID_EMAIL", "email must be an address like name@example.com");
    return null;
  }
  return stored;
}

/** The email rule as a schema: the trimmed, lowercased address. */
export const emailSchema = ruleSchema(z.string(), "email", (value, issues) => normalizeEmail(value, "email", issues));
