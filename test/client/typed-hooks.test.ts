import {
  type Client,
  type CombinedError,
  type ContactDetails,
  type CreateContactInput,
  type CreateContactResult,
  createContactsClient,
  type ImportContactsResult,
  type ImportRowOutcome,
  type OperationContext,
  operations,
  run,
  type UpdateContactInput,
  type UpdateContactResult,
  type useContacts,
  type useCreateContact,
  type useImportContacts,
  type useUpdateContact,
  type ValidationIssue,
} from "@contacts-api/client";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.js";

/** What an app would do with a result: every branch narrowed by `__typename`, no casts. */
function describeCreate(result: CreateContactResult): string {
  switch (result.__typename) {
    case "CreateContactSuccess":
      return `created ${result.contact.id} tagged ${result.contact.tags.map((tag) => tag.name).join(",")}`;
    case "ValidationError":
      return `invalid ${result.issues.map((issue) => `${issue.path.join(".")}:${issue.code}`).join(" ")}`;
    case "ConflictError":
      return `conflict ${result.conflicts.map((conflict) => `${conflict.field}=${conflict.existingContactId}`).join(" ")}`;
    case "ForbiddenError":
      return `forbidden ${result.message}`;
    default:
      // Exhaustive: a new member of the union would make this a type error.
      expectTypeOf(result).toBeNever();
      return result;
  }
}

describe("typed hooks (types, checked by tsc)", () => {
  it("resolve a mutation to the operation's result union, with literal __typenames", () => {
    type CreateContactHook = ReturnType<typeof useCreateContact>;
    // After the operation's arguments, the urql context of that call (headers, request policy).
    expectTypeOf<CreateContactHook[1]>().parameters.toEqualTypeOf<
      [input: CreateContactInput, context?: Partial<OperationContext>]
    >();
    expectTypeOf<Parameters<ReturnType<typeof useUpdateContact>[1]>>().toEqualTypeOf<
      [id: string, input: UpdateContactInput, context?: Partial<OperationContext>]
    >();
    expectTypeOf<CreateContactHook[1]>().returns.resolves.toEqualTypeOf<CreateContactResult>();
    expectTypeOf<CreateContactHook[0]["result"]>().toEqualTypeOf<CreateContactResult | undefined>();
    expectTypeOf<CreateContactHook[0]["error"]>().toEqualTypeOf<CombinedError | undefined>();
    expectTypeOf<CreateContactResult["__typename"]>().toEqualTypeOf<
      "ConflictError" | "CreateContactSuccess" | "ForbiddenError" | "ValidationError"
    >();
    expectTypeOf<ReturnType<typeof useUpdateContact>[1]>().returns.resolves.toEqualTypeOf<UpdateContactResult>();
    expectTypeOf<ReturnType<typeof useImportContacts>[1]>().returns.resolves.toEqualTypeOf<ImportContactsResult>();
    expectTypeOf<ImportContactsResult["__typename"]>().toEqualTypeOf<
      "ForbiddenError" | "ImportContactsSuccess" | "ValidationError"
    >();
    expectTypeOf<ImportRowOutcome["__typename"]>().toEqualTypeOf<
      "ConflictError" | "ImportRowSuccess" | "ValidationError"
    >();
    expectTypeOf<UpdateContactResult["__typename"]>().toEqualTypeOf<
      "ConflictError" | "ForbiddenError" | "NotFoundError" | "UpdateContactSuccess" | "ValidationError"
    >();
  });

  it("narrow on __typename to each member's fields", () => {
    const narrow = (result: CreateContactResult) => {
      if (result.__typename === "ValidationError") {
        expectTypeOf(result.issues).toEqualTypeOf<ValidationIssue[]>();
        expectTypeOf(result.issues).items.toHaveProperty("path").toEqualTypeOf<string[]>();
      }
      if (result.__typename === "ConflictError") {
        expectTypeOf(result.conflicts).items.toHaveProperty("field").toEqualTypeOf<"EMAIL" | "PHONE">();
        expectTypeOf(result.conflicts).items.toHaveProperty("existingContactId").toEqualTypeOf<string>();
      }
      if (result.__typename === "CreateContactSuccess") expectTypeOf(result.contact).toEqualTypeOf<ContactDetails>();
      // @ts-expect-error `issues` exists on ValidationError only: unnarrowed, it is not there.
      result.issues;
    };
    expectTypeOf(narrow).toBeFunction();
  });

  it("map every scalar to a precise type", () => {
    expectTypeOf<ContactDetails["createdAt"]>().toEqualTypeOf<string>();
    expectTypeOf<ContactDetails["id"]>().toEqualTypeOf<string>();
    expectTypeOf<ContactDetails["email"]>().toEqualTypeOf<string | null>();
    expectTypeOf<NonNullable<CreateContactInput["customFields"]>>().toEqualTypeOf<
      Record<string, string | number | boolean | null>
    >();
    expectTypeOf<NonNullable<CreateContactInput["workspaceId"]>>().toEqualTypeOf<string>();
    type ContactsPage = NonNullable<ReturnType<typeof useContacts>["data"]>;
    expectTypeOf<ReturnType<typeof useContacts>["fetchMore"]>().toEqualTypeOf<() => Promise<void>>();
    expectTypeOf<ContactsPage["edges"][number]["node"]>().toEqualTypeOf<ContactDetails>();
    expectTypeOf<ContactsPage["totalCount"]>().toEqualTypeOf<number>();
  });
});

describe("typed documents against the server", () => {
  let app: TestApp;
  let client: Client;

  beforeAll(async () => {
    app = await startTestApp();
    await app.defineCustomVariable(app.tenant.workspaceId, "Lead Source");
    client = createContactsClient({
      url: "http://test/graphql",
      // A server-side script's key: a string with no expiry, used until a 401.
      getToken: async () => app.tenant.workspaceKey,
      fetch: async (input, init) => app.yoga.fetch(new Request(input, init)),
    });
  });
  afterAll(() => app?.close());

  it("creates a contact, then gets a conflict and a validation error, each narrowed by __typename", async () => {
    const input = {
      firstName: "Ada",
      email: "ada@example.com",
      phone: "+12125550123",
      tags: ["vip", "newsletter"],
      customFields: { "Lead Source": "Webinar" },
    };
    const created = await run(client, operations.createContact, input);
    if (created.__typename !== "CreateContactSuccess") throw new Error(describeCreate(created));
    expect(created.contact).toMatchObject({
      firstName: "Ada",
      email: "ada@example.com",
      timezone: "America/New_York",
      customFields: [{ name: "Lead Source", value: "Webinar" }],
    });
    expect(created.contact.tags.map((tag) => tag.name)).toEqual(["newsletter", "vip"]);
    expect(Date.parse(created.contact.createdAt)).not.toBeNaN();

    const id = created.contact.id;
    expect(describeCreate(await run(client, operations.createContact, input))).toBe(`conflict EMAIL=${id} PHONE=${id}`);
    expect(
      describeCreate(await run(client, operations.createContact, { email: "grace@example.com", phone: "555-0123" })),
    ).toBe("invalid phone:INVALID_PHONE");
  });

  it("reads, upserts, updates and deletes through the other documents", async () => {
    const created = await run(client, operations.createContact, { email: "grace@example.com", tags: ["beta"] });
    if (created.__typename !== "CreateContactSuccess") throw new Error(created.__typename);
    const id = created.contact.id;

    expect((await run(client, operations.contact, id))?.email).toBe("grace@example.com");
    const page = await run(client, operations.contacts, { first: 10, filter: { tag: "beta" } });
    expect(page.edges.map((edge) => edge.node.id)).toEqual([id]);
    expect(page.totalCount).toBe(1);
    expect((await run(client, operations.tags)).map((tag) => tag.name)).toEqual(["beta", "newsletter", "vip"]);
    expect((await run(client, operations.customVariables)).map((variable) => variable.name)).toEqual(["Lead Source"]);

    const upserted = await run(client, operations.upsertContact, { email: "grace@example.com", lastName: "Hopper" });
    expect(upserted.__typename === "UpsertContactSuccess" && [upserted.created, upserted.contact.id]).toEqual([
      false,
      id,
    ]);

    const updated = await run(client, operations.updateContact, id, { phone: "+31201234567", removeTags: ["beta"] });
    if (updated.__typename !== "UpdateContactSuccess") throw new Error(updated.__typename);
    expect(updated.contact).toMatchObject({ lastName: "Hopper", phone: "+31201234567", tags: [] });

    const deleted = await run(client, operations.deleteContact, id);
    expect(deleted.__typename === "DeleteContactSuccess" && deleted.deletedContactId).toBe(id);
    expect(await run(client, operations.contact, id)).toBeNull();
    const again = await run(client, operations.deleteContact, id);
    expect(again.__typename).toBe("NotFoundError");
  });

  it("defines, renames and deletes custom variables", async () => {
    const defined = await run(client, operations.createCustomVariable, { name: "Score" });
    if (defined.__typename !== "CreateCustomVariableSuccess") throw new Error(defined.__typename);
    const duplicate = await run(client, operations.createCustomVariable, { name: "Score" });
    expect(duplicate.__typename === "CustomVariableConflictError" && duplicate.existingCustomVariableId).toBe(
      defined.customVariable.id,
    );
    const renamed = await run(client, operations.renameCustomVariable, defined.customVariable.id, "Rating");
    expect(renamed.__typename === "RenameCustomVariableSuccess" && renamed.customVariable.name).toBe("Rating");
    const deleted = await run(client, operations.deleteCustomVariable, defined.customVariable.id);
    expect(deleted.__typename).toBe("DeleteCustomVariableSuccess");
  });

  it("imports a batch: every row's outcome by index, narrowed by __typename", async () => {
    const imported = await run(client, operations.importContacts, {
      mode: "CREATE",
      contacts: [
        { email: "batch-1@example.com", tags: ["imported"] },
        { email: "not-an-address" },
        { email: "batch-1@example.com" },
      ],
    });
    if (imported.__typename !== "ImportContactsSuccess") throw new Error(imported.__typename);
    expect([imported.createdCount, imported.updatedCount, imported.failedCount]).toEqual([1, 0, 2]);
    const [created, invalid, conflict] = imported.results.map(({ outcome }) => outcome);
    const id = created?.__typename === "ImportRowSuccess" && created.created ? created.contact.id : null;
    expect(id).toEqual(expect.any(String));
    expect(invalid?.__typename === "ValidationError" && invalid.issues.map((issue) => issue.path)).toEqual([["email"]]);
    expect(conflict?.__typename === "ConflictError" && conflict.conflicts).toEqual([
      { __typename: "ContactConflict", field: "EMAIL", existingContactId: id },
    ]);
    expect(imported.results.map(({ index }) => index)).toEqual([0, 1, 2]);
  });

  it("sends a call's own urql context: an Idempotency-Key gets the first answer again, with the API key still sent", async () => {
    const input = { email: "linus@example.com" };
    const context = { fetchOptions: { headers: { "Idempotency-Key": "create-linus-1" } } };
    const created = await run(client, operations.createContact, input, context);
    if (created.__typename !== "CreateContactSuccess") throw new Error(describeCreate(created));
    // A retry with the key is answered from the first response; without it, the email is taken.
    expect(await run(client, operations.createContact, input, context)).toEqual(created);
    expect(describeCreate(await run(client, operations.createContact, input))).toBe(
      `conflict EMAIL=${created.contact.id}`,
    );
    // A query's context names its request policy: `cache-only` asks the server nothing, so no data.
    await expect(run(client, operations.contact, created.contact.id, { requestPolicy: "cache-only" })).rejects.toThrow(
      "The contacts API sent no data.",
    );
    expect((await run(client, operations.contact, created.contact.id))?.email).toBe("linus@example.com");
  });

  it("rejects with urql's CombinedError for what the contract does not type (a refused key)", async () => {
    const stranger = createContactsClient({
      url: "http://test/graphql",
      getToken: async () => "sk_live_not_a_key_of_this_server_0000000000",
      fetch: async (input, init) => app.yoga.fetch(new Request(input, init)),
    });
    const failure = await run(stranger, operations.contacts).catch((error: CombinedError) => error);
    expect(failure).toMatchObject({ graphQLErrors: [{ extensions: { code: "UNAUTHENTICATED" } }] });
  });
});
