import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace } from "../../src/access/accounts.js";
import { type ImportMode, type ImportRow, importBesideSingles } from "../support/import-oracle.js";
import { startTestApp, type TestApp, unchecked } from "../support/test-app.js";
import {
  customFieldsValue,
  emailValue,
  FUZZ_RUNS,
  FUZZ_SEED,
  fc,
  nameValue,
  POOL_EMAILS,
  POOL_PHONES,
  phoneValue,
  tagsValue,
  timezoneValue,
} from "./arbitraries.js";
import { guardRefuses } from "./oracle.js";

// Property-based: importContacts with generated batches, valid and invalid rows, drawing emails and
// phones from a small pool so rows collide with each other and with contacts made before. Each
// batch goes into a new workspace and its rows, one by one, as single mutations into a twin: every
// row must answer as its single mutation did (the single mutations are checked against the spec by
// the other fuzz tests), and both workspaces must end up holding the same contacts, tags and values,
// so a failed row left nothing behind.

const VARIABLES = ["Lead Source", "Score", "Tier"];
/** A batch case is a workspace pair and about a dozen requests: a tenth of the single-mutation runs. */
const RUNS = Math.max(50, Math.round(FUZZ_RUNS / 10));

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 3 });
const pooled = (pool: string[], other: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pool) }, { weight: 2, arbitrary: other });

/**
 * A row whose fields have the input type's types, so GraphQL takes the batch: a row the schema's
 * types or the input guard refuse would refuse the whole request (the single-mutation fuzz tests' part).
 */
const row: fc.Arbitrary<ImportRow> = fc
  .record(
    {
      firstName: nameValue,
      lastName: nameValue,
      email: pooled(POOL_EMAILS.slice(0, 6), emailValue),
      phone: pooled(POOL_PHONES.slice(0, 6), phoneValue),
      timezone: timezoneValue,
      tags: tagsValue,
      customFields: customFieldsValue(VARIABLES),
    },
    { requiredKeys: [] },
  )
  // A row sits at variables.input.contacts[i], three levels down, where the guard counts its depth from.
  .filter((fields) => isTypeable(fields) && !guardRefuses(fields, 3))
  .map((fields): ImportRow => unchecked(fields));

function isTypeable(fields: Record<string, unknown>): boolean {
  const text = (value: unknown) => value === undefined || value === null || typeof value === "string";
  const { tags, customFields, ...strings } = fields;
  return (
    Object.values(strings).every(text) &&
    (tags === undefined || tags === null || (Array.isArray(tags) && tags.every((tag) => typeof tag === "string"))) &&
    (customFields === undefined ||
      customFields === null ||
      (typeof customFields === "object" && !Array.isArray(customFields)))
  );
}

/** A row that mostly passes every rule, so batches also create, update and collide. */
const cleanRow: fc.Arbitrary<ImportRow> = fc.record(
  {
    firstName: fc.constantFrom("Ada", " Grace ", "Lin"),
    email: fc.constantFrom(...POOL_EMAILS.slice(0, 6), "POOL1@EXAMPLE.COM"),
    phone: fc.constantFrom(...POOL_PHONES.slice(0, 6)),
    timezone: fc.constantFrom("Europe/Amsterdam", "America/New_York", null),
    tags: fc.subarray(["lead", "Lead", "vip", " vip "]),
    customFields: fc.subarray(["Score", "Tier"]).map((names) => Object.fromEntries(names.map((name) => [name, name]))),
  },
  { requiredKeys: [] },
);

const batchCase = fc.record({
  mode: fc.constantFrom<ImportMode>("CREATE", "UPSERT"),
  preserveExisting: maybe(fc.boolean()),
  // Contacts made before the batch, the n-th holding pool email n, pool phone n or both: they never collide.
  existing: fc
    .uniqueArray(fc.tuple(fc.nat(5), fc.constantFrom("email", "phone", "both"), fc.boolean()), {
      maxLength: 3,
      selector: ([n]) => n,
    })
    .map((made) =>
      made.map(
        ([n, holds, extras]): ImportRow => ({
          email: holds === "phone" ? undefined : POOL_EMAILS[n],
          phone: holds === "email" ? undefined : POOL_PHONES[n],
          ...(extras ? { firstName: "Held", tags: ["before"], customFields: { Score: "1" } } : {}),
        }),
      ),
    ),
  rows: fc.array(fc.oneof({ weight: 2, arbitrary: cleanRow }, { weight: 1, arbitrary: row }), {
    minLength: 1,
    maxLength: 8,
  }),
});

/** What a workspace holds: its live contacts (as comparable text, sorted), its tags, its link and value counts. */
async function holdings(workspaceId: string) {
  const prisma = app.db.prisma;
  const contacts = await prisma.contact.findMany({
    where: { workspaceId },
    select: {
      firstName: true,
      lastName: true,
      email: true,
      phone: true,
      timezone: true,
      deletedAt: true,
      tags: { select: { tag: { select: { name: true } } } },
      customValues: { select: { value: true, customVariable: { select: { name: true } } } },
    },
  });
  const described = contacts
    .map((contact) =>
      JSON.stringify({
        ...contact,
        tags: contact.tags.map((link) => link.tag.name).sort(),
        customValues: contact.customValues.map((value) => [value.customVariable.name, value.value]).sort(),
      }),
    )
    .sort();
  const tags = (await prisma.tag.findMany({ where: { workspaceId }, select: { name: true } }))
    .map((tag) => tag.name)
    .sort();
  return { contacts: described, tags };
}

let sequence = 0;
async function workspacePair() {
  const pair: string[] = [];
  for (const side of ["batch", "singles"]) {
    sequence += 1;
    const { workspaceId } = await createWorkspace(app.db.prisma, {
      accountId: app.tenant.accountId,
      name: `Import fuzz ${sequence} ${side}`,
      defaultTimezone: null,
    });
    for (const name of VARIABLES) await app.defineCustomVariable(workspaceId, name);
    pair.push(workspaceId);
  }
  return pair as [string, string];
}

describe("importContacts, fuzzed", () => {
  it(`answers ${RUNS} generated batches row by row as the single mutations do`, {
    timeout: 120_000 + RUNS * 1500,
  }, async () => {
    const started = Date.now();
    const kinds: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(batchCase, async ({ mode, preserveExisting, existing, rows }) => {
        const [batchSide, singleSide] = await workspacePair();
        const { batchAnswers, singleAnswers, counts } = await importBesideSingles({
          app,
          key: app.tenant.accountKey,
          batchSide,
          singleSide,
          mode,
          preserveExisting: mode === "UPSERT" ? preserveExisting : undefined,
          existing,
          rows,
        });
        expect(batchAnswers).toEqual(singleAnswers);
        const kindsOf = batchAnswers.map((answer) => String(answer.kind));
        expect(counts).toEqual({
          created: kindsOf.filter((kind) => kind === "created").length,
          updated: kindsOf.filter((kind) => kind === "updated").length,
          failed: kindsOf.filter((kind) => kind !== "created" && kind !== "updated").length,
        });
        expect(await holdings(batchSide)).toEqual(await holdings(singleSide));
        for (const kind of kindsOf) kinds[kind] = (kinds[kind] ?? 0) + 1;
      }),
      { numRuns: RUNS, seed: FUZZ_SEED, endOnFailure: !process.env.FUZZ_SHRINK },
    );
    console.info(`importContacts: ${RUNS} batches in ${Date.now() - started} ms: ${JSON.stringify(kinds)}`);
    // The generators reach every kind of row answer.
    expect(Object.keys(kinds).sort()).toEqual(["ConflictError", "ValidationError", "created", "updated"]);
  });
});
