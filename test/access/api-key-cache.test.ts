import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeApiKey } from "../../src/access/accounts.js";
import {
  authenticateApiKey as authenticate,
  createAuthenticator as createKeyAuthenticator,
  MAX_AUTHORIZATION_LENGTH,
} from "../../src/access/authentication.js";
import { createClientTokenKeys, generateClientTokenSecret } from "../../src/access/client-tokens.js";
import { WorkspaceIdDocument, type WorkspaceIdQuery } from "../support/generated/graphql.js";
import { defaultAppConfig, type GraphQLResponse, startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  // A long TTL, so the one entry cannot expire while thousands of requests run.
  app = await startTestApp({ logQueries: true, app: { config: { ...defaultAppConfig, apiKeyCacheTtlMs: 60_000 } } });
});
afterAll(() => app?.close());

// Sent with raw headers (the spellings of Authorization are the subject), so not through app.graphql.
const createAuthenticator = (prisma: Parameters<typeof createKeyAuthenticator>[0], ttlMs: number) =>
  createKeyAuthenticator(prisma, ttlMs, createClientTokenKeys({ current: generateClientTokenSecret() }));

const WORKSPACE = print(WorkspaceIdDocument);

/** The API-key lookups the database has seen so far. */
const keyLookups = () => app.db.queryLog?.filter((sql) => sql.includes("api_keys")).length ?? 0;

async function post(authorization: string) {
  const response = await app.yoga.fetch("http://test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization },
    body: JSON.stringify({ query: WORKSPACE }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResponse<WorkspaceIdQuery>["body"] };
}

/**
 * 3,000 distinct spellings of one key's header, all at most MAX_AUTHORIZATION_LENGTH: runs of spaces
 * of every length that fits, then space/tab patterns (`i` in binary) to make up the number.
 */
function paddedVariants(key: string, count: number): string[] {
  const variants: string[] = [];
  const longest = MAX_AUTHORIZATION_LENGTH - "Bearer".length - key.length;
  for (let n = 1; n <= longest; n++) variants.push(`Bearer${" ".repeat(n)}${key}`);
  for (let i = 2; variants.length < count; i++) {
    variants.push(`Bearer ${i.toString(2).replaceAll("0", " ").replaceAll("1", "\t")}${key}`);
  }
  return variants;
}

describe("the API-key cache", () => {
  it("keeps one entry, and looks the key up once, for 3,000 padded variants of one key", async () => {
    const key = app.tenant.workspaceKey;
    const variants = paddedVariants(key, 3000);
    expect(new Set(variants).size).toBe(3000);
    expect(variants.every((header) => header.length <= MAX_AUTHORIZATION_LENGTH)).toBe(true);

    const lookupsBefore = keyLookups();
    for (const header of variants) {
      const { status, body } = await post(header);
      expect(status, header.length.toString()).toBe(200);
      expect(body.data?.workspace?.id).toBe(app.tenant.workspaceId);
    }
    // The app's cache is keyed by the key's hash: only the first variant reached the database.
    expect(keyLookups() - lookupsBefore).toBe(1);

    const direct = createAuthenticator(app.db.prisma, 60_000);
    for (const header of variants) expect(await direct(header)).toMatchObject({ workspaceId: app.tenant.workspaceId });
    expect(direct.cachedKeys()).toBe(1);
  });

  it("refuses an over-long header with 401 before any database lookup, even around a valid key", async () => {
    const key = app.tenant.workspaceKey;
    const atLimit = `Bearer${" ".repeat(MAX_AUTHORIZATION_LENGTH - "Bearer".length - key.length)}${key}`;
    expect(atLimit.length).toBe(MAX_AUTHORIZATION_LENGTH);
    expect((await post(atLimit)).status).toBe(200);

    const fresh = await app.createApiKey({ workspaceId: app.tenant.workspaceId });
    const queriesBefore = app.db.queryLog?.length ?? 0;
    const over = MAX_AUTHORIZATION_LENGTH;
    for (const header of [`Bearer ${" ".repeat(over)}${fresh.apiKey}`, `Bearer${"\t".repeat(over)}${key}`]) {
      expect(header.length).toBeGreaterThan(MAX_AUTHORIZATION_LENGTH);
      const { status, body } = await post(header);
      expect(status).toBe(401);
      expect(body).toEqual({ errors: [{ message: "Unauthenticated", extensions: { code: "UNAUTHENTICATED" } }] });
    }
    expect(app.db.queryLog?.length ?? 0).toBe(queriesBefore);
    expect(await authenticate(app.db.prisma, `Bearer ${" ".repeat(over)}${fresh.apiKey}`)).toBeNull();
    expect(app.db.queryLog?.length ?? 0).toBe(queriesBefore);
  });

  it("drops an entry when its TTL ends, and then looks the key up again", async () => {
    const auth = createAuthenticator(app.db.prisma, 50);
    const header = `Bearer ${app.tenant.workspaceKey}`;
    expect(await auth(header)).toMatchObject({ workspaceId: app.tenant.workspaceId });
    expect(auth.cachedKeys()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(auth.cachedKeys()).toBe(0);
    const lookupsBefore = keyLookups();
    expect(await auth(header)).toMatchObject({ workspaceId: app.tenant.workspaceId });
    expect(keyLookups() - lookupsBefore).toBe(1);
  });

  it("does not remember unknown keys, serves a revoked key at most the TTL, and caches nothing at TTL 0", async () => {
    const cached = createAuthenticator(app.db.prisma, 60_000);
    const uncached = createAuthenticator(app.db.prisma, 0);
    expect(await cached(`Bearer sk_live_${"x".repeat(40)}`)).toBeNull();
    expect(cached.cachedKeys()).toBe(0);

    const issued = await app.createApiKey({ workspaceId: app.tenant.workspaceId });
    const header = `Bearer ${issued.apiKey}`;
    expect(await cached(header)).toMatchObject({ apiKeyId: issued.apiKeyId });
    expect(await uncached(header)).toMatchObject({ apiKeyId: issued.apiKeyId });
    await revokeApiKey(app.db.prisma, issued.apiKeyId);
    // Within the TTL the cached authenticator still knows it; without a cache it is refused at once.
    expect(await cached(header)).toMatchObject({ apiKeyId: issued.apiKeyId });
    expect(await uncached(header)).toBeNull();
    expect(uncached.cachedKeys()).toBe(0);
    const shortLived = createAuthenticator(app.db.prisma, 50);
    const other = await app.createApiKey({ workspaceId: app.tenant.workspaceId });
    expect(await shortLived(`Bearer ${other.apiKey}`)).not.toBeNull();
    await revokeApiKey(app.db.prisma, other.apiKeyId);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await shortLived(`Bearer ${other.apiKey}`)).toBeNull();
    expect(shortLived.cachedKeys()).toBe(0);
  });
});
