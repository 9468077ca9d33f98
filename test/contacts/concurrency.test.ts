import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CreateContactDocument,
  type CreateContactInput,
  ImportContactsDocument,
  type ImportContactsInput,
} from "../support/generated/graphql.js";
import { expectTypename, startTestApp, type TestApp } from "../support/test-app.js";

// Meaningful on PostgreSQL, where these requests really overlap; PGlite serializes them, and the
// same assertions must hold there too.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const CONCURRENT_REQUESTS = 24;

function createAll(inputs: CreateContactInput[]) {
  return Promise.all(
    inputs.map(async (input) => {
      const response = await app.graphql(app.tenant.workspaceKey, CreateContactDocument, { input });
      expect(response.status).toBe(200);
      expect(response.errors).toBeUndefined();
      return response.data.createContact;
    }),
  );
}

describe("simultaneous creates", () => {
  it("with one email: exactly one succeeds, every other gets a ConflictError naming it", async () => {
    const results = await createAll(
      Array.from({ length: CONCURRENT_REQUESTS }, (_, i) => ({ email: "race@example.com", tags: [`race-${i}`] })),
    );
    const winners = results.filter((result) => result.__typename === "CreateContactSuccess");
    expect(winners).toHaveLength(1);
    const winnerId = expectTypename(winners[0], "CreateContactSuccess").contact.id;
    for (const loser of results.filter((result) => result.__typename !== "CreateContactSuccess")) {
      expect(loser).toMatchObject({
        __typename: "ConflictError",
        conflicts: [{ field: "EMAIL", existingContactId: winnerId }],
      });
    }
    expect(await app.db.prisma.contact.count({ where: { email: "race@example.com" } })).toBe(1);
    // The losers' tags were rolled back with them.
    expect(await app.db.prisma.tag.count({ where: { name: { startsWith: "race-" } } })).toBe(1);
  });

  it("with one phone: exactly one succeeds", async () => {
    const results = await createAll(Array.from({ length: CONCURRENT_REQUESTS }, () => ({ phone: "+12125550142" })));
    expect(results.filter((result) => result.__typename === "CreateContactSuccess")).toHaveLength(1);
    expect(results.filter((result) => result.__typename === "ConflictError")).toHaveLength(CONCURRENT_REQUESTS - 1);
  });

  it("sharing new tag names: every create succeeds and each tag exists once", async () => {
    const results = await createAll(
      Array.from({ length: CONCURRENT_REQUESTS }, (_, i) => ({
        email: `tagger${i}@example.com`,
        tags: ["fresh-a", "fresh-b", `own-${i}`],
      })),
    );
    expect(results.every((result) => result.__typename === "CreateContactSuccess")).toBe(true);
    const tagIds = new Set(results.map((result) => expectTypename(result, "CreateContactSuccess").contact.tags[0]?.id));
    expect(tagIds.has(undefined)).toBe(false);
    expect(tagIds.size).toBe(1);
    expect(await app.db.prisma.tag.count({ where: { name: { in: ["fresh-a", "fresh-b"] } } })).toBe(2);
    expect(await app.db.prisma.contactTag.count({ where: { tag: { name: "fresh-a" } } })).toBe(CONCURRENT_REQUESTS);
  });

  it("round after round, each adding one brand-new tag they share: never an internal error", async () => {
    // A tag is unique by its name and by its id; a racing twin committed in between must be skipped, not fail.
    for (let round = 0; round < 30; round++) {
      const results = await createAll(
        Array.from({ length: 8 }, (_, i) => ({ email: `round${round}-${i}@example.com`, tags: [`round-${round}`] })),
      );
      expect(results.map((result) => result.__typename)).toEqual(Array(8).fill("CreateContactSuccess"));
    }
    expect(await app.db.prisma.tag.count({ where: { name: { startsWith: "round-" } } })).toBe(30);
  });
});

describe("simultaneous imports", () => {
  const importAll = (batches: ImportContactsInput[]) =>
    Promise.all(
      batches.map(async (input) => {
        const response = await app.graphql(app.tenant.workspaceKey, ImportContactsDocument, { input });
        expect(response.status).toBe(200);
        expect(response.errors).toBeUndefined();
        return expectTypename(response.data.importContacts, "ImportContactsSuccess");
      }),
    );
  // Each batch takes the shared rows in its own order, so that the racers' inserts cross.
  const shuffled = <T>(items: T[], seed: number) =>
    items
      .map((item, i) => ({ item, key: (i * 7919 + seed * 104729) % 1009 }))
      .sort((a, b) => a.key - b.key)
      .map((x) => x.item);
  const shared = (prefix: string, area: string) =>
    Array.from({ length: 60 }, (_, i) => ({
      email: `${prefix}${i}@example.com`,
      phone: `+1${area}555${2000 + i}`,
      tags: [`${prefix}-tag`],
    }));

  it("in CREATE mode, racing on the same new emails and phones: one contact per value, the rest conflicts", async () => {
    const rows = shared("import-race", "415");
    const results = await importAll(
      Array.from({ length: 6 }, (_, seed) => ({ mode: "CREATE", contacts: shuffled(rows, seed) })),
    );
    const created = results.reduce((sum, result) => sum + result.createdCount, 0);
    expect(created).toBe(rows.length);
    for (const result of results) {
      for (const { outcome } of result.results)
        expect(["ImportRowSuccess", "ConflictError"]).toContain(outcome.__typename);
    }
    const stored = await app.db.prisma.contact.count({ where: { email: { startsWith: "import-race" } } });
    expect(stored).toBe(rows.length);
  });

  it("in UPSERT mode, racing with each other and with single creates: one contact per value, never a conflict with a twin", async () => {
    const rows = shared("upsert-race", "212");
    const [results] = await Promise.all([
      importAll(Array.from({ length: 4 }, (_, seed) => ({ mode: "UPSERT", contacts: shuffled(rows, seed) }))),
      createAll(rows.slice(0, 20).map((row) => ({ email: row.email }))).catch(() => []),
    ]);
    for (const result of results) {
      expect(result.failedCount).toBe(0);
      expect(result.createdCount + result.updatedCount).toBe(rows.length);
    }
    expect(await app.db.prisma.contact.count({ where: { email: { startsWith: "upsert-race" } } })).toBe(rows.length);
    // Every racer's rows reached one contact per email, with the tag.
    expect(await app.db.prisma.contactTag.count({ where: { tag: { name: "upsert-race-tag" } } })).toBe(rows.length);
  });
});
