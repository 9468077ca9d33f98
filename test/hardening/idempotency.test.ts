import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import type { DocumentNode } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimIdempotencyKey, purgeExpiredIdempotencyKeys } from "../../src/server/plugins/idempotency-store.js";
import { createContact } from "../support/contact-helpers.js";
import { CreateContactDocument, ImportContactsDocument, UpsertContactDocument } from "../support/generated/graphql.js";
import { graphQLResponse, textOf } from "../support/graphql-response.js";
import {
  CREATE_CONTACT,
  countRows,
  expectTypename,
  type GraphQLBody,
  startTestApp,
  type TestApp,
} from "../support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

/** A response as sent, its text kept for byte-for-byte comparison, and its body parsed. */
interface Sent<Data> {
  status: number;
  text: string;
  body: GraphQLBody<Data>;
}

/** The data of a sent response; the test fails, naming the errors, when it has none. */
function dataOf<Data>(sent: Sent<Data>): Data {
  return graphQLResponse(sent.status, new Headers(), sent.body).data;
}

/** The data a raw operation below asks for: the created contact's `__typename`. */
type CreatedTypename = { createContact: { __typename: string } };

/** Posts one operation with an API key and, unless null, an Idempotency-Key. */
async function send<Data, Variables>(
  key: string,
  idempotencyKey: string | null,
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables,
): Promise<Sent<Data>>;
async function send<Data = unknown>(
  key: string,
  idempotencyKey: string | null,
  query: string,
  variables: Record<string, unknown>,
): Promise<Sent<Data>>;
async function send(key: string, idempotencyKey: string | null, document: string | DocumentNode, variables: unknown) {
  const response = await app.yoga.fetch("http://test/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${key}`,
      ...(idempotencyKey === null ? {} : { "idempotency-key": idempotencyKey }),
    },
    body: JSON.stringify({ query: textOf(document), variables }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) };
}

describe("Idempotency-Key", () => {
  it("replays the first response byte for byte to a retry with the same input, writing once", async () => {
    const input = { input: { email: "idem@example.com", tags: ["once"] } };
    const first = await send(app.tenant.workspaceKey, "key-1", CreateContactDocument, input);
    expectTypename(dataOf(first).createContact, "CreateContactSuccess");
    const before = await countRows(app);
    const retry = await send(app.tenant.workspaceKey, "key-1", CreateContactDocument, input);
    expect(retry).toEqual(first);
    expect(await countRows(app)).toEqual(before);
  });

  it("replays a typed error too", async () => {
    const input = { input: { email: "not-an-email" } };
    const first = await send(app.tenant.workspaceKey, "key-typed-error", CreateContactDocument, input);
    expectTypename(dataOf(first).createContact, "ValidationError");
    expect(await send(app.tenant.workspaceKey, "key-typed-error", CreateContactDocument, input)).toEqual(first);
  });

  it("refuses the same key with another input (422 IDEMPOTENCY_KEY_REUSED), writing nothing", async () => {
    await send(app.tenant.workspaceKey, "key-2", CreateContactDocument, { input: { email: "a2@example.com" } });
    const before = await countRows(app);
    const other = await send(app.tenant.workspaceKey, "key-2", CreateContactDocument, {
      input: { email: "b2@example.com" },
    });
    expect(other.status).toBe(422);
    expect(other.body.errors?.[0]?.extensions?.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await countRows(app)).toEqual(before);
  });

  it("refuses a retry while the first is still running (409 IDEMPOTENCY_KEY_IN_USE)", async () => {
    const apiKey = await app.db.prisma.apiKey.findFirstOrThrow({ where: { workspaceId: app.tenant.workspaceId } });
    const variables = { input: { email: "running@example.com" } };
    const { createHash } = await import("node:crypto");
    const stableStringify = (await import("fast-json-stable-stringify")).default;
    const hash = createHash("sha256")
      .update(stableStringify({ query: CREATE_CONTACT, variables }))
      .digest("hex");
    // The first request has claimed the key and not finished.
    expect(await claimIdempotencyKey(app.db.prisma, apiKey.id, "key-running", hash)).toEqual({ kind: "claimed" });
    const retry = await send(app.tenant.workspaceKey, "key-running", CreateContactDocument, variables);
    expect(retry.status).toBe(409);
    expect(retry.body.errors?.[0]?.extensions?.code).toBe("IDEMPOTENCY_KEY_IN_USE");
    expect(await app.db.prisma.contact.count({ where: { email: "running@example.com" } })).toBe(0);
  });

  it("is scoped to the API key: another key may use the same Idempotency-Key", async () => {
    const input = { input: { email: "scoped@example.com" } };
    const mine = await send(app.tenant.workspaceKey, "shared-key", CreateContactDocument, input);
    const theirs = await send(app.stranger.workspaceKey, "shared-key", CreateContactDocument, input);
    const myContact = expectTypename(dataOf(mine).createContact, "CreateContactSuccess").contact;
    const theirContact = expectTypename(dataOf(theirs).createContact, "CreateContactSuccess").contact;
    expect(theirContact.id).not.toBe(myContact.id);
  });

  it("works for upsertContact", async () => {
    const input = { input: { phone: "+12125550888", firstName: "Una" } };
    const first = await send(app.tenant.workspaceKey, "upsert-key", UpsertContactDocument, input);
    expect(expectTypename(dataOf(first).upsertContact, "UpsertContactSuccess").created).toBe(true);
    expect(await send(app.tenant.workspaceKey, "upsert-key", UpsertContactDocument, input)).toEqual(first);
    // Without the header, the same upsert is simply an update.
    const plain = await send(app.tenant.workspaceKey, null, UpsertContactDocument, input);
    expect(expectTypename(dataOf(plain).upsertContact, "UpsertContactSuccess").created).toBe(false);
  });

  it("works for importContacts: a retried batch replays its result and writes nothing twice", async () => {
    const input = {
      input: {
        mode: "CREATE" as const,
        contacts: [
          { email: "batch-a@example.com", tags: ["batch"] },
          { email: "not-an-email" },
          { email: "batch-b@example.com", tags: ["batch"] },
        ],
      },
    };
    const first = await send(app.tenant.workspaceKey, "import-key", ImportContactsDocument, input);
    expect(expectTypename(dataOf(first).importContacts, "ImportContactsSuccess")).toMatchObject({
      createdCount: 2,
      failedCount: 1,
    });
    const before = await countRows(app);
    expect(await send(app.tenant.workspaceKey, "import-key", ImportContactsDocument, input)).toEqual(first);
    expect(await countRows(app)).toEqual(before);
    // Without the header, the same batch is a new one: its rows now collide with the first's.
    const plain = await send(app.tenant.workspaceKey, null, ImportContactsDocument, input);
    expect(expectTypename(dataOf(plain).importContacts, "ImportContactsSuccess")).toMatchObject({
      createdCount: 0,
      failedCount: 3,
    });
  });

  it("refuses an empty or over-long key (400)", async () => {
    const tooLong = await send(app.tenant.workspaceKey, "k".repeat(256), CreateContactDocument, { input: {} });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors?.[0]?.extensions?.code).toBe("IDEMPOTENCY_KEY_INVALID");
    const empty = await send(app.tenant.workspaceKey, "", CreateContactDocument, { input: {} });
    expect(empty.status).toBe(400);
    const longest = await send(app.tenant.workspaceKey, "k".repeat(255), CreateContactDocument, { input: {} });
    expect(longest.status).toBe(200);
  });

  it("covers a mutation inside a fragment spread, an inline fragment or @include: one write, then replays", async () => {
    const operations = [
      `mutation { ...M } fragment M on Mutation { createContact(input: { firstName: "Spread" }) { __typename } }`,
      `mutation { ... on Mutation { createContact(input: { firstName: "Inline" }) { __typename } } }`,
      `mutation($on: Boolean = true) { createContact(input: { firstName: "Included" }) @include(if: $on) { __typename } }`,
    ];
    for (const [i, operation] of operations.entries()) {
      const before = await app.db.prisma.contact.count();
      const first = await send<CreatedTypename>(app.tenant.workspaceKey, `fragment-key-${i}`, operation, {});
      expect(dataOf(first).createContact.__typename).toBe("CreateContactSuccess");
      expect(await send(app.tenant.workspaceKey, `fragment-key-${i}`, operation, {})).toEqual(first);
      expect(await app.db.prisma.contact.count()).toBe(before + 1);
    }
  });

  it("refuses one key for several mutation fields (400 IDEMPOTENCY_KEY_MULTIPLE_FIELDS), running none", async () => {
    const { id } = await createContact(app, { firstName: "Kept" });
    const operations = [
      `mutation { a: createContact(input: { firstName: "A" }) { __typename } b: createContact(input: { firstName: "B" }) { __typename } }`,
      `mutation { ...M b: upsertContact(input: { email: "multi@example.com" }) { __typename } }
       fragment M on Mutation { a: createContact(input: { firstName: "A" }) { __typename } }`,
      `mutation { createContact(input: { firstName: "A" }) { __typename } deleteContact(id: "${id}") { __typename } }`,
    ];
    for (const [i, operation] of operations.entries()) {
      const before = await countRows(app);
      const refused = await send(app.tenant.workspaceKey, `multi-key-${i}`, operation, {});
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe("IDEMPOTENCY_KEY_MULTIPLE_FIELDS");
      expect(await countRows(app)).toEqual(before);
    }
    expect(await app.db.prisma.contact.count({ where: { id, deletedAt: null } })).toBe(1);
    expect(await app.db.prisma.idempotencyKey.count({ where: { key: { startsWith: "multi-key-" } } })).toBe(0);
    // __typename beside the one field is no second field.
    const alone = `mutation { __typename createContact(input: { firstName: "Alone" }) { __typename } }`;
    expect((await send(app.tenant.workspaceKey, "multi-key-alone", alone, {})).status).toBe(200);
  });

  it("expires after 24 hours: expired keys are purged, and an expired key can be used again", async () => {
    const input = { input: { email: "expiring@example.com" } };
    await send(app.tenant.workspaceKey, "old-key", CreateContactDocument, input);
    await app.db.prisma.idempotencyKey.updateMany({
      where: { key: "old-key" },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const reused = await send(app.tenant.workspaceKey, "old-key", CreateContactDocument, {
      input: { email: "fresh@example.com" },
    });
    expectTypename(dataOf(reused).createContact, "CreateContactSuccess");
    const stored = await app.db.prisma.idempotencyKey.findFirstOrThrow({ where: { key: "old-key" } });
    expect(stored.expiresAt.getTime() - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
    await app.db.prisma.idempotencyKey.updateMany({
      where: { key: "old-key" },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await purgeExpiredIdempotencyKeys(app.db.prisma)).toBe(1);
    expect(await app.db.prisma.idempotencyKey.count({ where: { key: "old-key" } })).toBe(0);
  });
});
