import type { FragmentDefinitionNode } from "graphql";
import { GraphQLError, getOperationAST, Kind, type OperationDefinitionNode, type SelectionSetNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Authenticator, Caller } from "./domain/access/api-keys.js";
import type { PrismaClient } from "./generated/prisma/client.js";

/** What every resolver gets: the database and who is calling (null: no valid key). */
export interface GraphQLContext {
  prisma: PrismaClient;
  caller: Caller | null;
}

export async function createContext(
  prisma: PrismaClient,
  authenticate: Authenticator,
  request: Request,
): Promise<GraphQLContext> {
  return { prisma, caller: await authenticate(request.headers.get("authorization")) };
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
 * load the schema.
 */
export function requireApiKeyForData(): Plugin<GraphQLContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as GraphQLContext;
      if (context.caller) return;
      const operation = getOperationAST(args.document, args.operationName);
      if (operation && selectsData(operation, args.document.definitions)) {
        setResultAndStopExecution({ errors: [unauthenticated()] });
      }
    },
  };
}

function selectsData(operation: OperationDefinitionNode, definitions: readonly { kind: Kind }[]): boolean {
  const fragments = new Map(
    definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const visit = (selectionSet: SelectionSetNode, seen: Set<string>): boolean =>
    selectionSet.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return !selection.name.value.startsWith("__");
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet, seen);
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || seen.has(name)) return false;
      return visit(fragment.selectionSet, new Set([...seen, name]));
    });
  return visit(operation.selectionSet, new Set());
}
