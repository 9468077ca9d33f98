import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { type DocumentNode, print } from "graphql";
import { expect } from "vitest";
import { createAccount, createApiKey, createWorkspace } from "../../src/access/accounts.js";
import type { ApiScope } from "../../src/access/scopes.js";
import { loadConfig } from "../../src/config.js";
import { defineCustomVariable } from "../../src/custom-variables/custom-variables.service.js";
import { type AppOptions, createApp } from "../../src/server/app.js";
import { CreateContactDocument } from "./generated/graphql.js";
import { type GraphQLResponse, graphQLResponse, textOf } from "./graphql-response.js";
import { openTestDatabase, type TestDatabase } from "./test-database.js";

export type { GraphQLBody, GraphQLError, GraphQLResponse } from "./graphql-response.js";
export { readResponse } from "./graphql-response.js";

/**
 * The variables of a typed document, as `graphql()` takes them: required when the operation has a
 * required variable, optional when it has none.
 */
type VariablesOf<Variables> =
  Record<string, never> extends Variables ? [variables?: Variables] : [variables: Variables];

/**
 * A value the schema's types refuse, sent on purpose (a list where a custom value goes, an input field
 * the schema lacks) to test how the server refuses it; the document and its result stay typed.
 */
export function unchecked(value: unknown): never {
  return value as never;
}

/**
 * `value`, narrowed to the member of its union named `typename`; the test fails when it is another
 * (or null). The way a test reads a union result: `expectTypename(data.createContact, "ConflictError")`.
 */
export function expectTypename<Value extends { __typename: string }, Typename extends Value["__typename"]>(
  value: Value | null | undefined,
  typename: Typename,
): Extract<Value, { __typename: Typename }> {
  expect(value?.__typename).toBe(typename);
  return value as Extract<Value, { __typename: Typename }>;
}

/** The data of a response that must have succeeded: HTTP 200, no errors. */
export async function expectData<Data>(
  response: GraphQLResponse<Data> | Promise<GraphQLResponse<Data>>,
): Promise<Data> {
  const { status, errors, data } = await response;
  expect(status).toBe(200);
  expect(errors).toBeUndefined();
  return data;
}

export interface Tenant {
  accountId: string;
  /** An account-scoped key. */
  accountKey: string;
  workspaceId: string;
  /** A key scoped to `workspaceId`. */
  workspaceKey: string;
  /** A second workspace of the same account. */
  otherWorkspaceId: string;
  otherWorkspaceKey: string;
}

/**
 * A server on a fresh database, called the way a client calls it (`yoga.fetch`), with two tenants:
 * `tenant` (the one under test) and `stranger` (another account, for cross-tenant checks).
 */
/** The settings a server gets with no environment at all (rate limits are off unless a test passes a limiter). */
export const defaultAppConfig = loadConfig({});

export async function startTestApp(options: { logQueries?: boolean; app?: Partial<Omit<AppOptions, "prisma">> } = {}) {
  const db = await openTestDatabase(options);
  const yoga = createApp({ prisma: db.prisma, config: defaultAppConfig, ...options.app });

  async function makeTenant(name: string): Promise<Tenant> {
    const account = await createAccount(db.prisma, { name });
    const main = await createWorkspace(db.prisma, { accountId: account.accountId, name: `${name} main` });
    const other = await createWorkspace(db.prisma, { accountId: account.accountId, name: `${name} other` });
    return {
      accountId: account.accountId,
      accountKey: account.apiKey,
      workspaceId: main.workspaceId,
      workspaceKey: main.apiKey,
      otherWorkspaceId: other.workspaceId,
      otherWorkspaceKey: other.apiKey,
    };
  }

  const tenant = await makeTenant("Acme");
  const stranger = await makeTenant("Globex");

  /**
   * Posts one GraphQL operation with `Authorization: Bearer <key>` (no header when key is null).
   * Given a typed document (test/support/operations/*.graphql, generated into test/support/generated/),
   * its variables are checked and its result typed. A string is for what no typed document can be:
   * a malformed or over-limit query, a document the schema refuses; its result is untyped.
   */
  async function graphql<Data, Variables>(
    key: string | null,
    document: TypedDocumentNode<Data, Variables>,
    ...variables: VariablesOf<Variables>
  ): Promise<GraphQLResponse<Data>>;
  async function graphql<Data = Record<string, unknown>>(
    key: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<Data>>;
  async function graphql(
    key: string | null,
    document: string | DocumentNode,
    variables?: unknown,
  ): Promise<GraphQLResponse<unknown>> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (key !== null) headers.authorization = `Bearer ${key}`;
    const response = await yoga.fetch("http://test/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify({ query: textOf(document), variables }),
    });
    return graphQLResponse(response.status, response.headers, await response.json());
  }

  return {
    db: db as TestDatabase,
    yoga,
    tenant,
    stranger,
    graphql,
    makeTenant,
    defineCustomVariable: (workspaceId: string, name: string) => defineCustomVariable(db.prisma, workspaceId, name),
    createApiKey: (scope: { accountId: string } | { workspaceId: string }, scopes?: readonly ApiScope[]) =>
      createApiKey(db.prisma, scope, "live", scopes),
    close: () => db.close(),
  };
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/** Counts the rows a failed request must not have written. */
export async function countRows(app: TestApp) {
  const prisma = app.db.prisma;
  const [contacts, tags, links, values] = await Promise.all([
    prisma.contact.count(),
    prisma.tag.count(),
    prisma.contactTag.count(),
    prisma.contactCustomValue.count(),
  ]);
  return { contacts, tags, links, values };
}

/**
 * The createContact document as text, for the tests that send it untyped (the fuzz and load tests,
 * whose inputs are generated); others use the typed `CreateContactDocument`.
 */
export const CREATE_CONTACT = print(CreateContactDocument);
