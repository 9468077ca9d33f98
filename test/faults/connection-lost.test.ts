import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { createApp } from "../../src/server/app.js";
import type { CreateContactMutation } from "../support/generated/graphql.js";
import { CREATE_CONTACT, defaultAppConfig, type GraphQLBody, startTestApp, type TestApp } from "../support/test-app.js";

/**
 * What node-postgres throws when a connection is gone, as a request meets it while PostgreSQL stops
 * (test/faults/database-restart.postgres.test.ts meets them by chance): each is SERVICE_UNAVAILABLE,
 * HTTP 503 with Retry-After, never a masked internal error.
 */
const CONNECTION_GONE = [
  "Connection terminated unexpectedly",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
  "connect ECONNREFUSED 127.0.0.1:5432",
  "timeout exceeded when trying to connect",
];

/** A client whose every query (raw, model or transaction) fails with `message`. */
function failingPrisma(prisma: PrismaClient, message: string): PrismaClient {
  const fail = () => Promise.reject(new Error(message));
  const model = new Proxy({}, { get: () => fail });
  return new Proxy(prisma, {
    get: (target, property) =>
      typeof property === "string" && !(property in Object.prototype) && property !== "then"
        ? property.startsWith("$")
          ? fail
          : model
        : Reflect.get(target, property),
  });
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe("a request that meets a lost database connection", () => {
  for (const message of CONNECTION_GONE) {
    it(`answers SERVICE_UNAVAILABLE for "${message}"`, async () => {
      const yoga = createApp({ prisma: failingPrisma(app.db.prisma, message), config: defaultAppConfig });
      const response = await yoga.fetch("http://test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${app.tenant.workspaceKey}` },
        body: JSON.stringify({ query: CREATE_CONTACT, variables: { input: { email: "lost@example.com" } } }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("1");
      const body: GraphQLBody<CreateContactMutation> = await response.json();
      expect(body.errors?.[0]?.extensions?.code).toBe("SERVICE_UNAVAILABLE");
    });
  }
});

describe("a request that arrives after the server closed its database (shutting down)", () => {
  it("answers SERVICE_UNAVAILABLE, so the client retries elsewhere, not a masked internal error", async () => {
    const closing = await startTestApp();
    await closing.close();
    const yoga = createApp({ prisma: closing.db.prisma, config: defaultAppConfig });
    const response = await yoga.fetch("http://test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${closing.tenant.workspaceKey}` },
      body: JSON.stringify({ query: CREATE_CONTACT, variables: { input: { email: "closed@example.com" } } }),
    });
    const body: GraphQLBody<CreateContactMutation> = await response.json();
    expect(body.errors?.[0]?.extensions?.code, JSON.stringify(body)).toBe("SERVICE_UNAVAILABLE");
    expect(response.status).toBe(503);
  });
});
