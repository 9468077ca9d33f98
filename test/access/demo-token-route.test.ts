import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContactCountDocument } from "../support/generated/graphql.js";
import { postGraphQL, type ServerProcess, startServerProcess } from "../support/server-process.js";

/**
 * The demo token route of `npm start` on the embedded demo database: the real server process, with no
 * CLIENT_TOKEN_SECRET (an embedded database makes its own).
 */
let server: ServerProcess;
beforeAll(async () => {
  server = await startServerProcess({ DATABASE_URL: "pglite:memory", SEED_DEMO: "true", CLIENT_TOKEN_SECRET: "" });
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe("the demo token route", () => {
  it("mints a demo user's client token that reads the demo workspace, and sends no CORS headers", async () => {
    const response = await fetch(`${server.url}/demo/client-token`, { method: "POST" });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const { token, expiresAt } = (await response.json()) as { token: string; expiresAt: string };
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    const page = await postGraphQL(server.url, token, ContactCountDocument, { first: 1 });
    expect(page.status).toBe(200);
    expect(page.errors).toBeUndefined();
    expect(server.stdout()).not.toContain(token);
  });

  it("takes a lifetime, refuses one out of range and anything but a POST", async () => {
    const short = await fetch(`${server.url}/demo/client-token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ expiresInSeconds: 60 }),
    });
    const { expiresAt } = (await short.json()) as { expiresAt: string };
    expect(new Date(expiresAt).getTime()).toBeLessThanOrEqual(Date.now() + 61_000);
    const tooLong = await fetch(`${server.url}/demo/client-token`, {
      method: "POST",
      body: JSON.stringify({ expiresInSeconds: 10 ** 6 }),
    });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toEqual({ error: expect.stringMatching(/expiresInSeconds/) });
    expect((await fetch(`${server.url}/demo/client-token`)).status).toBe(405);
  });
});
