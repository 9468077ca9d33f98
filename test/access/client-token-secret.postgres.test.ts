import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerProcess } from "../support/server-process.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";

/** On PostgreSQL every server must share one signing secret, so none is made up, and there is no demo route. */
let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe("the client token secret on PostgreSQL", () => {
  it("is required: without it the server stops at start, saying how to make one", async () => {
    await expect(startServerProcess({ DATABASE_URL: db.url as string, CLIENT_TOKEN_SECRET: "" })).rejects.toThrow(
      /CLIENT_TOKEN_SECRET is required with PostgreSQL.*openssl rand/,
    );
    await expect(
      startServerProcess({ DATABASE_URL: db.url as string, CLIENT_TOKEN_SECRET: "too-short" }),
    ).rejects.toThrow(/CLIENT_TOKEN_SECRET must be at least 32 characters/);
  });

  it("given, the server starts, and never serves the demo token route", async () => {
    const server = await startServerProcess({ DATABASE_URL: db.url as string, SEED_DEMO: "true" });
    try {
      const response = await fetch(`${server.url}/demo/client-token`, { method: "POST" });
      expect(response.status).not.toBe(200);
    } finally {
      await server.stop();
    }
  });
});
