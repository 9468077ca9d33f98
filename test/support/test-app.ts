import { createAccount, createApiKey, createWorkspace } from "../../src/access/accounts.js";
import { loadConfig } from "../../src/config.js";
import { defineCustomVariable } from "../../src/custom-variables/custom-variables.service.js";
import { type AppOptions, createApp } from "../../src/server/app.js";
import { openTestDatabase, type TestDatabase } from "./test-database.js";

export interface GraphQLResponse<Data = Record<string, any>> {
  status: number;
  headers: Headers;
  body: { data?: Data | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
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

  /** Posts one GraphQL operation with `Authorization: Bearer <key>` (no header when key is null). */
  async function graphql<Data = Record<string, any>>(
    key: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<Data>> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (key !== null) headers.authorization = `Bearer ${key}`;
    const response = await yoga.fetch("http://test/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, headers: response.headers, body: await response.json() };
  }

  return {
    db: db as TestDatabase,
    yoga,
    tenant,
    stranger,
    graphql,
    makeTenant,
    defineCustomVariable: (workspaceId: string, name: string) => defineCustomVariable(db.prisma, workspaceId, name),
    createApiKey: (scope: { accountId: string } | { workspaceId: string }) => createApiKey(db.prisma, scope),
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

export const CREATE_CONTACT = /* GraphQL */ `
  mutation CreateContact($input: CreateContactInput!) {
    createContact(input: $input) {
      __typename
      ... on CreateContactSuccess {
        contact {
          id
          workspaceId
          firstName
          lastName
          email
          phone
          timezone
          tags { id name }
          customFields { name value }
          createdAt
          updatedAt
        }
      }
      ... on ValidationError { message issues { path code message } }
      ... on ConflictError { message conflicts { field existingContactId } }
      ... on ForbiddenError { message }
    }
  }
`;
