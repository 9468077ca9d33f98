import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateContactDocument, type CreateContactInput } from "../support/generated/graphql.js";
import {
  CREATE_CONTACT,
  countRows,
  expectTypename,
  readResponse,
  startTestApp,
  type TestApp,
  unchecked,
} from "../support/test-app.js";

// Found by the fuzz tests: a NUL in any text reached the database and failed the request with an
// internal error, an unpaired surrogate was stored as U+FFFD (so what was stored differed from what
// was returned), and deeply nested variables with an Idempotency-Key overflowed the stack (HTTP 500).
// All are now refused with HTTP 400 and a code before anything runs.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await app.defineCustomVariable(app.tenant.workspaceId, "Source");
});
afterAll(() => app?.close());

async function post(body: string, headers: Record<string, string> = {}) {
  const response = await app.yoga.fetch("http://test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${app.tenant.workspaceKey}`, ...headers },
    body,
  });
  return readResponse(response);
}

const createWith = (input: CreateContactInput) =>
  app.graphql(app.tenant.workspaceKey, CreateContactDocument, { input });

describe("text no column can store", () => {
  it.each([
    ["a NUL in a name", { firstName: "Ada\u0000" }, "$input.firstName"],
    ["a NUL in an email", { email: "a\u0000b@example.com" }, "$input.email"],
    ["a NUL in a tag", { tags: ["ok", "t\u0000"] }, "$input.tags[1]"],
    ["a NUL in a custom value", { customFields: { Source: "\u0000" } }, "$input.customFields.Source"],
    ["a NUL in a custom field name", { customFields: { "Sou\u0000rce": "x" } }, "a key in $input.customFields"],
    ["a lone high surrogate", { firstName: "a\ud800b" }, "$input.firstName"],
    ["a lone low surrogate at the end", { tags: ["t\udc00"] }, "$input.tags[0]"],
    ["surrogates in the wrong order", { lastName: "\udc00\ud800" }, "$input.lastName"],
  ])("refuses %s with 400 INVALID_TEXT, writing nothing", async (_label, input, where) => {
    const before = await countRows(app);
    const response = await createWith(input);
    expect(response.status).toBe(400);
    expect(response.body.data ?? null).toBeNull();
    expect(response.errors).toHaveLength(1);
    expect(response.errors?.[0]?.extensions?.code).toBe("INVALID_TEXT");
    expect(response.errors?.[0]?.message).toContain(where);
    expect(await countRows(app)).toEqual(before);
  });

  it("refuses a NUL written as an escape in a string of the query itself", async () => {
    const before = await countRows(app);
    const query = String.raw`mutation { createContact(input: { firstName: "Ada\u0000" }) { __typename } }`;
    const response = await post(JSON.stringify({ query }));
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe("INVALID_TEXT");
    expect(await countRows(app)).toEqual(before);
  });

  it("accepts and stores, as sent, text with surrogate pairs, control characters and U+FFFD", async () => {
    const name = "😀 \u0001\u001b\u007f\ufffd 𝔘 e\u0301";
    const response = await createWith({ firstName: name, tags: ["🇳🇱"], customFields: { Source: "\t😀\u2028" } });
    expect(response.status).toBe(200);
    const contact = expectTypename(response.data.createContact, "CreateContactSuccess").contact;
    expect(contact.firstName).toBe(name);
    const stored = await app.db.prisma.contact.findFirst({
      where: { id: contact.id },
      select: { firstName: true, customValues: { select: { value: true } } },
    });
    expect(stored).toEqual({ firstName: name, customValues: [{ value: "\t😀\u2028" }] });
  });
});

describe("nesting of the variables", () => {
  const nested = (depth: number) => {
    let value: unknown = "leaf";
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
  };

  it("answers a nested custom value (within the limit) with the typed validation issue", async () => {
    // A nested object where a custom value goes: the schema's types refuse it, the server must too.
    const response = await createWith({ customFields: { Source: unchecked(nested(20)) } });
    expect(response.status).toBe(200);
    expect(expectTypename(response.data.createContact, "ValidationError").issues).toEqual([
      expect.objectContaining({ path: ["customFields", "Source"], code: "INVALID_VALUE_TYPE" }),
    ]);
  });

  it.each([[{}], [{ "idempotency-key": "deep-1" }]])(
    "refuses variables nested 100,000 deep with 400 VARIABLES_TOO_DEEP (headers %j), never a 500",
    async (headers) => {
      const depth = 100_000;
      const value = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
      const body = `{"query":${JSON.stringify(CREATE_CONTACT)},"variables":{"input":{"customFields":{"Source":${value}}}}}`;
      const before = await countRows(app);
      const response = await post(body, headers);
      expect(response.status).toBe(400);
      expect(response.errors?.[0]?.extensions?.code).toBe("VARIABLES_TOO_DEEP");
      expect(await countRows(app)).toEqual(before);
    },
  );
});
