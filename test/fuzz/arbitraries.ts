import fc from "fast-check";
import { IANA_NAME_LIST } from "./oracle.js";

// Inputs for the contact mutations, valid and invalid: odd Unicode, huge strings, numbers at the
// edges, nested JSON in custom fields, control characters, tags differing only by whitespace or
// case, wrong GraphQL types and unknown fields now and then.

/** Cases per mutation: 2,000 by default (CI), FUZZ_RUNS=10000 for the long local run (`npm run test:fuzz`). */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
/** Replays a failing run: the seed fast-check printed. */
export const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

/** One of the arbitraries, picked with the given weights. */
const weighted = <T>(...entries: [number, fc.Arbitrary<T>][]) =>
  fc.oneof(...entries.map(([weight, arbitrary]) => ({ weight, arbitrary })));

// ---- strings ------------------------------------------------------------------------------------

const controlCharacter = fc.constantFrom(
  "\u0001",
  "\u0007",
  "\b",
  "\t",
  "\n",
  "\v",
  "\f",
  "\r",
  "\u001b",
  "\u007f",
  "\u0085",
  "\u00a0",
  "\u200b",
  "\u200e",
  "\u202e",
  "\u2028",
  "\u2029",
  "\u3000",
  "\ufeff",
  "\ufffd",
  "\uffff",
);
/** Refused by the input guard: a NUL, or half of a surrogate pair. */
const unstorable = weighted<string>(
  [1, fc.constant("\u0000")],
  [1, fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit))],
);
const oddCharacter = fc.constantFrom(
  "é",
  "e\u0301",
  "\u0301",
  "İ",
  "ı",
  "ß",
  "ﬀ",
  "Ω",
  "ǅ",
  "😀",
  "👩‍👩‍👧",
  "🇳🇱",
  "𝔘",
  "中",
  "ㅤ",
  "\u00ad",
  "@",
  ".",
  "+",
  '"',
  "\\",
  "'",
  "%",
  "_",
  "$",
  "{",
);
const oddUnit = weighted<string>(
  [6, oddCharacter],
  [3, controlCharacter],
  [6, fc.string({ minLength: 1, maxLength: 1 })],
);

/** Strings of every kind that a database can store, up to `maxLength` units. */
export const storableString = (maxLength = 24) =>
  weighted<string>(
    [3, fc.string({ maxLength })],
    [2, fc.string({ unit: "grapheme", maxLength })],
    [1, fc.string({ unit: "binary", maxLength })],
    [3, fc.string({ unit: oddUnit, maxLength })],
  );

/** Strings of every kind, now and then with a NUL or half a surrogate pair in them. */
export const oddString = (maxLength = 24) =>
  weighted<string>(
    [30, storableString(maxLength)],
    [1, fc.tuple(storableString(maxLength), unstorable, storableString(4)).map((parts) => parts.join(""))],
  );

const padding = fc.constantFrom("", "", "", " ", "  ", "\t", "\n", " \u00a0", "\u3000", "\ufeff", "\r\n ", "\u200b");
export const padded = (arbitrary: fc.Arbitrary<string>) =>
  fc.tuple(padding, arbitrary, padding).map(([before, value, after]) => before + value + after);

/** Long strings around the limits (255, 254, 65,535), in one- and two-unit characters. */
export const boundaryString = fc
  .tuple(
    fc.constantFrom(1, 100, 253, 254, 255, 256, 300, 510, 1000, 65_534, 65_535, 65_536, 70_000),
    fc.constantFrom("a", "Z", "é", "😀", "中", " "),
    fc.constantFrom("", "x", "😀"),
  )
  .map(([length, unit, tail]) => unit.repeat(Math.max(1, Math.floor((length - tail.length) / unit.length))) + tail);

// ---- fields -------------------------------------------------------------------------------------

/** Values of the wrong GraphQL type for a String field: refused before anything runs. */
const wrongForString = fc.oneof(fc.integer(), fc.boolean(), fc.constant([]), fc.constant({ a: 1 }), fc.double());

export const nameValue = weighted<unknown>(
  [8, fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 })],
  [6, padded(oddString())],
  [2, boundaryString],
  [2, fc.constantFrom("", " ", "   ", "\t\n", "\u3000")],
  [2, fc.constant(null)],
  [1, wrongForString],
);

export const POOL_EMAILS = Array.from({ length: 16 }, (_, i) => `pool${i}@example.com`);
export const POOL_PHONES = Array.from({ length: 16 }, (_, i) => `+1212555${String(100 + i).padStart(4, "0")}`);

const label = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/);
const validEmail = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9._%+-]{1,16}$/),
    fc.string({ unit: fc.constantFrom("é", "ü", "中", "😀", "ß", "İ"), maxLength: 2 }),
    fc.array(label, { minLength: 1, maxLength: 2 }),
    fc.constantFrom("com", "org", "nl", "io", "COM", "museum", "xn--p1ai"),
    fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 8, maxLength: 8 }),
  )
  .map(([local, unicode, labels, tld, nonce]) => `${local}${unicode}.${nonce}@${labels.join(".")}.${tld}`);
const brokenEmail = fc.oneof(
  fc.constantFrom(
    "person.example.com",
    "a@b@example.com",
    "@example.com",
    "person@localhost",
    "per son@example.com",
    "person@exa mple.com",
    "person@",
    "person@.com",
    "person@example.",
    "person@example..com",
    "a\t@example.com",
    "\u00a0a@example.com",
    "",
  ),
  fc
    .tuple(fc.integer({ min: 240, max: 270 }), fc.constantFrom("a", "é", "😀"))
    .map(([length, unit]) => `${unit.repeat(Math.ceil((length - 12) / unit.length))}@example.com`),
);
export const emailValue = weighted<unknown>(
  [6, padded(validEmail)],
  [
    5,
    fc
      .tuple(fc.constantFrom(...POOL_EMAILS), fc.boolean())
      .map(([email, upper]) => (upper ? email.toUpperCase() : email)),
  ],
  [3, brokenEmail],
  [2, padded(oddString())],
  [2, fc.constant(null)],
  [1, wrongForString],
);

const digits = (length: number) => fc.stringMatching(new RegExp(`^[0-9]{${length}}$`));
/** A valid North American number in one of several area codes (US and Canada). */
const northAmericanPhone = fc
  .tuple(
    fc.constantFrom("212", "415", "907", "800", "305", "617", "808", "250", "604"),
    fc.integer({ min: 2, max: 9 }),
    digits(6),
  )
  .map(([area, first, rest]) => `+1${area}${first}${rest}`);
const validPhone = fc.oneof(
  northAmericanPhone,
  digits(8).map((rest) => `+316${rest}`),
  digits(7).map((rest) => `+3120${rest}`),
  digits(9).map((rest) => `+447${rest}`),
  digits(8).map((rest) => `+4930${rest}`),
  digits(8).map((rest) => `+8190${rest}`),
  digits(8).map((rest) => `+336${rest}`),
  digits(8).map((rest) => `+614${rest}`),
  digits(8).map((rest) => `+55119${rest}`),
  fc
    .tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 2, max: 14 }))
    .chain(([country, length]) => digits(length).map((rest) => `+${country}${rest}`)),
);
const brokenPhone = fc.constantFrom(
  "(212) 555-0199",
  "+1 212 555 0199",
  "+1-212-555-0199",
  "12125550199",
  "+1212555CALL",
  "+1212555019912345",
  "+1212555",
  "+0212555019",
  " +12125550199 ",
  "",
  "+",
  "++12125550199",
  "+１２１２５５５０１９９",
  "+١٢١٢٥٥٥٠١٩٩",
  "+12125550199\n",
  "tel:+12125550199",
  "+999123456",
  "+123456789012345",
  "+1234567890123456",
);
export const phoneValue = weighted<unknown>(
  [6, validPhone],
  [5, fc.constantFrom(...POOL_PHONES)],
  [3, brokenPhone],
  [1, padded(oddString(16))],
  [2, fc.constant(null)],
  [1, wrongForString],
);

export const timezoneValue = weighted<unknown>(
  [6, fc.constantFrom(...IANA_NAME_LIST)],
  [2, fc.constantFrom("America/New_York", "Europe/Amsterdam", "UTC", "US/Pacific", "Etc/GMT+5", "Asia/Kolkata")],
  [
    3,
    fc.constantFrom(
      "america/new_york",
      "EST-5",
      "Mars/Olympus",
      "Factory",
      "",
      "+05:00",
      " UTC",
      "UTC ",
      "Europe/Amsterdam\n",
      "GMT+1",
      "utc",
    ),
  ],
  [2, padded(oddString(20))],
  [2, fc.constant(null)],
  [1, wrongForString],
);

/** Tag names that differ only by case or surrounding whitespace, and odd ones. */
const tagName = weighted<string>(
  [
    6,
    fc.constantFrom(
      "vip",
      "VIP",
      " vip ",
      "Vip",
      "vip\t",
      "seed",
      "lead",
      "Lead",
      " lead",
      "émigré",
      "Émigré",
      "😀",
      "zeta",
      "Alpha",
      "beta",
      "a b",
      "a  b",
    ),
  ],
  [4, padded(oddString(16))],
  [1, boundaryString.filter((value) => value.length < 2000)],
  [1, fc.constantFrom("", " ", "\n\t")],
);
/** 95 to 110 distinct plain names: the 100-tag limit. */
const manyTags = fc.integer({ min: 95, max: 110 }).map((count) => Array.from({ length: count }, (_, i) => `bulk-${i}`));
export const tagsValue = weighted<unknown>(
  [10, fc.array(tagName, { maxLength: 8 })],
  [1, manyTags],
  [1, fc.constant([])],
  [1, tagName],
  [1, fc.constant(null)],
  [1, fc.oneof(fc.constant(["ok", null]), fc.constant([1, 2]), fc.integer(), fc.constant({ name: "x" }))],
);

const nestedJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.jsonValue({ maxDepth: 3 }),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), tie("value"), { maxKeys: 3 }),
  ),
})).value;
/** Nested deeper than the input guard's limit. */
const deepJson = fc.tuple(fc.integer({ min: 33, max: 60 }), fc.boolean()).map(([depth, asArray]) => {
  let value: unknown = "leaf";
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
});
export const customValue = weighted<unknown>(
  [5, oddString()],
  [1, boundaryString],
  [2, fc.integer()],
  [
    2,
    fc.constantFrom(
      0,
      -0,
      1,
      -1,
      250,
      2.5,
      1e21,
      1e-7,
      5e-324,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER + 2,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      0.1 + 0.2,
    ),
  ],
  [2, fc.double()],
  [2, fc.boolean()],
  [2, fc.constant(null)],
  [2, nestedJson],
  [1, deepJson],
);

/** Customs keyed by the world's variable names (exactly, or nearly), and unknown ones. */
export const customFieldsValue = (definedNames: string[]) => {
  const key = weighted<string>(
    [8, fc.constantFrom(...definedNames)],
    [2, fc.constantFrom(...definedNames).map((name) => name.toLowerCase())],
    [1, fc.constantFrom(...definedNames).map((name) => ` ${name}`)],
    [2, oddString(12)],
    [1, fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "")],
  );
  return weighted<unknown>(
    [10, fc.dictionary(key, customValue, { maxKeys: 5 })],
    [1, fc.constant({})],
    [1, fc.constant(null)],
    [1, fc.oneof(fc.constant([1, 2]), fc.constant("text"), fc.integer(), fc.boolean())],
  );
};

/** Now and then a field the input type does not have: refused before anything runs. */
export const unknownField = (names: string[]) =>
  weighted<Record<string, unknown>>(
    [30, fc.constant({})],
    [1, fc.constantFrom(...names).map((name) => ({ [name]: "x" }))],
  );

/** A workspaceId choice, resolved against the world when the case runs. */
export type WorkspaceChoice =
  | "omit"
  | "null"
  | "main"
  | "second"
  | "sibling"
  | "stranger"
  | "random"
  | "main-upper"
  | "malformed"
  | "padded"
  | "int";
export const workspaceIdChoice = weighted<WorkspaceChoice>(
  [10, fc.constant("omit")],
  [2, fc.constant("null")],
  [6, fc.constant("main")],
  [2, fc.constant("second")],
  [1, fc.constant("sibling")],
  [1, fc.constant("stranger")],
  [1, fc.constant("random")],
  [1, fc.constant("main-upper")],
  [1, fc.constant("malformed")],
  [1, fc.constant("padded")],
  [1, fc.constant("int")],
);

/** Which API key calls: the main workspace's, the second workspace's, or the account's. */
export type KeyChoice = "main" | "second" | "account";
export const keyChoice = weighted<KeyChoice>(
  [6, fc.constant("main")],
  [2, fc.constant("second")],
  [3, fc.constant("account")],
);

// ---- mostly valid fields: the paths to a success, still with odd Unicode, padding and edges ------

const cleanName = weighted<unknown>(
  [8, fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 })],
  [5, padded(storableString())],
  [1, fc.constantFrom(200, 254, 255).map((length) => ` ${"n".repeat(length)}\t`)],
  [1, fc.constant(null)],
);
const cleanEmail = weighted<unknown>(
  [6, padded(validEmail)],
  [
    3,
    fc
      .tuple(fc.constantFrom(...POOL_EMAILS), fc.boolean())
      .map(([email, upper]) => (upper ? email.toUpperCase() : email)),
  ],
  [1, fc.constant(null)],
);
const knownPhone = fc.oneof(
  northAmericanPhone,
  digits(8).map((rest) => `+316${rest}`),
  digits(9).map((rest) => `+447${rest}`),
  digits(8).map((rest) => `+4930${rest}`),
  digits(8).map((rest) => `+336${rest}`),
  digits(8).map((rest) => `+614${rest}`),
);
const cleanPhone = weighted<unknown>([8, knownPhone], [3, fc.constantFrom(...POOL_PHONES)], [1, fc.constant(null)]);
const cleanTimezone = weighted<unknown>([6, fc.constantFrom(...IANA_NAME_LIST)], [1, fc.constant(null)]);
const cleanTagName = weighted<string>([3, tagName], [2, padded(storableString(16))]).filter(
  (name) => name.trim() !== "" && name.trim().length <= 255,
);
const cleanTags = weighted<unknown>(
  [8, fc.array(cleanTagName, { maxLength: 8 })],
  [1, fc.constant([])],
  [1, cleanTagName],
);
const cleanCustomValue = weighted<unknown>(
  [5, storableString()],
  [2, fc.integer()],
  [2, fc.constantFrom(0, -0, 2.5, 1e21, 5e-324, Number.MAX_SAFE_INTEGER + 2, Number.MAX_VALUE, 0.1 + 0.2)],
  [1, fc.double({ noNaN: true, noDefaultInfinity: true })],
  [2, fc.boolean()],
  [1, fc.constant(null)],
);

export interface VariableNames {
  main: string[];
  second: string[];
  all: string[];
}

const UNKNOWN_FIELDS = {
  create: ["removeTags", "preserveExisting", "score", "Lead Source", "id"],
  upsert: ["removeTags", "score", "id"],
  update: ["workspaceId", "preserveExisting", "score"],
};

/** update: a contact made for the case, one made before, a deleted one, or an id that names none. */
export type Target = { kind: "known"; index: number } | { kind: "fresh" | "deleted" | "random" | "malformed" };

/**
 * A whole case for one mutation: who calls, where, what (and for an update, which contact). Three
 * in five are "clean" (every value of the right kind, odd as it may be: most succeed, or conflict),
 * two in five are anything at all.
 */
export function contactCase(mutation: "create" | "upsert" | "update", names: VariableNames) {
  const known = fc.nat().map((index) => ({ kind: "known" as const, index }));
  const fresh = fc.constant({ kind: "fresh" as const });
  const target = weighted<Target>(
    [6, known],
    [6, fresh],
    [1, fc.constant({ kind: "deleted" as const })],
    [1, fc.constant({ kind: "random" as const })],
    [1, fc.constant({ kind: "malformed" as const })],
  );
  const anyFields = {
    firstName: nameValue,
    lastName: nameValue,
    email: emailValue,
    phone: phoneValue,
    timezone: timezoneValue,
    tags: tagsValue,
    customFields: customFieldsValue(names.all),
    ...(mutation === "upsert"
      ? {
          preserveExisting: weighted<unknown>(
            [6, fc.boolean()],
            [1, fc.constant(null)],
            [1, fc.constantFrom("true", 1)],
          ),
        }
      : {}),
    ...(mutation === "update" ? { removeTags: tagsValue } : {}),
  };
  const anything = fc
    .record({
      key: keyChoice,
      workspaceId: workspaceIdChoice,
      input: fc.record(anyFields, { requiredKeys: [] }),
      extra: unknownField(UNKNOWN_FIELDS[mutation]),
      target,
    })
    .map(({ extra, input, ...rest }) => ({ ...rest, input: { ...input, ...extra } as Record<string, unknown> }));

  const cleanFields = (variables: string[]) => ({
    firstName: cleanName,
    lastName: cleanName,
    email: cleanEmail,
    phone: cleanPhone,
    timezone: cleanTimezone,
    tags: cleanTags,
    customFields: fc.dictionary(fc.constantFrom(...variables), cleanCustomValue, { maxKeys: 4 }),
    ...(mutation === "upsert" ? { preserveExisting: fc.boolean() } : {}),
    ...(mutation === "update" ? { removeTags: cleanTags } : {}),
  });
  const clean = (key: KeyChoice, workspaces: WorkspaceChoice[], variables: string[]) =>
    fc.record({
      key: fc.constant(key),
      workspaceId: fc.constantFrom(...workspaces),
      input: fc.record(cleanFields(variables), { requiredKeys: [] }),
      target: mutation === "update" ? weighted<Target>([1, known], [1, fresh]) : target,
    });
  const cleanCase = fc.oneof(
    { weight: 4, arbitrary: clean("main", ["omit", "null", "main", "main-upper"], names.main) },
    { weight: 1, arbitrary: clean("second", ["omit", "second"], names.second) },
    { weight: 2, arbitrary: clean("account", ["main", "main-upper"], names.main) },
  );
  return fc.oneof({ weight: 3, arbitrary: cleanCase }, { weight: 2, arbitrary: anything });
}

export { fc };
