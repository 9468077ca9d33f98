import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { LimitFunction } from "p-limit";
import type { Authenticator, Caller } from "../access/api-keys.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { createDatabaseTurns } from "./plugins/database-turns.js";
import { rootFieldsOf } from "./plugins/root-fields.js";

/** What every resolver gets: the database, who is calling (null: no valid key), this request's database turns. */
export interface GraphQLContext {
  prisma: PrismaClient;
  caller: Caller | null;
  databaseTurns: LimitFunction;
}

export async function createContext(
  prisma: PrismaClient,
  authenticate: Authenticator,
  request: Request,
): Promise<GraphQLContext> {
  const caller = await authenticate(request.headers.get("authorization"));
  return { prisma, caller, databaseTurns: createDatabaseTurns() };
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
      if (context.caller) return;
      if (selectsData(args)) setResultAndStopExecution({ errors: [unauthenticated()] });
    },
  };
}

/** Whether any root field that will run reads or writes data (null: the operation cannot run). */
function selectsData(args: Parameters<typeof rootFieldsOf>[0]): boolean {
  return (rootFieldsOf(args)?.dataFields ?? 0) > 0;
}
