import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateContactDocument } from "../support/generated/graphql.js";
import { startHttpServer } from "../support/http-server.js";
import { CREATE_CONTACT, countRows, expectTypename, startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
let server: Awaited<ReturnType<typeof startHttpServer>>;
beforeAll(async () => {
  app = await startTestApp();
  server = await startHttpServer(app, { metrics: true, maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

/** Sends a chunked body (no Content-Length) of `size` bytes. */
function postChunked(url: string, size: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" } });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", (error) =>
      String(error).includes("EPIPE") || String(error).includes("ECONNRESET") ? undefined : reject(error),
    );
    const chunk = "x".repeat(16 * 1024);
    for (let sent = 0; sent < size; sent += chunk.length) req.write(chunk);
    req.end();
  });
}

describe("request body limit", () => {
  it("answers 413 to a declared body over the limit, before parsing, and writes nothing", async () => {
    const before = await countRows(app);
    const padding = "x".repeat(70 * 1024);
    const response = await server.post(app.tenant.workspaceKey, CreateContactDocument, {
      input: { email: "big@example.com", firstName: padding },
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [{ message: `Request body larger than ${64 * 1024} bytes`, extensions: { code: "PAYLOAD_TOO_LARGE" } }],
    });
    expect(await countRows(app)).toEqual(before);
  });

  it("answers 413 to a chunked body once it passes the limit", async () => {
    const response = await postChunked(server.url, 200 * 1024);
    expect(response.status).toBe(413);
    expect(response.body).toContain("PAYLOAD_TOO_LARGE");
  });

  it("serves a body under the limit", async () => {
    const response = await server.graphql(app.tenant.workspaceKey, CreateContactDocument, {
      input: { email: "small@example.com" },
    });
    expect(response.status).toBe(200);
    expectTypename(response.data.createContact, "CreateContactSuccess");
  });
});

describe("probes, request ids, metrics", () => {
  it("/health is up and /ready checks the database", async () => {
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });

  it("returns a request id on every response, keeping a well-formed one the client sent", async () => {
    const generated = await fetch(`${server.url}/health`);
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await fetch(`${server.url}/health`, { headers: { "x-request-id": "client-abc.123" } });
    expect(kept.headers.get("x-request-id")).toBe("client-abc.123");
    const replaced = await fetch(`${server.url}/health`, { headers: { "x-request-id": "bad id with spaces" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("exposes Prometheus metrics by operation and outcome when enabled", async () => {
    await server.graphql(app.tenant.workspaceKey, CreateContactDocument, { input: { email: "not an email" } });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(
      /contacts_api_requests_total\{operation="createContact",outcome="ValidationError",status="200"\} \d+/,
    );
    expect(text).toContain("contacts_api_request_duration_seconds_bucket");
  });

  it("has no /metrics when metrics are off (the default)", async () => {
    const plain = await startHttpServer(app);
    try {
      const response = await fetch(`${plain.url}/metrics`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain("contacts_api_requests_total");
    } finally {
      await plain.close();
    }
  });
});

describe("browsers: CSRF prevention and CORS", () => {
  it("refuses a simple cross-site request (GET without the CSRF header), allows it with the header", async () => {
    const query = encodeURIComponent("{ __typename }");
    const refused = await fetch(`${server.url}/graphql?query=${query}`);
    expect(refused.status).toBe(403);
    const allowed = await fetch(`${server.url}/graphql?query=${query}`, { headers: { "x-graphql-yoga-csrf": "1" } });
    expect(allowed.status).toBe(200);
  });

  it("refuses a form-encoded or text POST (what a cross-site form can send)", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "text/plain", authorization: `Bearer ${app.tenant.workspaceKey}` },
      body: JSON.stringify({ query: CREATE_CONTACT, variables: { input: { email: "csrf@example.com" } } }),
    });
    expect(response.status).toBe(403);
    expect(await app.db.prisma.contact.count({ where: { email: "csrf@example.com" } })).toBe(0);
  });

  it("answers CORS preflights for configured origins only", async () => {
    const limited = await startHttpServer(app, {
      config: { http: { maxBodyBytes: 1024 * 1024, corsOrigins: ["https://app.example.com"] } },
    });
    try {
      const preflight = (origin: string) =>
        fetch(`${limited.url}/graphql`, {
          method: "OPTIONS",
          headers: {
            origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization",
          },
        });
      const allowed = await preflight("https://app.example.com");
      expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
      expect(allowed.headers.get("access-control-allow-headers")).toContain("authorization");
      const other = await preflight("https://evil.example.net");
      expect(other.headers.get("access-control-allow-origin")).not.toBe("https://evil.example.net");
    } finally {
      await limited.close();
    }
  });
});
