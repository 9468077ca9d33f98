import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET_KEY } from "../support/client-tokens.js";
import { ContactEmailsDocument } from "../support/generated/graphql.js";
import { startHttpServer } from "../support/http-server.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/**
 * examples/token-server/server.mjs as a team runs it (`node server.mjs`, configured by its
 * environment) in front of a test API server: `POST /token` gives the browser a client token that
 * the API accepts, and never the secret key it holds.
 */
const SERVER = fileURLToPath(new URL("../../examples/token-server/server.mjs", import.meta.url));
const APP_ORIGIN = "http://app.example.test";

interface TokenServer {
  url: string;
  child: ChildProcess;
  output: () => string;
}

const started: ChildProcess[] = [];

async function startTokenServer(env: Record<string, string>): Promise<TokenServer> {
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH ?? "", PORT: "0", APP_ORIGIN, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let output = "";
  const listening = new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Token server on (http:\/\/localhost:\d+\/token)/.exec(output)?.[1];
      if (url) resolve(url);
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.once("exit", (code) => reject(new Error(`the token server exited with ${code}:\n${output}`)));
  });
  return { url: await listening, child, output: () => output };
}

describe("examples/token-server", () => {
  let app: TestApp;
  let api: Awaited<ReturnType<typeof startHttpServer>>;

  beforeAll(async () => {
    app = await startTestApp();
    api = await startHttpServer(app);
  });
  afterAll(async () => {
    for (const child of started) if (child.exitCode === null) child.kill();
    await api?.close();
    await app?.close();
  });

  it("answers POST /token with a client token the API accepts, and never the secret key", async () => {
    const key = app.tenant.workspaceKey;
    const server = await startTokenServer({ CONTACTS_API_URL: `${api.url}/graphql`, CONTACTS_API_KEY: key });
    const response = await fetch(server.url, { method: "POST" });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(text).not.toContain(key);
    expect(text).not.toMatch(SECRET_KEY);

    const { token, expiresAt } = JSON.parse(text) as { token: string; expiresAt: string };
    // The API's default lifetime, 15 minutes.
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    const listed = await api.graphql(token, ContactEmailsDocument, {});
    expect([listed.status, listed.errors]).toEqual([200, undefined]);
    expect(listed.data.contacts.edges).toEqual([]);
    expect(server.output()).not.toContain(key);
  });

  it("answers a refused key with 502 and the API's message, not the key; other requests with 404", async () => {
    const refused = "sk_live_RefusedRefusedRefusedRefusedRefused00";
    const server = await startTokenServer({ CONTACTS_API_URL: `${api.url}/graphql`, CONTACTS_API_KEY: refused });
    const response = await fetch(server.url, { method: "POST" });
    const text = await response.text();
    expect(response.status).toBe(502);
    expect(JSON.parse(text)).toEqual({ error: expect.stringMatching(/\S/) });
    expect(text).not.toContain(refused);
    expect((await fetch(server.url)).status).toBe(404);
    expect((await fetch(server.url.replace("/token", "/other"), { method: "POST" })).status).toBe(404);
  });

  it("answers 502 when the API cannot be reached", async () => {
    const server = await startTokenServer({ CONTACTS_API_URL: "http://127.0.0.1:9/graphql", CONTACTS_API_KEY: "k" });
    const response = await fetch(server.url, { method: "POST" });
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/^Cannot reach the API: /) });
  });

  it("refuses to start without CONTACTS_API_KEY", async () => {
    const child = spawn(process.execPath, [SERVER], { env: { PATH: process.env.PATH ?? "" }, stdio: "pipe" });
    started.push(child);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(child, "exit");
    expect(code).not.toBe(0);
    expect(stderr).toContain("Set CONTACTS_API_KEY");
  });
});
