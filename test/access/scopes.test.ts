import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_SCOPES, type ApiScope } from "../../src/access/scopes.js";
import { schema } from "../../src/schema/index.js";
import { createContact, fresh } from "../support/contact-helpers.js";
import {
  ScopedContactDocument,
  ScopedContactsDocument,
  ScopedCreateContactDocument,
  ScopedCreateCustomVariableDocument,
  ScopedCustomVariablesDocument,
  ScopedDeleteContactDocument,
  ScopedDeleteCustomVariableDocument,
  ScopedImportContactsDocument,
  ScopedRenameCustomVariableDocument,
  ScopedTagsDocument,
  ScopedUpdateContactDocument,
  ScopedUpdateWorkspaceDocument,
  ScopedUpsertContactDocument,
  ScopedWorkspaceDocument,
  ScopedWorkspacesDocument,
} from "../support/generated/graphql.js";
import { countRows, type GraphQLResponse, startTestApp, type TestApp } from "../support/test-app.js";

// Every root field needs one scope of the key (contacts:read, contacts:write, workspace:admin). A
// key without it gets a ForbiddenError naming the scope (mutations) or a FORBIDDEN error (queries),
// and nothing runs: no row is written, and not even the input is judged.

let app: TestApp;
/** A workspace key of the tenant's main workspace with exactly one scope, for each scope. */
const keyWith = {} as Record<ApiScope, string>;
beforeAll(async () => {
  app = await startTestApp();
  for (const scope of API_SCOPES) {
    keyWith[scope] = (await app.createApiKey({ workspaceId: app.tenant.workspaceId }, [scope])).apiKey;
  }
});
afterAll(() => app?.close());

/** What a field answered a key: run (any answer but a refusal), or refused for the scope named. */
type Answer = { ran: true } | { refused: string | null | undefined };

interface FieldCase {
  field: string;
  scope: ApiScope;
  /** Makes what the field addresses (a contact, a custom variable), then gives what sends it with a key. */
  setUp(): Promise<(key: string) => Promise<Answer>>;
}

function queryAnswer(response: GraphQLResponse<unknown>): Answer {
  const error = response.body.errors?.[0];
  if (error === undefined) return { ran: true };
  expect(error.extensions?.code).toBe("FORBIDDEN");
  // A nullable field is null; a refused non-null one nulls the whole data.
  const data = response.body.data as Record<string, unknown> | null;
  if (data !== null) expect(Object.values(data)).toEqual([null]);
  return { refused: error.extensions?.missingScope as string | undefined };
}

function mutationAnswer(result: { __typename: string; missingScope?: string | null }): Answer {
  return result.__typename === "ForbiddenError" ? { refused: result.missingScope } : { ran: true };
}

async function someContactId() {
  return (await createContact(app, { firstName: "Scoped", ...fresh() })).id;
}

async function someCustomVariableId() {
  sequence += 1;
  return (await app.defineCustomVariable(app.tenant.workspaceId, `Scoped ${sequence}`)).id;
}
let sequence = 0;

const FIELDS: FieldCase[] = [
  {
    field: "contact",
    scope: "contacts:read",
    setUp: async () => {
      const id = await someContactId();
      return async (key) => queryAnswer(await app.graphql(key, ScopedContactDocument, { id }));
    },
  },
  {
    field: "contacts",
    scope: "contacts:read",
    setUp: async () => async (key) => queryAnswer(await app.graphql(key, ScopedContactsDocument)),
  },
  {
    field: "tags",
    scope: "contacts:read",
    setUp: async () => async (key) => queryAnswer(await app.graphql(key, ScopedTagsDocument)),
  },
  {
    field: "customVariables",
    scope: "contacts:read",
    setUp: async () => async (key) => queryAnswer(await app.graphql(key, ScopedCustomVariablesDocument)),
  },
  {
    field: "workspace",
    scope: "contacts:read",
    setUp: async () => async (key) => queryAnswer(await app.graphql(key, ScopedWorkspaceDocument)),
  },
  {
    field: "workspaces",
    scope: "contacts:read",
    setUp: async () => async (key) => queryAnswer(await app.graphql(key, ScopedWorkspacesDocument)),
  },
  {
    field: "createContact",
    scope: "contacts:write",
    setUp: async () => async (key) => {
      const response = await app.graphql(key, ScopedCreateContactDocument, { input: { tags: ["scoped"], ...fresh() } });
      return mutationAnswer(response.data.createContact);
    },
  },
  {
    field: "upsertContact",
    scope: "contacts:write",
    setUp: async () => async (key) => {
      const response = await app.graphql(key, ScopedUpsertContactDocument, { input: { tags: ["scoped"], ...fresh() } });
      return mutationAnswer(response.data.upsertContact);
    },
  },
  {
    field: "importContacts",
    scope: "contacts:write",
    setUp: async () => async (key) => {
      const response = await app.graphql(key, ScopedImportContactsDocument, {
        input: { mode: "CREATE", contacts: [{ tags: ["scoped"], ...fresh() }] },
      });
      return mutationAnswer(response.data.importContacts);
    },
  },
  {
    field: "updateContact",
    scope: "contacts:write",
    setUp: async () => {
      const id = await someContactId();
      return async (key) => {
        const response = await app.graphql(key, ScopedUpdateContactDocument, { id, input: { tags: ["scoped"] } });
        return mutationAnswer(response.data.updateContact);
      };
    },
  },
  {
    field: "deleteContact",
    scope: "contacts:write",
    setUp: async () => {
      const id = await someContactId();
      return async (key) =>
        mutationAnswer((await app.graphql(key, ScopedDeleteContactDocument, { id })).data.deleteContact);
    },
  },
  {
    field: "createCustomVariable",
    scope: "workspace:admin",
    setUp: async () => async (key) => {
      sequence += 1;
      const response = await app.graphql(key, ScopedCreateCustomVariableDocument, {
        input: { name: `Created ${sequence}` },
      });
      return mutationAnswer(response.data.createCustomVariable);
    },
  },
  {
    field: "renameCustomVariable",
    scope: "workspace:admin",
    setUp: async () => {
      const id = await someCustomVariableId();
      return async (key) => {
        sequence += 1;
        const response = await app.graphql(key, ScopedRenameCustomVariableDocument, {
          id,
          name: `Renamed ${sequence}`,
        });
        return mutationAnswer(response.data.renameCustomVariable);
      };
    },
  },
  {
    field: "deleteCustomVariable",
    scope: "workspace:admin",
    setUp: async () => {
      const id = await someCustomVariableId();
      return async (key) =>
        mutationAnswer((await app.graphql(key, ScopedDeleteCustomVariableDocument, { id })).data.deleteCustomVariable);
    },
  },
  {
    field: "updateWorkspace",
    scope: "workspace:admin",
    setUp: async () => async (key) => {
      sequence += 1;
      const response = await app.graphql(key, ScopedUpdateWorkspaceDocument, {
        id: app.tenant.workspaceId,
        input: { name: `Acme main ${sequence}` },
      });
      return mutationAnswer(response.data.updateWorkspace);
    },
  },
];

/** Everything a refused request must leave as it was. */
async function snapshot() {
  const prisma = app.db.prisma;
  return {
    rows: await countRows(app),
    customVariables: await prisma.customVariable.findMany({ orderBy: { id: "asc" } }),
    workspaces: await prisma.workspace.findMany({ orderBy: { id: "asc" } }),
    contacts: await prisma.contact.findMany({ orderBy: { id: "asc" } }),
  };
}

describe("API key scopes", () => {
  it("cover every root field of the schema, each field needing exactly one", () => {
    const rootFields = [schema.getQueryType(), schema.getMutationType()].flatMap((type) =>
      Object.keys(type?.getFields() ?? {}),
    );
    // createClientToken needs the scopes it grants, whichever they are (test/access/client-tokens.test.ts).
    const scoped = rootFields.filter((field) => field !== "createClientToken");
    expect(FIELDS.map((field) => field.field).sort()).toEqual(scoped.sort());
  });

  for (const { field, scope, setUp } of FIELDS) {
    for (const keyScope of API_SCOPES) {
      if (keyScope === scope) {
        it(`${field} runs for a key with ${scope}`, async () => {
          const send = await setUp();
          expect(await send(keyWith[keyScope])).toEqual({ ran: true });
        });
      } else {
        it(`${field} is refused, naming ${scope}, for a key with only ${keyScope}; nothing changes`, async () => {
          const send = await setUp();
          const before = await snapshot();
          expect(await send(keyWith[keyScope])).toEqual({ refused: scope });
          expect(await snapshot()).toEqual(before);
        });
      }
    }
  }

  it("a refused mutation writes nothing: no contact, tag, link, value or custom variable", async () => {
    const readOnly = keyWith["contacts:read"];
    const before = await snapshot();
    const created = await app.graphql(readOnly, ScopedCreateContactDocument, {
      input: { tags: ["never-made"], ...fresh() },
    });
    const upserted = await app.graphql(readOnly, ScopedUpsertContactDocument, { input: { ...fresh() } });
    const variable = await app.graphql(readOnly, ScopedCreateCustomVariableDocument, { input: { name: "Never" } });
    const renamed = await app.graphql(readOnly, ScopedUpdateWorkspaceDocument, {
      id: app.tenant.workspaceId,
      input: { name: "Renamed by a reader" },
    });
    for (const result of [
      created.data.createContact,
      upserted.data.upsertContact,
      variable.data.createCustomVariable,
      renamed.data.updateWorkspace,
    ]) {
      expect(result.__typename).toBe("ForbiddenError");
    }
    expect(await snapshot()).toEqual(before);
  });

  it("a missing scope is answered before the input is judged", async () => {
    const response = await app.graphql(keyWith["contacts:read"], ScopedCreateContactDocument, {
      input: { email: "not-an-address", phone: "12", customFields: { Nope: 1 } },
    });
    expect(response.data.createContact).toEqual({
      __typename: "ForbiddenError",
      message: "This API key lacks the contacts:write scope",
      missingScope: "contacts:write",
    });
  });

  it("a query names the missing scope in its FORBIDDEN error", async () => {
    const response = await app.graphql(keyWith["contacts:write"], ScopedContactsDocument);
    expect(response.status).toBe(200);
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        message: "This API key lacks the contacts:read scope",
        path: ["contacts"],
        extensions: { code: "FORBIDDEN", missingScope: "contacts:read" },
      }),
    ]);
  });

  it("an account key's scopes hold in every workspace it reaches", async () => {
    const { apiKey } = await app.createApiKey({ accountId: app.tenant.accountId }, ["contacts:read"]);
    const response = await app.graphql(apiKey, ScopedCreateContactDocument, {
      input: { workspaceId: app.tenant.otherWorkspaceId, ...fresh() },
    });
    expect(response.data.createContact).toMatchObject({ __typename: "ForbiddenError", missingScope: "contacts:write" });
    expect(queryAnswer(await app.graphql(apiKey, ScopedWorkspacesDocument))).toEqual({ ran: true });
  });

  it("introspection and __typename need no scope", async () => {
    const key = keyWith["workspace:admin"];
    const response = await app.graphql(key, "{ __typename __schema { queryType { name } } }");
    expect(response.body).toEqual({ data: { __typename: "Query", __schema: { queryType: { name: "Query" } } } });
  });

  it("a key made without scopes has all three", async () => {
    const { apiKey, scopes } = await app.createApiKey({ workspaceId: app.tenant.workspaceId });
    expect(scopes).toEqual([...API_SCOPES]);
    for (const { setUp } of FIELDS) expect(await (await setUp())(apiKey)).toEqual({ ran: true });
  });
});
