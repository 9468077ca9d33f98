import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContact, deleteContact } from "../support/contact-helpers.js";
import {
  type ContactFilter,
  ContactsDocument,
  type ContactsQuery,
  type ContactsQueryVariables,
  type CreateContactInput,
} from "../support/generated/graphql.js";
import { defaultAppConfig, startTestApp, type Tenant, type TestApp } from "../support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

type Page = ContactsQuery["contacts"];

const UNKNOWN_WORKSPACE = "3f1c1d7e-0000-4000-8000-000000000000";
const EMPTY_PAGE: Page = {
  totalCount: 0,
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
  edges: [],
};

let tenantSequence = 0;
/** A fresh account (two workspaces), so that every count in a test is exact. */
function freshTenant(): Promise<Tenant> {
  tenantSequence += 1;
  return app.makeTenant(`Lister ${tenantSequence}`);
}

async function list(key: string, args: ContactsQueryVariables = {}): Promise<Page> {
  const response = await app.graphql(key, ContactsDocument, args);
  expect(response.status).toBe(200);
  expect(response.errors).toBeUndefined();
  return response.data.contacts;
}

const ids = (page: Page) => page.edges.map((edge) => edge.node.id);

const create = (key: string, input: CreateContactInput) => createContact(app, input, key);

async function setCreatedAt(contactIds: string[], at: Date) {
  for (const id of contactIds) {
    await app.db.prisma.$executeRaw`UPDATE contacts SET created_at = ${at} WHERE id = ${id}::uuid`;
  }
}

/** `count` contacts written straight into a workspace, one second apart; returns ids newest first. */
async function bulkCreate(workspaceId: string, count: number, prefix: string): Promise<string[]> {
  const base = Date.UTC(2024, 0, 1);
  await app.db.prisma.contact.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      workspaceId,
      email: `${prefix}${i}@example.com`,
      createdAt: new Date(base + i * 1000),
    })),
  });
  const rows = await app.db.prisma.contact.findMany({
    where: { workspaceId, email: { startsWith: prefix } },
    select: { id: true, email: true },
  });
  const byEmail = new Map(rows.map((row) => [row.email, row.id]));
  return Array.from({ length: count }, (_, i) => byEmail.get(`${prefix}${count - 1 - i}@example.com`) as string);
}

/** Follows endCursor from the first page to the last, checking each page's pageInfo on the way. */
async function collectAll(key: string, args: ContactsQueryVariables, pageSize: number, expectedTotal: number) {
  const collected: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 1000; pages += 1) {
    const page: Page = await list(key, { ...args, first: pageSize, after });
    expect(page.totalCount).toBe(expectedTotal);
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
    collected.push(...ids(page));
    if (!page.pageInfo.hasNextPage) {
      expect(page.edges.length).toBeLessThanOrEqual(pageSize);
      return collected;
    }
    expect(page.edges).toHaveLength(pageSize);
    after = page.pageInfo.endCursor;
  }
  throw new Error("paging did not end");
}

/** Newest first, ids descending within the same instant: the order the API promises. */
function newestFirst(contacts: { id: string; createdAt: string | Date }[]): string[] {
  return [...contacts]
    .sort((a, b) => {
      const byTime = new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime();
      return byTime || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
    })
    .map((contact) => contact.id);
}

describe("contacts: order and page size", () => {
  it("lists newest first, whatever the order of creation or of ids", async () => {
    const t = await freshTenant();
    const a = await create(t.workspaceKey, { email: "a@example.com" });
    const b = await create(t.workspaceKey, { email: "b@example.com" });
    const c = await create(t.workspaceKey, { email: "c@example.com" });
    await setCreatedAt([a.id], new Date("2024-03-02T00:00:00Z"));
    await setCreatedAt([b.id], new Date("2024-03-01T00:00:00Z"));
    await setCreatedAt([c.id], new Date("2024-03-03T00:00:00Z"));
    const page = await list(t.workspaceKey);
    expect(ids(page)).toEqual([c.id, a.id, b.id]);
    expect(page.edges.map((edge) => edge.node.createdAt)).toEqual([
      "2024-03-03T00:00:00.000Z",
      "2024-03-02T00:00:00.000Z",
      "2024-03-01T00:00:00.000Z",
    ]);
    expect(page.totalCount).toBe(3);
    expect(page.pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: page.edges[0]?.cursor,
      endCursor: page.edges[2]?.cursor,
    });
  });

  it("returns 20 contacts when first is not given", async () => {
    const t = await freshTenant();
    const expected = await bulkCreate(t.workspaceId, 25, "default-size");
    for (const args of [{}, { first: null }]) {
      const page = await list(t.workspaceKey, args);
      expect(ids(page)).toEqual(expected.slice(0, 20));
      expect(page.pageInfo.hasNextPage).toBe(true);
      expect(page.totalCount).toBe(25);
    }
  });

  it("clamps first over 100 to 100, and a negative first to an empty page", async () => {
    const t = await freshTenant();
    const expected = await bulkCreate(t.workspaceId, 105, "clamp");
    for (const first of [100, 101, 1000, 2_147_483_647]) {
      const page = await list(t.workspaceKey, { first });
      expect(ids(page)).toEqual(expected.slice(0, 100));
      expect(page.pageInfo.hasNextPage).toBe(true);
      expect(page.totalCount).toBe(105);
    }
    const rest = await list(t.workspaceKey, {
      first: 1000,
      after: (await list(t.workspaceKey, { first: 1000 })).pageInfo.endCursor,
    });
    expect(ids(rest)).toEqual(expected.slice(100));
    expect(rest.pageInfo.hasNextPage).toBe(false);
    for (const first of [-1, -100, 0]) {
      const page = await list(t.workspaceKey, { first });
      expect(page.edges).toEqual([]);
      expect(page.pageInfo.startCursor).toBeNull();
      expect(page.pageInfo.endCursor).toBeNull();
      expect(page.totalCount).toBe(105);
    }
  });

  it("returns exactly `first` contacts when fewer than 100 are asked for", async () => {
    const t = await freshTenant();
    const expected = await bulkCreate(t.workspaceId, 5, "small");
    expect(ids(await list(t.workspaceKey, { first: 1 }))).toEqual(expected.slice(0, 1));
    expect(ids(await list(t.workspaceKey, { first: 4 }))).toEqual(expected.slice(0, 4));
    const all = await list(t.workspaceKey, { first: 5 });
    expect(ids(all)).toEqual(expected);
    expect(all.pageInfo.hasNextPage).toBe(false);
  });
});

describe("contacts: pagination", () => {
  it("pages through every contact exactly once, in order, with correct pageInfo and totalCount", async () => {
    const t = await freshTenant();
    const expected = await bulkCreate(t.workspaceId, 7, "pages");
    const first = await list(t.workspaceKey, { first: 3 });
    expect(ids(first)).toEqual(expected.slice(0, 3));
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await list(t.workspaceKey, { first: 3, after: first.pageInfo.endCursor });
    expect(ids(second)).toEqual(expected.slice(3, 6));
    expect(second.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const third = await list(t.workspaceKey, { first: 3, after: second.pageInfo.endCursor });
    expect(ids(third)).toEqual(expected.slice(6));
    expect(third.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    for (const page of [first, second, third]) expect(page.totalCount).toBe(7);
    expect(await collectAll(t.workspaceKey, {}, 3, 7)).toEqual(expected);
  });

  it("has no next page when the last page is exactly full", async () => {
    const t = await freshTenant();
    const expected = await bulkCreate(t.workspaceId, 6, "exact");
    const first = await list(t.workspaceKey, { first: 3 });
    const second = await list(t.workspaceKey, { first: 3, after: first.pageInfo.endCursor });
    expect(ids(second)).toEqual(expected.slice(3));
    expect(second.pageInfo.hasNextPage).toBe(false);
    const beyond = await list(t.workspaceKey, { first: 3, after: second.pageInfo.endCursor });
    expect(beyond.edges).toEqual([]);
    expect(beyond.pageInfo.hasNextPage).toBe(false);
    expect(beyond.totalCount).toBe(6);
  });

  it("collects contacts created concurrently through the API exactly once each", async () => {
    const t = await freshTenant();
    const created = await Promise.all(
      Array.from({ length: 45 }, (_, i) => create(t.workspaceKey, { email: `burst${i}@example.com` })),
    );
    const collected = await collectAll(t.workspaceKey, {}, 7, 45);
    expect(new Set(collected).size).toBe(45);
    expect(collected).toEqual(newestFirst(created));
  });

  it("keeps each contact exactly once when several share the same createdAt, ordered by id descending", async () => {
    const t = await freshTenant();
    const created = await Promise.all(
      Array.from({ length: 9 }, (_, i) => create(t.workspaceKey, { email: `tie${i}@example.com` })),
    );
    const [newest, oldest, ...tied] = created.map((contact) => contact.id) as [string, string, ...string[]];
    await setCreatedAt([newest], new Date("2024-05-01T12:00:00.001Z"));
    await setCreatedAt(tied, new Date("2024-05-01T12:00:00.000Z"));
    await setCreatedAt([oldest], new Date("2024-05-01T11:59:59.999Z"));
    const expected = [newest, ...[...tied].sort().reverse(), oldest];
    expect(await collectAll(t.workspaceKey, {}, 2, 9)).toEqual(expected);
    expect(await collectAll(t.workspaceKey, {}, 1, 9)).toEqual(expected);
    expect(await collectAll(t.workspaceKey, {}, 4, 9)).toEqual(expected);
  });

  it("pages a filtered list with totalCount counting the matches over all pages", async () => {
    const t = await freshTenant();
    const tagged: { id: string; createdAt: string }[] = [];
    for (let i = 0; i < 8; i += 1) {
      const contact = await create(t.workspaceKey, { email: `f${i}@example.com`, tags: i % 2 === 0 ? ["even"] : [] });
      if (i % 2 === 0) tagged.push(contact);
    }
    expect(await collectAll(t.workspaceKey, { filter: { tag: "even" } }, 3, 4)).toEqual(newestFirst(tagged));
  });

  it.each([
    ["garbage", "not-a-cursor!"],
    ["base64 of something else", Buffer.from("hello world").toString("base64url")],
    [
      "a cursor-shaped array with a bad date",
      Buffer.from(JSON.stringify(["yesterday", UNKNOWN_WORKSPACE])).toString("base64url"),
    ],
    [
      "a cursor-shaped array with a bad id",
      Buffer.from(JSON.stringify(["2024-01-01T00:00:00.000Z", "42"])).toString("base64url"),
    ],
    ["a JSON object", Buffer.from(JSON.stringify({ createdAt: "2024-01-01T00:00:00.000Z" })).toString("base64url")],
    // A valid JavaScript date that PostgreSQL's timestamptz cannot hold (before 4713 BC).
    [
      "a cursor-shaped array with a date out of the database's range",
      Buffer.from(JSON.stringify(["-004714-01-01T00:00:00.000Z", UNKNOWN_WORKSPACE])).toString("base64url"),
    ],
  ])("refuses an after that is %s with BAD_USER_INPUT / INVALID_CURSOR", async (_label, after) => {
    const response = await app.graphql(app.tenant.workspaceKey, ContactsDocument, { after });
    expect(response.status).toBe(200);
    expect(response.body.data ?? null).toBeNull();
    expect(response.errors).toHaveLength(1);
    const error = response.errors?.[0];
    expect(error?.extensions?.code).toBe("BAD_USER_INPUT");
    // Where in the document: the `contacts` field on the query's second line (as graphql-js prints it).
    expect(error).toMatchObject({ path: ["contacts"], locations: [{ line: 2, column: 3 }] });
    expect(error?.extensions?.issues).toEqual([
      { path: ["after"], code: "INVALID_CURSOR", message: expect.any(String) },
    ]);
    expect(error?.message).not.toMatch(/prisma|select|stack/i);
  });
});

describe("contacts: filters", () => {
  let t: Tenant;
  const c: Record<string, string> = {};

  beforeAll(async () => {
    t = await freshTenant();
    const add = async (label: string, input: CreateContactInput) => {
      c[label] = (await create(t.workspaceKey, input)).id;
    };
    await add("ada", {
      firstName: "Ada",
      lastName: "Lovelace",
      email: "ada@example.com",
      phone: "+12125550101",
      tags: ["VIP"],
    });
    await add("grace", {
      firstName: "Grace",
      lastName: "Hopper",
      email: "grace@navy.example.org",
      phone: "+12125550102",
      tags: ["vip"],
    });
    await add("percent", { firstName: "50% off", email: "deal@example.com", tags: ["VIP", "vip"] });
    await add("lookalike", { firstName: "50X off", lastName: "underXscore", email: "other@example.com" });
    await add("underscore", { lastName: "under_score", email: "u@example.com", phone: "+31201234567" });
    await add("adaEmail", { email: "Second.ADA@Example.org" });
    await add("backslash", { firstName: "C:\\temp" });
    await add("accented", { firstName: "Émile", lastName: "Zola" });
    await add("blank", {});
  });

  const matching = async (filter: ContactFilter) => {
    const page = await list(t.workspaceKey, { filter, first: 100 });
    expect(page.totalCount).toBe(page.edges.length);
    return new Set(ids(page));
  };
  const only = (...labels: string[]) => new Set(labels.map((label) => c[label]));

  it("with no filter lists every contact of the workspace", async () => {
    expect(await matching({})).toEqual(new Set(Object.values(c)));
  });

  it("by tag, exactly and case-sensitively", async () => {
    expect(await matching({ tag: "VIP" })).toEqual(only("ada", "percent"));
    expect(await matching({ tag: "vip" })).toEqual(only("grace", "percent"));
    expect(await matching({ tag: "Vip" })).toEqual(only());
    expect(await matching({ tag: "VI" })).toEqual(only());
    expect(await matching({ tag: "no-such-tag" })).toEqual(only());
  });

  it("by email, exactly, whatever the case given", async () => {
    expect(await matching({ email: "ada@example.com" })).toEqual(only("ada"));
    expect(await matching({ email: "ADA@Example.COM" })).toEqual(only("ada"));
    expect(await matching({ email: "second.ada@example.org" })).toEqual(only("adaEmail"));
    expect(await matching({ email: "ada@example" })).toEqual(only());
    expect(await matching({ email: "example.com" })).toEqual(only());
  });

  it("by phone, exactly in E.164", async () => {
    expect(await matching({ phone: "+12125550101" })).toEqual(only("ada"));
    expect(await matching({ phone: "+31201234567" })).toEqual(only("underscore"));
    expect(await matching({ phone: "+1212555010" })).toEqual(only());
    expect(await matching({ phone: "12125550101" })).toEqual(only());
  });

  it("by search: a case-insensitive substring of first name, last name or email", async () => {
    expect(await matching({ search: "ada" })).toEqual(only("ada", "adaEmail"));
    expect(await matching({ search: "LOVE" })).toEqual(only("ada"));
    expect(await matching({ search: "hopp" })).toEqual(only("grace"));
    expect(await matching({ search: "navy.EXAMPLE" })).toEqual(only("grace"));
    expect(await matching({ search: "x off" })).toEqual(only("lookalike"));
    expect(await matching({ search: "éMILE" })).toEqual(only("accented"));
    expect(await matching({ search: "nobody-has-this" })).toEqual(only());
  });

  it("by search: % and _ are literal characters, not wildcards", async () => {
    expect(await matching({ search: "50%" })).toEqual(only("percent"));
    expect(await matching({ search: "%" })).toEqual(only("percent"));
    expect(await matching({ search: "under_score" })).toEqual(only("underscore"));
    expect(await matching({ search: "_" })).toEqual(only("underscore"));
    expect(await matching({ search: "a%e" })).toEqual(only());
    expect(await matching({ search: "\\t" })).toEqual(only("backslash"));
    expect(await matching({ search: "\\" })).toEqual(only("backslash"));
    expect(await matching({ search: "\\\\" })).toEqual(only());
  });

  it("combines filters: every condition must hold", async () => {
    expect(await matching({ tag: "VIP", search: "ada" })).toEqual(only("ada"));
    expect(await matching({ tag: "vip", search: "50" })).toEqual(only("percent"));
    expect(await matching({ tag: "vip", email: "grace@navy.example.org", phone: "+12125550102" })).toEqual(
      only("grace"),
    );
    expect(await matching({ tag: "VIP", phone: "+12125550102" })).toEqual(only());
    expect(await matching({ email: "ada@example.com", search: "hopper" })).toEqual(only());
  });

  it("returns the matching contacts with their tags and custom values", async () => {
    const page = await list(t.workspaceKey, { filter: { tag: "vip", search: "50" } });
    expect(page.edges.map((edge) => edge.node)).toEqual([
      {
        id: c.percent,
        workspaceId: t.workspaceId,
        firstName: "50% off",
        lastName: null,
        email: "deal@example.com",
        phone: null,
        createdAt: expect.any(String),
        tags: [{ name: "VIP" }, { name: "vip" }],
        customFields: [],
      },
    ]);
  });
});

describe("contacts: deleted contacts", () => {
  it("never appear and are not counted, with or without filters", async () => {
    const t = await freshTenant();
    const kept = await create(t.workspaceKey, { email: "kept@example.com", tags: ["t"] });
    const gone = await create(t.workspaceKey, { email: "gone@example.com", phone: "+12125550199", tags: ["t"] });
    await deleteContact(app, gone.id, t.workspaceKey);
    const all = await list(t.workspaceKey);
    expect(ids(all)).toEqual([kept.id]);
    expect(all.totalCount).toBe(1);
    expect(ids(await list(t.accountKey))).toEqual([kept.id]);
    expect(ids(await list(t.workspaceKey, { filter: { tag: "t" } }))).toEqual([kept.id]);
    expect(await list(t.workspaceKey, { filter: { email: "gone@example.com" } })).toEqual(EMPTY_PAGE);
    expect(await list(t.workspaceKey, { filter: { phone: "+12125550199" } })).toEqual(EMPTY_PAGE);
    expect(await list(t.workspaceKey, { filter: { search: "gone" } })).toEqual(EMPTY_PAGE);
  });
});

describe("contacts: who sees what", () => {
  let t: Tenant;
  let s: Tenant;
  const main: string[] = [];
  const other: string[] = [];
  const strangers: string[] = [];

  beforeAll(async () => {
    t = await freshTenant();
    s = await freshTenant();
    main.push((await create(t.workspaceKey, { email: "m1@example.com" })).id);
    other.push((await create(t.otherWorkspaceKey, { email: "o1@example.com" })).id);
    main.push((await create(t.workspaceKey, { email: "m2@example.com" })).id);
    strangers.push((await create(s.workspaceKey, { email: "m1@example.com" })).id);
    strangers.push((await create(s.otherWorkspaceKey, { email: "s2@example.com" })).id);
  });

  const sorted = (values: string[]) => [...values].sort();

  it("an account key lists across all its workspaces", async () => {
    const page = await list(t.accountKey);
    expect(sorted(ids(page))).toEqual(sorted([...main, ...other]));
    expect(page.totalCount).toBe(3);
    expect(new Set(page.edges.map((edge) => edge.node.workspaceId))).toEqual(
      new Set([t.workspaceId, t.otherWorkspaceId]),
    );
  });

  it("an account key narrows to the workspace it names", async () => {
    const inMain = await list(t.accountKey, { workspaceId: t.workspaceId });
    expect(sorted(ids(inMain))).toEqual(sorted(main));
    expect(inMain.totalCount).toBe(2);
    const inOther = await list(t.accountKey, { workspaceId: t.otherWorkspaceId.toUpperCase() });
    expect(ids(inOther)).toEqual(other);
    expect(inOther.totalCount).toBe(1);
  });

  it("a workspace key lists only its own workspace, named or not", async () => {
    for (const workspaceId of [undefined, t.workspaceId, t.workspaceId.toUpperCase()]) {
      const page = await list(t.workspaceKey, { workspaceId });
      expect(sorted(ids(page))).toEqual(sorted(main));
      expect(page.totalCount).toBe(2);
    }
    expect(ids(await list(t.otherWorkspaceKey))).toEqual(other);
  });

  it("another account never sees these contacts", async () => {
    const page = await list(s.accountKey);
    expect(sorted(ids(page))).toEqual(sorted(strangers));
    expect(page.totalCount).toBe(2);
    expect(await list(s.accountKey, { filter: { email: "o1@example.com" } })).toEqual(EMPTY_PAGE);
  });

  it("is an empty page for a workspace the key cannot reach, or a malformed one", async () => {
    const cases: [string, string][] = [
      [t.accountKey, s.workspaceId],
      [t.accountKey, s.otherWorkspaceId],
      [t.workspaceKey, s.workspaceId],
      [t.workspaceKey, t.otherWorkspaceId],
      [t.otherWorkspaceKey, t.workspaceId],
      [s.accountKey, t.workspaceId],
      [s.workspaceKey, t.workspaceId],
      [t.accountKey, UNKNOWN_WORKSPACE],
      [t.accountKey, "main"],
      [t.workspaceKey, "not-a-uuid"],
      [t.accountKey, ""],
    ];
    for (const [key, workspaceId] of cases) {
      expect(await list(key, { workspaceId })).toEqual(EMPTY_PAGE);
      expect(await list(key, { workspaceId, first: 100, filter: { search: "example" } })).toEqual(EMPTY_PAGE);
    }
  });
});

describe("contacts: statements per page", () => {
  it("sends the same number of SQL statements for a page of 3 and a page of 30, tags and custom values included", async () => {
    // No API-key cache, so that every request looks its key up the same way, whatever the timing.
    const logged = await startTestApp({
      logQueries: true,
      app: { config: { ...defaultAppConfig, apiKeyCacheTtlMs: 0 } },
    });
    try {
      const log = logged.db.queryLog as string[];
      const { workspaceKey, workspaceId, otherWorkspaceKey, otherWorkspaceId, accountKey } = logged.tenant;
      for (const id of [workspaceId, otherWorkspaceId]) {
        for (const name of ["Plan", "Score", "Source"]) await logged.defineCustomVariable(id, name);
      }
      const fill = async (key: string, count: number) => {
        for (let i = 0; i < count; i += 1) {
          await createContact(
            logged,
            {
              email: `n${i}@example.com`,
              tags: [`tag-${i}`, "common", `extra-${i % 4}`],
              customFields: { Plan: "pro", Score: i, Source: `s${i}` },
            },
            key,
          );
        }
      };
      await fill(workspaceKey, 3);
      await fill(otherWorkspaceKey, 30);

      const statementsFor = async (key: string, variables: ContactsQueryVariables, size: number) => {
        log.length = 0;
        const response = await logged.graphql(key, ContactsDocument, variables);
        const statements = log.length;
        expect(response.errors).toBeUndefined();
        const page = response.data.contacts;
        expect(page.edges).toHaveLength(size);
        for (const { node } of page.edges) {
          expect(node.tags).toHaveLength(3);
          expect(node.customFields.map((field) => field.name)).toEqual(["Plan", "Score", "Source"]);
        }
        return statements;
      };
      const small = await statementsFor(workspaceKey, { first: 100 }, 3);
      const large = await statementsFor(otherWorkspaceKey, { first: 100 }, 30);
      const largeByAccount = await statementsFor(accountKey, { workspaceId: otherWorkspaceId, first: 30 }, 30);
      expect(small).toBeGreaterThan(0);
      expect(large).toBe(small);
      expect(largeByAccount).toBe(small);
    } finally {
      await logged.close();
    }
  });
});
