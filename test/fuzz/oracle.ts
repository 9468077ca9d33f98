import { timezones as geoTimezones } from "libphonenumber-geo-carrier";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import tzdata from "tzdata";

// The API's rules, written again from the contract's text for the fuzz tests, not
// imported from src/: an independent oracle of what the API must answer. Where the text leaves a
// case open, the oracle accepts either answer, and says so.

export const MAX_NAME = 255;
export const MAX_EMAIL = 254;
export const MAX_TAG = 255;
export const MAX_TAGS = 100;
export const MAX_CUSTOM_VALUE = 65_535;
/** The input guard's limit (docs/api.md, "Abuse limits"): deeper variables are refused with HTTP 400. */
export const MAX_VARIABLE_DEPTH = 32;

/** One issue the API may report: its path, the codes that fit, and whether it must be there. */
export interface ExpectedIssue {
  path: string[];
  codes: string[];
  required: boolean;
}

export interface ActualIssue {
  path: string[];
  code: string;
}

export class Issues {
  readonly list: ExpectedIssue[] = [];
  add(path: (string | number)[], code: string) {
    this.list.push({ path: path.map(String), codes: [code], required: true });
  }
  /** An issue the contract leaves open: it may be reported, with one of these codes, or not. */
  maybe(path: (string | number)[], ...codes: string[]) {
    this.list.push({ path: path.map(String), codes, required: false });
  }
  /** An issue that must be reported, with one of these codes. */
  oneOf(path: (string | number)[], ...codes: string[]) {
    this.list.push({ path: path.map(String), codes, required: true });
  }
  get required(): boolean {
    return this.list.some((issue) => issue.required);
  }
  get any(): boolean {
    return this.list.length > 0;
  }
}

/** Why the actual issues do not fit the expected ones, or null when they do. */
export function issuesMismatch(expected: Issues, actual: ActualIssue[]): string | null {
  const key = (path: string[]) => JSON.stringify(path);
  const seen = new Map<string, Set<string>>();
  for (const issue of actual) {
    const candidates = expected.list.filter((entry) => key(entry.path) === key(issue.path));
    if (!candidates.some((entry) => entry.codes.includes(issue.code))) {
      return `unexpected issue ${issue.code} at ${key(issue.path)}`;
    }
    const codes = seen.get(key(issue.path)) ?? new Set();
    if (codes.has(issue.code)) return `issue ${issue.code} at ${key(issue.path)} reported twice`;
    codes.add(issue.code);
    seen.set(key(issue.path), codes);
  }
  for (const entry of expected.list) {
    if (
      entry.required &&
      !actual.some((issue) => key(issue.path) === key(entry.path) && entry.codes.includes(issue.code))
    ) {
      return `missing issue ${entry.codes.join("|")} at ${key(entry.path)}`;
    }
  }
  return null;
}

const codePoints = (value: string) => [...value].length;

/**
 * "At most N characters": the spec does not say whether a character is a UTF-16 code unit or a code
 * point, so a length between the two counts may be accepted or refused.
 */
export function lengthVerdict(value: string, max: number): "ok" | "too-long" | "either" {
  if (value.length <= max) return "ok";
  return codePoints(value) > max ? "too-long" : "either";
}

function checkLength(issues: Issues, path: (string | number)[], value: string, max: number): boolean {
  const verdict = lengthVerdict(value, max);
  if (verdict === "too-long") issues.add(path, "TOO_LONG");
  if (verdict === "either") issues.maybe(path, "TOO_LONG");
  return verdict !== "too-long";
}

/** Text the input guard refuses (docs/api.md): a NUL or an unpaired UTF-16 surrogate. */
export function unstorableText(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit === 0) return true;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i += 1;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return true;
    }
  }
  return false;
}

/** Whether variables would be refused by the input guard: unstorable text anywhere, or nesting past the limit. */
export function guardRefuses(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return unstorableText(value);
  if (typeof value !== "object" || value === null) return false;
  if (depth > MAX_VARIABLE_DEPTH) return true;
  if (Array.isArray(value)) return value.some((item) => guardRefuses(item, depth + 1));
  return Object.entries(value).some(([key, item]) => unstorableText(key) || guardRefuses(item, depth + 1));
}

// ---- fields -------------------------------------------------------------------------------------

/** A name: trimmed; empty counts as not given (undefined); at most 255 characters. */
export function checkName(value: string, path: string, issues: Issues): string | undefined {
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  checkLength(issues, [path], trimmed, MAX_NAME);
  return trimmed;
}

/**
 * Email syntax as the spec states it: one @, a non-empty local part, a domain with a dot, no spaces.
 * Open: other whitespace than the space character, and a domain that starts or ends with its dot
 * or has two in a row.
 */
export function emailSyntax(value: string): "valid" | "invalid" | "either" {
  const parts = value.split("@");
  if (parts.length !== 2) return "invalid";
  const [local, domain] = parts as [string, string];
  if (local === "" || !domain.includes(".") || value.includes(" ")) return "invalid";
  if (/\s/.test(value)) return "either";
  if (domain.startsWith(".") || domain.endsWith(".") || domain.includes("..")) return "either";
  return "valid";
}

/** The email as stored (trimmed, lowercased), or undefined when it is refused. */
export function checkEmail(value: string, issues: Issues): string | undefined {
  const trimmed = value.trim();
  const length = lengthVerdict(trimmed, MAX_EMAIL);
  const syntax = emailSyntax(trimmed);
  if (length === "too-long") {
    if (syntax === "valid") issues.add(["email"], "TOO_LONG");
    else {
      // The length is part of the one email rule in the spec's wording: either code, or both.
      issues.oneOf(["email"], "TOO_LONG", "INVALID_EMAIL");
      issues.maybe(["email"], "INVALID_EMAIL", "TOO_LONG");
    }
    return undefined;
  }
  if (syntax === "invalid") {
    issues.add(["email"], "INVALID_EMAIL");
    if (length === "either") issues.maybe(["email"], "TOO_LONG");
    return undefined;
  }
  if (syntax === "either") issues.maybe(["email"], "INVALID_EMAIL");
  if (length === "either") issues.maybe(["email"], "TOO_LONG");
  return trimmed.toLowerCase();
}

/** E.164 and possible for its country (libphonenumber-js), stored exactly as given. */
export function isValidPhone(value: string): boolean {
  if (!/^\+[1-9][0-9]{0,14}$/.test(value)) return false;
  const parsed = parsePhoneNumberFromString(value);
  return parsed !== undefined && parsed.number === value && parsed.isPossible();
}

export function checkPhone(value: string, path: string, issues: Issues): string | undefined {
  if (isValidPhone(value)) return value;
  issues.add([path], "INVALID_PHONE");
  return undefined;
}

/** Every name of the tz database, canonical zones and aliases ("Factory" is a placeholder, not a place). */
const IANA_NAMES: ReadonlySet<string> = new Set(Object.keys(tzdata.zones).filter((name) => name !== "Factory"));
export const IANA_NAME_LIST: readonly string[] = [...IANA_NAMES].sort();

export function isIanaName(value: string): boolean {
  return IANA_NAMES.has(value);
}

/** Tag names: each trimmed, 1 to 255 characters; duplicates collapse; at most 100 distinct. */
export function checkTags(values: string[], path: string, issues: Issues): string[] {
  const names = new Set<string>();
  values.forEach((value, index) => {
    const name = value.trim();
    if (name === "") issues.add([path, index], "EMPTY");
    else if (checkLength(issues, [path, index], name, MAX_TAG)) names.add(name);
  });
  if (names.size > MAX_TAGS) issues.add([path], "TOO_MANY");
  return [...names];
}

/** A custom value as stored text; null clears; undefined when its type is refused. */
export function customValueText(value: unknown): string | null | undefined {
  if (value === null) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === "boolean") return value ? "true" : "false";
  return undefined;
}

export function checkCustomFields(
  fields: Record<string, unknown>,
  variables: ReadonlySet<string>,
  issues: Issues,
): Map<string, string | null> {
  const values = new Map<string, string | null>();
  for (const [name, raw] of Object.entries(fields)) {
    if (!variables.has(name)) {
      issues.add(["customFields", name], "UNKNOWN_CUSTOM_FIELD");
      continue;
    }
    const text = customValueText(raw);
    if (text === undefined) issues.add(["customFields", name], "INVALID_VALUE_TYPE");
    else if (text === null || checkLength(issues, ["customFields", name], text, MAX_CUSTOM_VALUE)) {
      values.set(name, text);
    }
  }
  return values;
}

// ---- order and derivation -----------------------------------------------------------------------

/** Alphabetical: case-insensitive first, ties by plain code-unit order (`VIP` just before `vip`). */
export function compareNames(a: string, b: string): number {
  return a.localeCompare(b, "en", { sensitivity: "base" }) || (a < b ? -1 : a > b ? 1 : 0);
}

export const sortNames = (names: Iterable<string>) => [...names].sort(compareNames);

const zonesCache = new Map<string, string[]>();

/** The zones Google's libphonenumber data maps the number's prefix to (libphonenumber-geo-carrier). */
export async function phoneZones(phone: string): Promise<string[]> {
  const cached = zonesCache.get(phone);
  if (cached) return cached;
  const zones = (await geoTimezones(parsePhoneNumberFromString(phone))) ?? [];
  zonesCache.set(phone, zones);
  return zones;
}

/** The zone a tz database link names, followed to the end (a zone's own name maps to itself). */
function zoneOf(name: string): string {
  const target = (tzdata.zones as Record<string, unknown>)[name];
  return typeof target === "string" ? zoneOf(target) : name;
}

/**
 * A new contact's timezone when none is given: the phone's one zone (a single name as given;
 * several names linked to one zone as that zone's canonical name), else the workspace default,
 * else null.
 */
export async function deriveTimezone(phone: string | null, workspaceDefault: string | null): Promise<string | null> {
  if (phone) {
    const zones = await phoneZones(phone);
    if (zones.length === 1) return zones[0] ?? null;
    const canonical = new Set(zones.map(zoneOf));
    if (canonical.size === 1) return [...canonical][0] ?? null;
  }
  return workspaceDefault;
}

// ---- the stored contact -------------------------------------------------------------------------

export interface StoredContact {
  id: string;
  workspaceId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  deletedAt: string | null;
  /** Sorted as the API returns them. */
  tags: string[];
  /** Sorted by name as the API returns them. */
  customFields: { name: string; value: string }[];
}

/** Every rule of the spec that a stored contact must satisfy whatever produced it; [] when it does. */
export function ruleViolations(contact: StoredContact): string[] {
  const broken: string[] = [];
  for (const key of ["firstName", "lastName"] as const) {
    const name = contact[key];
    if (name !== null && (name !== name.trim() || name === "" || lengthVerdict(name, MAX_NAME) === "too-long")) {
      broken.push(`${key} ${JSON.stringify(name)} is not trimmed, is empty or too long`);
    }
  }
  const { email, phone, timezone } = contact;
  if (email !== null) {
    if (email !== email.toLowerCase()) broken.push(`email ${email} is not lowercased`);
    if (emailSyntax(email) === "invalid") broken.push(`email ${JSON.stringify(email)} is not an address`);
    if (email !== email.trim()) broken.push("email is not trimmed");
  }
  if (phone !== null && !isValidPhone(phone))
    broken.push(`phone ${JSON.stringify(phone)} is not a possible E.164 number`);
  if (timezone !== null && !isIanaName(timezone))
    broken.push(`timezone ${JSON.stringify(timezone)} is not an IANA name`);
  for (const tag of contact.tags) {
    if (tag !== tag.trim() || tag === "" || lengthVerdict(tag, MAX_TAG) === "too-long") {
      broken.push(`tag ${JSON.stringify(tag)} is not trimmed, is empty or too long`);
    }
  }
  if (new Set(contact.tags).size !== contact.tags.length) broken.push("a tag is linked twice");
  if (JSON.stringify(sortNames(contact.tags)) !== JSON.stringify(contact.tags)) broken.push("tags are not in order");
  const names = contact.customFields.map((field) => field.name);
  if (JSON.stringify(sortNames(names)) !== JSON.stringify(names)) broken.push("custom values are not in order");
  for (const field of contact.customFields) {
    if (typeof field.value !== "string") broken.push(`custom value ${field.name} is not a string`);
    else if (lengthVerdict(field.value, MAX_CUSTOM_VALUE) === "too-long")
      broken.push(`custom value ${field.name} is too long`);
  }
  return broken;
}
