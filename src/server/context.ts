import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { LimitFunction } from "p-limit";
import type { Caller } from "../access/api-keys.js";
import { type Authenticator, bearerCredential } from "../access/authentication.js";
import type { ClientTokenKeys } from "../access/client-tokens.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { createDatabaseTurns } from "./plugins/database-turns.js";
import { rootFieldsOf } from "./plugins/root-fields.js";

/** What every resolver gets: the database, who is calling (null: no valid key), this request's database turns. */
export interface GraphQLContext {
  prisma: PrismaClient;
  caller: Caller | null;
  databaseTurns: LimitFunction;
  /** Signs the client tokens createClientToken mints. */
  clientTokens: ClientTokenKeys;
  /** The most rows one importContacts takes. */
  importMaxRows: number;
  /** Set when the request must be refused whatever it asks (a secret key sent from a browser). */
  refusal?: GraphQLError;
}

export interface ContextOptions {
  prisma: PrismaClient;
  authenticate: Authenticator;
  clientTokens: ClientTokenKeys;
  allowSecretKeysFromBrowsers: boolean;
  importMaxRows: number;
}

export async function createContext(options: ContextOptions, request: Request): Promise<GraphQLContext> {
  const { prisma, authenticate, clientTokens, importMaxRows } = options;
  const authorization = request.headers.get("authorization");
  const base = { prisma, clientTokens, importMaxRows, databaseTurns: createDatabaseTurns() };
  if (!options.allowSecretKeysFromBrowsers && bearerCredential(authorization)?.kind === "api_key") {
    const origin = crossSiteOrigin(request);
    if (origin !== null) return { ...base, caller: null, refusal: secretKeyFromBrowser(origin) };
  }
  return { ...base, caller: await authenticate(authorization) };
}

/**
 * The `Origin` of a request a browser sent from another site, or null. Browsers send `Origin` with
 * every POST, and only a browser sends one; a page served by this server (GraphiQL, /app) has our own
 * host. `X-Forwarded-Host` counts as ours too: a cross-site page cannot send it (CORS does not allow
 * that header), and a proxy in front of us sets it.
 */
function crossSiteOrigin(request: Request): string | null {
  const origin = request.headers.get("origin");
  if (origin === null) return null;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return origin; // "null" (a sandboxed frame, a file) or garbage: not our page
  }
  const ours = [new URL(request.url).host, request.headers.get("host"), request.headers.get("x-forwarded-host")];
  return ours.includes(host) ? null : origin;
}

function secretKeyFromBrowser(origin: string): GraphQLError {
  return new GraphQLError(
    `A secret API key was sent from a web page (${origin.slice(0, 200)}). Anyone who opens a page can read its key: ` +
      "browsers must use short-lived client tokens, minted by your backend (README: Authenticating a browser app). " +
      "The key should now be considered exposed: revoke it.",
    { extensions: { code: "SECRET_KEY_FROM_BROWSER", http: { status: 403 } } },
  );
}

/** The caller of a field that reads or writes data; the plugin below has already refused a request without one. */
export function callerOf(context: GraphQLContext): Caller {
  if (!context.caller) throw unauthenticated();
  return context.caller;
}

function unauthenticated(): GraphQLError {
  return new GraphQLError("Unauthenticated", {
    extensions: { code: "UNAUTHENTICATED", http: { status: 401, headers: { "WWW-Authenticate": "Bearer" } } },
  });
}

/**
 * Refuses, with HTTP 401 and nothing else, an operation that touches data when the request has no
 * valid API key. Introspection (`__schema`, `__type`) and `__typename` need no key, so GraphiQL can
 * load the schema. The fields are those that will run (fragments and @skip/@include resolved).
 */
export function requireApiKeyForData(): Plugin<GraphQLContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as GraphQLContext;
      if (context.refusal) return setResultAndStopExecution({ errors: [context.refusal] });
      if (context.caller) return;
      if (selectsData(args)) setResultAndStopExecution({ errors: [unauthenticated()] });
    },
  };
}

/** Whether any root field that will run reads or writes data (null: the operation cannot run). */
function selectsData(args: Parameters<typeof rootFieldsOf>[0]): boolean {
  return (rootFieldsOf(args)?.dataFields ?? 0) > 0;
}
