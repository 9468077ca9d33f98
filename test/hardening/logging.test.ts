import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContactDocument, CreateContactDocument } from "../support/generated/graphql.js";
import { startHttpServer } from "../support/http-server.js";
import { expectTypename, startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
let server: Awaited<ReturnType<typeof startHttpServer>>;
beforeAll(async () => {
  app = await startTestApp();
  server = await startHttpServer(app);
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

describe("request logs", () => {
  it("write one JSON line per request with id, operation, duration, outcome and API key id, and never the key or input values", async () => {
    const email = "secret.person@example.com";
    const phone = "+12125550999";
    const created = await server.graphql(
      app.tenant.workspaceKey,
      CreateContactDocument,
      { input: { email, phone, firstName: "Zelda" } },
      { "x-request-id": "req-one" },
    );
    expect(created.status).toBe(200);
    const conflict = await server.graphql(
      app.tenant.workspaceKey,
      CreateContactDocument,
      { input: { email } },
      { "x-request-id": "req-two" },
    );
    expectTypename(conflict.data.createContact, "ConflictError");
    await server.graphql(
      "sk_live_NotARealKeyButLongEnoughToLookLikeOne00",
      ContactDocument,
      { id: "x" },
      { "x-request-id": "req-three" },
    );

    const raw = server.logs.lines.join("\n");
    for (const secret of [
      app.tenant.workspaceKey,
      app.tenant.workspaceKey.slice(8),
      email,
      phone,
      "Zelda",
      "NotARealKey",
    ]) {
      expect(raw).not.toContain(secret);
    }
    const byId = Object.fromEntries(
      server.logs
        .entries()
        .filter((entry) => entry.msg === "request")
        .map((entry) => [entry.requestId, entry]),
    );
    const apiKey = await app.db.prisma.apiKey.findFirstOrThrow({ where: { workspaceId: app.tenant.workspaceId } });
    expect(byId["req-one"]).toMatchObject({
      operationName: "CreateContact",
      operationType: "mutation",
      outcome: "CreateContactSuccess".replace("CreateContactSuccess", "ok"),
      apiKeyId: apiKey.id,
      status: 200,
      method: "POST",
      path: "/graphql",
    });
    expect(byId["req-one"]?.durationMs).toEqual(expect.any(Number));
    expect(byId["req-two"]).toMatchObject({ outcome: "ConflictError", apiKeyId: apiKey.id });
    expect(byId["req-three"]).toMatchObject({ status: 401 });
    expect(byId["req-three"]?.apiKeyId).toBeUndefined();
  });

  it("log an unexpected database failure by name and code, without the row values its message quotes", async () => {
    const email = "leaky.row@example.com";
    // A failure whose message quotes the row, as PostgreSQL's own messages can.
    await app.db.prisma.$executeRawUnsafe(`
      CREATE FUNCTION reject_leaky_row() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.email = '${email}' THEN RAISE EXCEPTION 'refusing the row of %', NEW.email; END IF;
        RETURN NEW;
      END $$`);
    await app.db.prisma.$executeRawUnsafe(
      "CREATE TRIGGER reject_leaky_row BEFORE INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION reject_leaky_row()",
    );
    try {
      const response = await server.graphql(app.tenant.workspaceKey, CreateContactDocument, { input: { email } });
      expect(response.errors?.[0]?.message).toBe("Unexpected error.");
      const entries = server.logs.entries().filter((entry) => entry.msg === "graphql-yoga");
      expect(entries.length).toBeGreaterThan(0);
      // Enough to find the failure: the SQLSTATE (P0001: raised by a function) and where our code threw.
      const logged = JSON.stringify(entries);
      expect(logged).toContain('"sqlstate":"P0001"');
      expect(logged).toMatch(/"at":\[[^\]]*src\/contacts\//);
      expect(server.logs.lines.join("\n")).not.toContain(email);
      expect(logged).not.toContain("refusing the row");
    } finally {
      await app.db.prisma.$executeRawUnsafe("DROP TRIGGER reject_leaky_row ON contacts");
    }
  });
});

describe("the log of a masked error", () => {
  it("never takes a message's lines for stack frames", async () => {
    const { yogaLogger } = await import("../../src/server/observability/yoga-logger.js");
    const lines: unknown[] = [];
    const logger = { error: (entry: unknown) => lines.push(entry) } as unknown as Parameters<typeof yogaLogger>[0];
    const error = new Error("Key (email)=(x\n    at ada@example.com) already exists");
    yogaLogger(logger).error(error);
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain("ada@example.com");
    expect(logged).toMatch(/"at":\["[^"]*logging\.test\.ts/);
  });
});
