import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/server/observability/logger.js";
import { createRateLimiter, type RateLimiter } from "../../src/server/rate-limit.js";
import { ContactCountDocument, CreateContactDocument, ImportContactsDocument } from "../support/generated/graphql.js";
import { captureLogs } from "../support/http-server.js";
import { countRows, startTestApp, type TestApp } from "../support/test-app.js";

const REDIS_URL = "redis://127.0.0.1:6379";
const silent = createLogger("silent");

let app: TestApp;
let limiter: RateLimiter;
beforeAll(async () => {
  limiter = createRateLimiter(
    {
      write: { rate: 2, burst: 4 },
      read: { rate: 5, burst: 5 },
      importRows: { rate: 5, burst: 5 },
      clientTokenFactor: 10,
    },
    silent,
  );
  app = await startTestApp({ app: { rateLimiter: limiter } });
});
afterAll(async () => {
  await app?.close();
  await limiter?.close();
});

const create = (key: string, email: string) => app.graphql(key, CreateContactDocument, { input: { email } });
const read = (key: string) => app.graphql(key, ContactCountDocument, { first: 1 });

describe("per-key write limits", () => {
  it("serves the burst, then answers 429 with Retry-After and RATE_LIMITED, writing nothing", async () => {
    const key = (await app.createApiKey({ workspaceId: app.tenant.workspaceId })).apiKey;
    const responses = await Promise.all(Array.from({ length: 7 }, (_, i) => create(key, `burst${i}@example.com`)));
    const served = responses.filter((response) => response.status === 200);
    const limited = responses.filter((response) => response.status === 429);
    expect(served).toHaveLength(4);
    expect(limited).toHaveLength(3);
    for (const response of limited) {
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(response.body).toEqual({
        errors: [{ message: expect.stringMatching(/^Rate limit exceeded/), extensions: { code: "RATE_LIMITED" } }],
      });
    }
    expect(await app.db.prisma.contact.count({ where: { email: { startsWith: "burst" } } })).toBe(4);
  });

  it("takes one write token per root mutation field, aliases and fragments included", async () => {
    const key = (await app.createApiKey({ workspaceId: app.tenant.workspaceId })).apiKey;
    const creates = (prefix: string, n: number) =>
      `mutation { ...F } fragment F on Mutation { ${Array.from(
        { length: n },
        (_, i) => `a${i}: createContact(input: { email: "${prefix}${i}@example.com" }) { __typename }`,
      ).join(" ")} }`;
    const written = (prefix: string) => app.db.prisma.contact.count({ where: { email: { startsWith: prefix } } });
    expect((await app.graphql(key, creates("three", 3))).status).toBe(200);
    // 3 of the burst of 4 are spent: 2 more do not fit, and the refusal spends nothing.
    const refused = await app.graphql(key, creates("two", 2));
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    expect((await app.graphql(key, creates("one", 1))).status).toBe(200);
    expect([await written("three"), await written("two"), await written("one")]).toEqual([3, 0, 1]);
  });

  it("refuses up front (400 TOO_MANY_WRITES) an operation with more writes than the burst, writing nothing", async () => {
    const key = (await app.createApiKey({ workspaceId: app.tenant.workspaceId })).apiKey;
    const five = Array.from(
      { length: 5 },
      (_, i) => `a${i}: createContact(input: { email: "five${i}@example.com" }) { __typename }`,
    ).join(" ");
    const refused = await app.graphql(key, `mutation { ${five} }`);
    expect(refused.status).toBe(400);
    expect(refused.headers.get("retry-after")).toBeNull();
    expect(refused.body.errors?.[0]?.extensions?.code).toBe("TOO_MANY_WRITES");
    expect(await app.db.prisma.contact.count({ where: { email: { startsWith: "five" } } })).toBe(0);
    // It took no tokens: the whole burst is still there.
    const four = Array.from({ length: 4 }, (_, i) => create(key, `after-five${i}@example.com`));
    expect((await Promise.all(four)).map((response) => response.status)).toEqual([200, 200, 200, 200]);
  });

  it("spends one write per import plus its rows from the import budget; over it 429, nothing written", async () => {
    const key = (await app.createApiKey({ workspaceId: app.tenant.workspaceId })).apiKey;
    const rows = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ email: `${prefix}${i}@example.com` }));
    const importRows = (prefix: string, n: number) =>
      app.graphql(key, ImportContactsDocument, { input: { mode: "CREATE", contacts: rows(prefix, n) } });
    const written = (prefix: string) => app.db.prisma.contact.count({ where: { email: { startsWith: prefix } } });
    // The budget is 5 rows a second: 3 fit, 3 more do not, and the refusal gives the write back.
    expect((await importRows("rows-a", 3)).status).toBe(200);
    const limited = await importRows("rows-b", 3);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited.body.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    // More rows than the budget ever holds: 400, split it.
    const tooMany = await importRows("rows-c", 6);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors?.[0]?.extensions?.code).toBe("TOO_MANY_IMPORT_ROWS");
    expect([await written("rows-a"), await written("rows-b"), await written("rows-c")]).toEqual([3, 0, 0]);
    // The import took 1 write of the 4: three creates still fit.
    const creates = await Promise.all(Array.from({ length: 3 }, (_, i) => create(key, `after-rows${i}@example.com`)));
    expect(creates.map((response) => response.status)).toEqual([200, 200, 200]);
  });

  it("refills at the sustained rate", async () => {
    const key = (await app.createApiKey({ workspaceId: app.tenant.workspaceId })).apiKey;
    await Promise.all(Array.from({ length: 6 }, (_, i) => create(key, `refill${i}@example.com`)));
    expect((await create(key, "refill-late@example.com")).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await create(key, "refill-after@example.com")).status).toBe(200);
  });

  it("keeps each key's bucket its own, and reads apart from writes", async () => {
    const first = (await app.createApiKey({ workspaceId: app.tenant.workspaceId })).apiKey;
    const second = (await app.createApiKey({ workspaceId: app.tenant.workspaceId })).apiKey;
    await Promise.all(Array.from({ length: 6 }, (_, i) => create(first, `own${i}@example.com`)));
    expect((await create(first, "own-late@example.com")).status).toBe(429);
    expect((await create(second, "other-key@example.com")).status).toBe(200);
    expect((await read(first)).status).toBe(200);
  });

  it("limits reads with their own bucket", async () => {
    const key = (await app.createApiKey({ workspaceId: app.tenant.workspaceId })).apiKey;
    const statuses = (await Promise.all(Array.from({ length: 8 }, () => read(key)))).map((r) => r.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(3);
  });

  it("is off with a rate of 0", async () => {
    const off = createRateLimiter(
      {
        write: { rate: 0, burst: 1 },
        read: { rate: 0, burst: 1 },
        importRows: { rate: 0, burst: 1 },
        clientTokenFactor: 10,
      },
      silent,
    );
    const decisions = await Promise.all(
      Array.from({ length: 50 }, () => off.consume({ apiKeyId: "some-key", subject: null }, "write")),
    );
    expect(decisions.every((decision) => decision.allowed)).toBe(true);
    await off.close();
  });
});

describe("shared buckets in Redis", () => {
  it("two replicas share one key's bucket", async () => {
    const buckets = {
      write: { rate: 1, burst: 3 },
      read: { rate: 0, burst: 1 },
      importRows: { rate: 0, burst: 1 },
      clientTokenFactor: 10,
    };
    const replicaA = createRateLimiter(buckets, silent, REDIS_URL);
    const replicaB = createRateLimiter(buckets, silent, REDIS_URL);
    try {
      const apiKeyId = `test-${randomBytes(8).toString("hex")}`;
      // Let both connect: until then a replica fails open.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const decisions = [];
      for (let i = 0; i < 6; i++)
        decisions.push(await (i % 2 ? replicaA : replicaB).consume({ apiKeyId, subject: null }, "write"));
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(3);
      expect(decisions.at(-1)).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number) });
    } finally {
      await replicaA.close();
      await replicaB.close();
    }
  });

  it("takes several tokens at once, all or none, and refuses more than the burst without a wait", async () => {
    const buckets = {
      write: { rate: 2, burst: 4 },
      read: { rate: 0, burst: 1 },
      importRows: { rate: 0, burst: 1 },
      clientTokenFactor: 10,
    };
    const replicaA = createRateLimiter(buckets, silent, REDIS_URL);
    const replicaB = createRateLimiter(buckets, silent, REDIS_URL);
    try {
      const apiKeyId = `test-${randomBytes(8).toString("hex")}`;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await replicaA.consume({ apiKeyId, subject: null }, "write", 5)).toEqual({
        allowed: false,
        burst: 4,
        kind: "write",
      });
      expect(await replicaA.consume({ apiKeyId, subject: null }, "write", 3)).toEqual({ allowed: true });
      expect(await replicaB.consume({ apiKeyId, subject: null }, "write", 2)).toEqual({
        allowed: false,
        retryAfterSeconds: expect.any(Number),
      });
      expect(await replicaB.consume({ apiKeyId, subject: null }, "write", 1)).toEqual({ allowed: true });
      expect((await replicaA.consume({ apiKeyId, subject: null }, "write", 1)).allowed).toBe(false);
    } finally {
      await replicaA.close();
      await replicaB.close();
    }
  });

  it("serves requests (fail open) and logs when Redis is unreachable, without crashing", async () => {
    const logs = captureLogs();
    const unreachable = createRateLimiter(
      {
        write: { rate: 1, burst: 1 },
        read: { rate: 1, burst: 1 },
        importRows: { rate: 1, burst: 1 },
        clientTokenFactor: 10,
      },
      createLogger("warn", logs.stream),
      "redis://127.0.0.1:1",
    );
    const redisApp = await startTestApp({ app: { rateLimiter: unreachable } });
    try {
      const before = await countRows(redisApp);
      const responses = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          redisApp.graphql(redisApp.tenant.workspaceKey, CreateContactDocument, {
            input: { email: `open${i}@example.com` },
          }),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
      expect((await countRows(redisApp)).contacts).toBe(before.contacts + 5);
      expect(logs.lines.join("\n")).toMatch(/rate limiter store unavailable/);
    } finally {
      await redisApp.close();
      await unreachable.close();
    }
  });
});
