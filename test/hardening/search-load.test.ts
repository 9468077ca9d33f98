import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QueryEvent } from "../../src/generated/prisma/internal/prismaNamespace.js";
import { DATABASE_TURNS_PER_REQUEST } from "../../src/server/plugins/database-turns.js";
import { ContactIdsDocument, ContactSearchDocument, WorkspaceIdsDocument } from "../support/generated/graphql.js";
import { startHttpServer } from "../support/http-server.js";
import { type GraphQLBody, startTestApp, type TestApp } from "../support/test-app.js";

/**
 * The worst searches one caller may send, in a workspace of 100,000 contacts: they must not take
 * the database from everybody else, and an index must answer them.
 */
const CONTACTS = 100_000;

let app: TestApp;
const statements: QueryEvent[] = [];
beforeAll(async () => {
  app = await startTestApp({ logQueries: true });
  // Opened with logQueries, so its client emits query events (its type does not say so).
  const emitter = app.db.prisma as unknown as { $on(event: "query", listener: (event: QueryEvent) => void): void };
  emitter.$on("query", (event) => statements.push(event));
  await app.db.withConnection((sql) =>
    sql.exec(`
      INSERT INTO contacts (workspace_id, id, first_name, last_name, email, created_at)
      SELECT '${app.tenant.workspaceId}'::uuid, gen_random_uuid(), 'First' || md5(i::text),
             'Last' || substr(md5((i * 7)::text), 1, 10), 'person' || i || '@example' || (i % 100) || '.com',
             now() - make_interval(secs => i)
        FROM generate_series(1, ${CONTACTS}) AS i;
      ANALYZE contacts;`),
  );
}, 240_000);
afterAll(() => app?.close());

/** What `aliasedSearches` answers: each alias's count and page. */
type AliasedSearches = Record<string, { totalCount: number; edges: { node: { id: string } }[] }>;

/** 15 aliases (the most allowed) of one search, each with its count. */
function aliasedSearches(count = 15) {
  const fields = Array.from(
    { length: count },
    (_, i) => `a${i}: contacts(first: 1, filter: { search: $s }) { totalCount edges { node { id } } }`,
  );
  return `query Worst($s: String) { ${fields.join(" ")} }`;
}

/** The most searches (statements with ILIKE) that overlapped in time among those Prisma ran from `since` on. */
function searchesAtOnce(since: number): number {
  const spans = statements
    .filter((event) => event.timestamp.getTime() >= since && event.query.includes("ILIKE"))
    .map((event) => ({ start: event.timestamp.getTime(), end: event.timestamp.getTime() + event.duration }));
  // How many run at the moment one starts; the most of those is the most at once. A statement that
  // starts as another ends is not beside it: timestamps and durations are read at different moments,
  // so an end counts 10 ms early (a search here takes 30-300 ms).
  return Math.max(
    0,
    ...spans.map((span) => spans.filter((other) => other.start <= span.start && span.start < other.end - 10).length),
  );
}

describe("contact search in a large workspace", () => {
  it("is served by the trigram indexes, not by reading every contact", async () => {
    const since = Date.now();
    const response = await app.graphql(app.tenant.workspaceKey, ContactIdsDocument, {
      filter: { search: "nobody-is-called-this" },
    });
    expect(response.body).toEqual({ data: { contacts: { edges: [] } } });
    const page = statements.find((event) => event.timestamp.getTime() >= since && event.query.includes("ILIKE"));
    expect(page, "the page statement").toBeDefined();
    const plan = await app.db.withConnection((sql) =>
      sql.query<{ "QUERY PLAN": unknown }>(`EXPLAIN (FORMAT JSON) ${page?.query}`, JSON.parse(page?.params ?? "[]")),
    );
    const text = JSON.stringify(plan);
    expect(text).toMatch(/contacts_(first_name|last_name|email)_trgm_idx/);
    expect(text).not.toContain("Seq Scan");
  });

  it("finds what a search names among 100,000 contacts", async () => {
    const response = await app.graphql(app.tenant.workspaceKey, ContactSearchDocument, {
      filter: { search: "PERSON4242@" },
    });
    expect(response.data.contacts).toEqual({
      totalCount: 1,
      edges: [{ node: { email: "person4242@example42.com" } }],
    });
  });

  it("runs one request's fields a few at a time, and answers another tenant meanwhile", async () => {
    const since = Date.now();
    // One character: no trigram to look up, so each of these reads the whole workspace.
    const worst = app.graphql<AliasedSearches>(app.tenant.workspaceKey, aliasedSearches(), { s: "q" });
    const other = await app.graphql(app.stranger.workspaceKey, WorkspaceIdsDocument);
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ data: { workspaces: [{ id: expect.any(String) }] } });
    const answered = await worst;
    expect(answered.status).toBe(200);
    expect(answered.body.errors).toBeUndefined();
    expect(Object.values(answered.body.data ?? {})).toEqual(
      Array.from({ length: 15 }, () => ({ totalCount: 0, edges: [] })),
    );
    // 30 searches (a page and a count per alias), never more than the request's turns at once.
    expect(
      statements.filter((event) => event.timestamp.getTime() >= since && event.query.includes("ILIKE")),
    ).toHaveLength(30);
    const most = searchesAtOnce(since);
    expect(most).toBeGreaterThanOrEqual(1);
    expect(most).toBeLessThanOrEqual(DATABASE_TURNS_PER_REQUEST);
  });

  it("keeps answering /health over HTTP while the worst search runs", async () => {
    const http = await startHttpServer(app);
    try {
      const started = http.post(app.tenant.workspaceKey, aliasedSearches(), { s: "q" });
      let running = true;
      const worst = started.then(async (response) => {
        running = false;
        const body: GraphQLBody<AliasedSearches> = await response.json();
        return { status: response.status, body };
      });
      // The embedded database runs statements on the server's thread: between two of them the
      // server must get to other requests, not only once all 30 are done.
      let answeredMeanwhile = 0;
      for (let probes = 0; running && probes < 2_000; probes++) {
        const health = await fetch(`${http.url}/health`);
        if (health.status === 200 && running) answeredMeanwhile++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const answer = await worst;
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answeredMeanwhile).toBeGreaterThanOrEqual(3);
    } finally {
      await http.close();
    }
  });

  it("refuses a search longer than a person types, before any statement runs", async () => {
    const since = Date.now();
    const response = await app.graphql<AliasedSearches>(app.tenant.workspaceKey, aliasedSearches(), {
      s: "q".repeat(1_000_000),
    });
    expect(response.status).toBe(200);
    const errors = response.body.errors ?? [];
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(response.body.data).toBeNull();
    for (const error of errors) {
      expect(error.extensions).toEqual({
        code: "BAD_USER_INPUT",
        issues: [
          { path: ["filter", "search"], code: "TOO_LONG", message: "filter.search must be at most 100 characters" },
        ],
      });
    }
    // The API key may be looked up again (its cache entry can expire between tests); no contact is read.
    expect(
      statements.filter((event) => event.timestamp.getTime() >= since && /\bcontacts\b/.test(event.query)),
    ).toEqual([]);
  });
});
