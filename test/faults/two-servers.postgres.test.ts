import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createWorkspace } from "../../src/access/accounts.js";
import { CreateContactDocument, UpsertContactDocument } from "../support/generated/graphql.js";
import { postGraphQL, type ServerProcess, startServerProcess } from "../support/server-process.js";
import { expectTypename } from "../support/test-app.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";

// Two server processes on one PostgreSQL database, as two replicas behind a load balancer: the
// races the spec settles with the database's partial unique indexes must settle the same way when
// the racers are in different processes, with different connection pools.

const RACERS = 50;

let db: TestDatabase;
let servers: ServerProcess[] = [];
let key: string;

beforeAll(async () => {
  db = await openTestDatabase();
  const account = await createAccount(db.prisma, { name: "Replicas" });
  key = (await createWorkspace(db.prisma, { accountId: account.accountId, name: "Shared" })).apiKey;
  servers = await Promise.all(
    [1, 2].map(() => startServerProcess({ DATABASE_URL: db.url as string, DATABASE_POOL_SIZE: "10" })),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await db?.close();
});

/** Sends the operations all at once, alternating between the two servers; their data, in order. */
async function race<Data, Input>(
  document: TypedDocumentNode<Data, { input: Input }>,
  inputs: Input[],
): Promise<Data[]> {
  const answers = await Promise.all(
    inputs.map((input, i) => postGraphQL((servers[i % 2] as ServerProcess).url, key, document, { input }, 60_000)),
  );
  for (const answer of answers) {
    // No internal error, no unavailable database, no masked error: a typed result, every time.
    expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
    expect(answer.status).toBe(200);
  }
  return answers.map((answer) => answer.data);
}

function expectNoErrorLogged() {
  for (const server of servers) {
    const errors = server.logs().filter((entry) => Number(entry.level) >= 50);
    expect(errors).toEqual([]);
    expect(server.stderr()).not.toMatch(/Unexpected error|Error:/);
  }
}

describe("two server processes on one database", { timeout: 120_000 }, () => {
  it(`${RACERS} creates with one email, split across both: one contact and ${RACERS - 1} ConflictErrors`, async () => {
    const results = (
      await race(
        CreateContactDocument,
        Array.from({ length: RACERS }, (_, i) => ({ email: i % 3 === 0 ? "Race@Example.com" : "race@example.com" })),
      )
    ).map((data) => data.createContact);
    const winners = results.flatMap((result) => (result.__typename === "CreateContactSuccess" ? [result] : []));
    expect(winners).toHaveLength(1);
    const winnerId = winners[0]?.contact.id;
    const losers = results.filter((result) => result.__typename !== "CreateContactSuccess");
    expect(losers).toHaveLength(RACERS - 1);
    for (const loser of losers) {
      expect(loser).toEqual({
        __typename: "ConflictError",
        message: expect.any(String),
        conflicts: [{ field: "EMAIL", existingContactId: winnerId }],
      });
    }
    expect(await db.prisma.contact.findMany({ where: { email: "race@example.com" }, select: { id: true } })).toEqual([
      { id: winnerId },
    ]);
    expectNoErrorLogged();
  });

  for (const field of ["phone", "email"] as const) {
    it(`${RACERS} upserts with one new ${field}, split across both: one contact, every racer's tag on it`, async () => {
      const value = field === "phone" ? "+12125550177" : "upsert-race@example.com";
      const results = (
        await race(
          UpsertContactDocument,
          Array.from({ length: RACERS }, (_, i) => ({ [field]: value, tags: [`racer-${field}-${i}`] })),
        )
      ).map((data) => expectTypename(data.upsertContact, "UpsertContactSuccess"));
      expect(results.filter((result) => result.created)).toHaveLength(1);
      const ids = new Set(results.map((result) => result.contact.id));
      expect(ids.size).toBe(1);
      const stored = await db.prisma.contact.findMany({
        where: { [field]: value },
        select: { id: true, deletedAt: true, tags: { select: { tag: { select: { name: true } } } } },
      });
      expect(stored).toHaveLength(1);
      expect(stored[0]?.id).toBe([...ids][0]);
      expect(stored[0]?.deletedAt).toBeNull();
      // Tags are added by every upsert, never removed: each racer's tag is on the one contact.
      expect(stored[0]?.tags.map((link) => link.tag.name).sort()).toEqual(
        Array.from({ length: RACERS }, (_, i) => `racer-${field}-${i}`).sort(),
      );
      expectNoErrorLogged();
    });
  }
});
