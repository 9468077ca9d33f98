import { describe, expect, it } from "vitest";
import { customFieldsSchema } from "../../src/contacts/rules/custom-fields.js";
import { emailSchema } from "../../src/contacts/rules/email.js";
import { NAME_SCHEMAS } from "../../src/contacts/rules/names.js";
import { phoneSchema } from "../../src/contacts/rules/phone.js";
import { TAG_NAMES_SCHEMAS } from "../../src/contacts/rules/tags.js";
import { timezoneSchema } from "../../src/contacts/rules/timezone.js";
import { validationIssuesOf } from "../../src/errors/validation-issues.js";

// Each field rule as a schema: its transform gives the stored form, and a refusal keeps our code,
// message and a path relative to the value.

function issuesOf(result: { success: boolean; error?: { issues: Parameters<typeof validationIssuesOf>[0] } }) {
  return validationIssuesOf(result.error?.issues ?? []);
}

describe("rule schemas", () => {
  it("transform each value to its stored form", () => {
    expect(NAME_SCHEMAS.firstName.parse("  Ada ")).toBe("Ada");
    expect(NAME_SCHEMAS.lastName.parse("   ")).toBeNull();
    expect(emailSchema.parse("  Ada@Example.COM ")).toBe("ada@example.com");
    expect(phoneSchema.parse("+12125550123")).toBe("+12125550123");
    expect(timezoneSchema.parse("Europe/Amsterdam")).toBe("Europe/Amsterdam");
    expect(TAG_NAMES_SCHEMAS.tags.parse([" VIP ", "vip", "VIP"])).toEqual(["VIP", "vip"]);
    expect(customFieldsSchema.parse({ Score: 250, Flag: true, Ratio: 2.5, Gone: null })).toEqual([
      { name: "Score", value: "250" },
      { name: "Flag", value: "true" },
      { name: "Ratio", value: "2.5" },
      { name: "Gone", value: null },
    ]);
  });

  it("refuse with our codes, messages and paths", () => {
    expect(issuesOf(NAME_SCHEMAS.firstName.safeParse("x".repeat(256)))).toEqual([
      { path: [], code: "TOO_LONG", message: "firstName must be at most 255 characters after trimming" },
    ]);
    expect(issuesOf(emailSchema.safeParse("no-at-sign"))).toEqual([
      { path: [], code: "INVALID_EMAIL", message: "email must be an address like name@example.com" },
    ]);
    expect(issuesOf(phoneSchema.safeParse("212 555 0123"))[0]?.code).toBe("INVALID_PHONE");
    expect(issuesOf(timezoneSchema.safeParse("europe/amsterdam"))[0]?.code).toBe("INVALID_TIMEZONE");
    expect(issuesOf(TAG_NAMES_SCHEMAS.removeTags.safeParse(["ok", "  "]))).toEqual([
      { path: ["1"], code: "EMPTY", message: "A tag name must not be empty" },
    ]);
    expect(issuesOf(customFieldsSchema.safeParse({ Score: { nested: true } }))).toEqual([
      {
        path: ["Score"],
        code: "INVALID_VALUE_TYPE",
        message: "A custom value must be a string, a number, a boolean or null",
      },
    ]);
  });

  it("keeps a __proto__ key as a custom field name", () => {
    const fields = JSON.parse('{"__proto__": "x"}') as Record<string, unknown>;
    expect(customFieldsSchema.parse(fields)).toEqual([{ name: "__proto__", value: "x" }]);
  });
});
