import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeApiKey } from "../../src/access/accounts.js";
import { createClientTokenKeys } from "../../src/access/client-tokens.js";
import { createApp } from "../../src/server/app.js";
import { createLogger } from "../../src/server/observability/logger.js";
import { createRateLimiter } from "../../src/server/rate-limit.js";
import {
  ContactCountDocument,
  CreateClientTokenDocument,
  type CreateClientTokenInput,
  CreateContactDocument,
} from "../support/generated/graphql.js";
import { type GraphQLResponse, graphQLResponse, textOf } from "../support/graphql-response.js";
import { startHttpServer } from "../support/http-server.js";
import { defaultAppConfig, expectTypename, startTestApp, type TestApp } from "../support/test-app.js";

const SECRET = "client-token-test-secret-0123456789abcdef";
let clock = Date.now();
const keys = createClientTokenKeys({ current: SECRET }, () => clock);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ logQueries: true, app: { clientTokens: keys } });
});
afterAll(async () => {
  await app?.close();
});

type Yoga = ReturnType<typeof createApp>;

/** One operation through `yoga`, with `Authorization: Bearer <credential>` and any other headers. */
async function send<Data, Variables>(
  yoga: Yoga,
  credential: string,
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<Data>> {
  const response = await yoga.fetch("http://test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${credential}`, ...headers },
    body: JSON.stringify({ query: textOf(document), variables }),
  });
  return graphQLResponse(response.status, response.headers, await response.json());
}

const mint = (credential: string, input: CreateClientTokenInput, yoga = app.yoga) =>
  send(yoga, credential, CreateClientTokenDocument, { input });

async function mintToken(credential: string, input: Partial<CreateClientTokenInput> = {}, yoga = app.yoga) {
  const { data } = await mint(
    credential,
    { scopes: ["contacts:read", "contacts:write"], subject: "user-1", ...input },
    yoga,
  );
  return expectTypename(data.createClientToken, "CreateClientTokenSuccess").token;
}

const createContact = (credential: string, email: string, workspaceId?: string, yoga = app.yoga) =>
  send(yoga, credential, CreateContactDocument, { input: { email, ...(workspaceId ? { workspaceId } : {}) } });
const countContacts = (credential: string, yoga = app.yoga) =>
  send(yoga, credential, ContactCountDocument, { first: 1 });

function expectUnauthenticated(response: GraphQLResponse<unknown>) {
  expect(response.status).toBe(401);
  expect(response.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("minting client tokens", () => {
  it("mints a token of some of the key's scopes that reads and writes its workspace, expiring when asked", async () => {
    clock = Date.now();
    const { data } = await mint(app.tenant.workspaceKey, {
      scopes: ["contacts:write", "contacts:read"],
      subject: "user-1",
      expiresInSeconds: 120,
    });
    const minted = expectTypename(data.createClientToken, "CreateClientTokenSuccess");
    expect(new Date(minted.expiresAt).getTime()).toBe(Math.floor(clock / 1000) * 1000 + 120_000);
    const created = await createContact(minted.token, "minted@example.com");
    expectTypename(created.data.createContact, "CreateContactSuccess");
    expect((await countContacts(minted.token)).status).toBe(200);
  });

  it("defaults to 15 minutes and refuses lifetimes under 60 s or over 24 h, bad scopes and subjects, listing each", async () => {
    clock = Date.now();
    const { data } = await mint(app.tenant.workspaceKey, { scopes: ["contacts:read"], subject: "u" });
    const minted = expectTypename(data.createClientToken, "CreateClientTokenSuccess");
    expect(new Date(minted.expiresAt).getTime()).toBe(Math.floor(clock / 1000) * 1000 + 900_000);

    const refused = await mint(app.tenant.workspaceKey, {
      scopes: ["contacts:read", "contacts:delete"],
      subject: " ",
      expiresInSeconds: 59,
    });
    expect(expectTypename(refused.data.createClientToken, "ValidationError").issues).toEqual([
      { path: ["scopes", "1"], code: "INVALID_SCOPE" },
      { path: ["subject"], code: "EMPTY" },
      { path: ["expiresInSeconds"], code: "OUT_OF_RANGE" },
    ]);
    const more = await mint(app.tenant.workspaceKey, {
      scopes: [],
      subject: "x".repeat(256),
      expiresInSeconds: 86_401,
    });
    expect(expectTypename(more.data.createClientToken, "ValidationError").issues).toEqual([
      { path: ["scopes"], code: "REQUIRED" },
      { path: ["subject"], code: "TOO_LONG" },
      { path: ["expiresInSeconds"], code: "OUT_OF_RANGE" },
    ]);
    const longest = await mintToken(app.tenant.workspaceKey, {
      subject: "\u{1F600}".repeat(127),
      expiresInSeconds: 86_400,
    });
    expect((await countContacts(longest)).status).toBe(200);
  });

  it("grants only scopes the key has, naming the one missing", async () => {
    const readOnly = await app.createApiKey({ workspaceId: app.tenant.workspaceId }, ["contacts:read"]);
    const { data } = await mint(readOnly.apiKey, { scopes: ["contacts:read", "contacts:write"], subject: "u" });
    expect(expectTypename(data.createClientToken, "ForbiddenError").missingScope).toBe("contacts:write");
    const token = await mintToken(readOnly.apiKey, { scopes: ["contacts:read"] });
    const refused = await createContact(token, "read-only-token@example.com");
    expect(expectTypename(refused.data.createContact, "ForbiddenError").message).toMatch(
      /lacks the contacts:write scope/,
    );
    expect(await app.db.prisma.contact.count({ where: { email: "read-only-token@example.com" } })).toBe(0);
  });

  it("follows the workspaceId rule: required for an account key, only reachable workspaces", async () => {
    const missing = await mint(app.tenant.accountKey, { scopes: ["contacts:read"], subject: "u" });
    expect(expectTypename(missing.data.createClientToken, "ValidationError").issues).toEqual([
      { path: ["workspaceId"], code: "REQUIRED" },
    ]);
    const stranger = await mint(app.tenant.accountKey, {
      scopes: ["contacts:read"],
      subject: "u",
      workspaceId: app.stranger.workspaceId,
    });
    expectTypename(stranger.data.createClientToken, "ForbiddenError");
    const other = await mint(app.tenant.workspaceKey, {
      scopes: ["contacts:read"],
      subject: "u",
      workspaceId: app.tenant.otherWorkspaceId,
    });
    expectTypename(other.data.createClientToken, "ForbiddenError");

    // An account key's token reaches the one workspace it names, not the account's others.
    const token = await mintToken(app.tenant.accountKey, { workspaceId: app.tenant.otherWorkspaceId });
    expectTypename(
      (await createContact(token, "account-token@example.com")).data.createContact,
      "CreateContactSuccess",
    );
    const elsewhere = await createContact(token, "elsewhere@example.com", app.tenant.workspaceId);
    expectTypename(elsewhere.data.createContact, "ForbiddenError");
    expect(await app.db.prisma.contact.count({ where: { email: "elsewhere@example.com" } })).toBe(0);
  });

  it("refuses a client token that tries to mint another", async () => {
    const token = await mintToken(app.tenant.workspaceKey, {
      scopes: ["contacts:read", "contacts:write", "workspace:admin"],
    });
    const { data } = await mint(token, { scopes: ["contacts:read"], subject: "someone-else" });
    expect(expectTypename(data.createClientToken, "ForbiddenError").message).toMatch(/client token cannot mint/);
  });
});

describe("checking client tokens", () => {
  it("answers 401 once the token has expired (by the injected clock, no waiting)", async () => {
    clock = Date.now();
    const token = await mintToken(app.tenant.workspaceKey, { expiresInSeconds: 60 });
    expect((await countContacts(token)).status).toBe(200);
    clock += 59_000;
    expect((await countContacts(token)).status).toBe(200);
    clock += 2_000;
    expectUnauthenticated(await countContacts(token));
    clock = Date.now();
  });

  it("answers 401 to a forged signature, alg none, a tampered payload and malformed tokens", async () => {
    clock = Date.now();
    const token = await mintToken(app.tenant.workspaceKey);
    const [header, payload] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;

    const forger = createClientTokenKeys({ current: "another-secret-that-is-long-enough-0123" });
    const forged = (
      await forger.sign(
        {
          workspaceId: app.tenant.workspaceId,
          scopes: ["contacts:read"],
          subject: "u",
          apiKeyId: claims.api_key_id as string,
        },
        300,
      )
    ).token;
    const unsigned = `${base64url({ alg: "none", typ: "JWT" })}.${payload}.`;
    const tampered = `${header}.${base64url({ ...claims, workspace_id: app.stranger.workspaceId })}.${token.split(".")[2]}`;
    const rs256 = `${base64url({ alg: "RS256", typ: "JWT" })}.${payload}.${token.split(".")[2]}`;
    for (const bad of [forged, unsigned, tampered, rs256, "a.b.c", `${header}.${payload}`, `${token}x`]) {
      expectUnauthenticated(await countContacts(bad));
    }
    expect((await countContacts(token)).status).toBe(200);
  });

  it("costs no database lookup per request, and ends with its minting key within API_KEY_CACHE_TTL_MS", async () => {
    clock = Date.now();
    const yoga = createApp({
      prisma: app.db.prisma,
      // Long enough that the requests below, on a busy machine, all fall within one cache lifetime.
      config: { ...defaultAppConfig, apiKeyCacheTtlMs: 1000 },
      clientTokens: keys,
    });
    const minter = await app.createApiKey({ workspaceId: app.tenant.workspaceId });
    const token = await mintToken(minter.apiKey, {}, yoga);
    const keyLookups = () => app.db.queryLog?.filter((sql) => sql.includes("api_keys")).length ?? 0;
    expect((await countContacts(token, yoga)).status).toBe(200);
    const before = keyLookups();
    for (let i = 0; i < 5; i++) expect((await countContacts(token, yoga)).status).toBe(200);
    expect(keyLookups()).toBe(before);

    await revokeApiKey(app.db.prisma, minter.apiKeyId);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expectUnauthenticated(await countContacts(token, yoga));
    // A revoked minting key is remembered as such: its tokens cost no lookup either.
    const afterRevocation = keyLookups();
    expectUnauthenticated(await countContacts(token, yoga));
    expect(keyLookups()).toBe(afterRevocation);
  });

  it("accepts tokens of the previous secret after a rotation, and no other", async () => {
    clock = Date.now();
    const token = await mintToken(app.tenant.workspaceKey);
    const rotated = createClientTokenKeys({ current: "the-new-secret-after-rotation-0123456789", previous: SECRET });
    const afterRotation = createApp({ prisma: app.db.prisma, config: defaultAppConfig, clientTokens: rotated });
    expect((await countContacts(token, afterRotation)).status).toBe(200);
    const fresh = await mintToken(app.tenant.workspaceKey, {}, afterRotation);
    expect((await countContacts(fresh, afterRotation)).status).toBe(200);
    const previousDropped = createApp({
      prisma: app.db.prisma,
      config: defaultAppConfig,
      clientTokens: createClientTokenKeys({ current: "the-new-secret-after-rotation-0123456789" }),
    });
    expectUnauthenticated(await countContacts(token, previousDropped));
  });
});

describe("rate limits of client tokens", () => {
  it("give each subject of one key its own burst, and cap the key's tokens together", async () => {
    const silent = createLogger("silent");
    const limiter = createRateLimiter(
      {
        write: { rate: 1, burst: 3 },
        read: { rate: 0, burst: 1 },
        importRows: { rate: 0, burst: 1 },
        clientTokenFactor: 2,
      },
      silent,
    );
    try {
      const yoga = createApp({
        prisma: app.db.prisma,
        config: defaultAppConfig,
        clientTokens: keys,
        rateLimiter: limiter,
      });
      clock = Date.now();
      const minter = await app.createApiKey({ workspaceId: app.tenant.workspaceId });
      const [alice, bob, carol] = await Promise.all(
        ["alice", "bob", "carol"].map(
          async (subject) =>
            (
              await keys.sign(
                { workspaceId: app.tenant.workspaceId, scopes: ["contacts:write"], subject, apiKeyId: minter.apiKeyId },
                300,
              )
            ).token,
        ),
      );
      const burst = (token: string, name: string) =>
        Promise.all([0, 1, 2, 3].map((i) => createContact(token, `${name}${i}-${clock}@example.com`, undefined, yoga)));
      const statuses = (responses: GraphQLResponse<unknown>[]) => responses.map((response) => response.status).sort();
      // Each subject: its burst of 3, then 429; the key's tokens together: twice that.
      expect(statuses(await burst(alice as string, "alice"))).toEqual([200, 200, 200, 429]);
      expect(statuses(await burst(bob as string, "bob"))).toEqual([200, 200, 200, 429]);
      // The shared cap (6) has 0 left: only a turn of its 1-second window can give carol up to 2 more.
      const carolServed = (await burst(carol as string, "carol")).filter((response) => response.status === 200);
      expect(carolServed.length).toBeLessThan(3);
    } finally {
      await limiter.close();
    }
  });
});

describe("secret keys from browsers", () => {
  it("refuses a secret key from another site's page, serving same-origin pages, tokens and servers", async () => {
    const crossSite = { origin: "https://app.example.com" };
    expect((await countContacts(app.tenant.workspaceKey)).status).toBe(200);
    const fromPage = await send(app.yoga, app.tenant.workspaceKey, ContactCountDocument, { first: 1 }, crossSite);
    expect(fromPage.status).toBe(403);
    expect(fromPage.errors?.[0]?.extensions?.code).toBe("SECRET_KEY_FROM_BROWSER");
    expect(fromPage.errors?.[0]?.message).toMatch(/client tokens.*Authenticating a browser app/);
    expect(fromPage.headers.get("access-control-allow-origin")).toBeTruthy();
    const nullOrigin = await send(
      app.yoga,
      app.tenant.workspaceKey,
      ContactCountDocument,
      { first: 1 },
      { origin: "null" },
    );
    expect(nullOrigin.status).toBe(403);

    // GraphiQL and /app are served by the server itself: their Origin is its own.
    const sameOrigin = await send(
      app.yoga,
      app.tenant.workspaceKey,
      ContactCountDocument,
      { first: 1 },
      { origin: "http://test" },
    );
    expect(sameOrigin.status).toBe(200);
    const token = await mintToken(app.tenant.workspaceKey);
    expect((await send(app.yoga, token, ContactCountDocument, { first: 1 }, crossSite)).status).toBe(200);

    const allowing = createApp({
      prisma: app.db.prisma,
      config: { ...defaultAppConfig, allowSecretKeysFromBrowsers: true },
      clientTokens: keys,
    });
    expect((await send(allowing, app.tenant.workspaceKey, ContactCountDocument, { first: 1 }, crossSite)).status).toBe(
      200,
    );
  });
});

describe("logs of client-token requests", () => {
  it("name the minting key and a pseudonym of the subject, never the token or the subject", async () => {
    const server = await startHttpServer(app);
    try {
      const subject = "ada@example.com";
      const minterKey = await app.createApiKey({ workspaceId: app.tenant.workspaceId });
      const { data } = await server.graphql(minterKey.apiKey, CreateClientTokenDocument, {
        input: { scopes: ["contacts:read"], subject },
      });
      const token = expectTypename(data.createClientToken, "CreateClientTokenSuccess").token;
      expect((await server.graphql(token, ContactCountDocument, { first: 1 })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const text = server.logs.lines.join("\n");
      expect(text).not.toContain(token);
      expect(text).not.toContain(subject);
      const line = server.logs.entries().find((entry) => entry.subject !== undefined);
      expect(line).toMatchObject({ apiKeyId: minterKey.apiKeyId, subject: expect.any(String) });
    } finally {
      await server.close();
    }
  });
});
