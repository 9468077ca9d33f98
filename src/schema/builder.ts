import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin, { type AuthFailure, AuthScopeFailureType } from "@pothos/plugin-scope-auth";
import ValidationPlugin from "@pothos/plugin-validation";
import { GraphQLError } from "graphql";
import { DateTimeResolver, JSONObjectResolver } from "graphql-scalars";
import { API_SCOPES, type ApiScope, isApiScope } from "../access/scopes.js";
import { ForbiddenError } from "../errors/domain-errors.js";
import { InvalidInput, validationIssuesOf } from "../errors/validation-issues.js";
import type { GraphQLContext } from "../server/context.js";
import { currentRequestRecord } from "../server/observability/request-context.js";
import DatabaseTurnsPlugin from "../server/plugins/database-turns.js";
import InvalidInputPlugin from "./invalid-input.js";

/** The scope a field's check found missing (its `authScopes` name one, so one is found). */
function missingScopeOf(failure: AuthFailure): ApiScope | null {
  if (failure.kind === AuthScopeFailureType.AuthScope) return isApiScope(failure.scope) ? failure.scope : null;
  if (failure.kind === AuthScopeFailureType.AnyAuthScopes || failure.kind === AuthScopeFailureType.AllAuthScopes) {
    for (const inner of failure.failures) {
      const scope = missingScopeOf(inner);
      if (scope) return scope;
    }
  }
  return null;
}

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  AuthScopes: Record<ApiScope, boolean>;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    ID: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
  };
}>({
  // plugin-errors wraps InvalidInputPlugin, which wraps the validation of the arguments and hands a
  // refused input to scope-auth first, so a key without the field's scope gets ForbiddenError.
  plugins: [ErrorsPlugin, InvalidInputPlugin, ScopeAuthPlugin, ValidationPlugin, RelayPlugin, DatabaseTurnsPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    // A request without a valid key never gets here (requireApiKeyForData answers 401 first).
    authScopes: (context) => {
      const scopes = context.caller?.scopes ?? [];
      return Object.fromEntries(API_SCOPES.map((scope) => [scope, scopes.includes(scope)])) as Record<
        ApiScope,
        boolean
      >;
    },
    // A mutation answers its typed ForbiddenError; a query, a GraphQL error coded FORBIDDEN.
    unauthorizedError: (_parent, _context, info, result) => {
      const error = new ForbiddenError(missingScopeOf(result.failure));
      if (info.operation.operation === "mutation") return error;
      return new GraphQLError(error.message, { extensions: { code: "FORBIDDEN", missingScope: error.missingScope } });
    },
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    edgesFieldOptions: { nullable: false, description: "The items of this page, in order." },
    nodeFieldOptions: { nullable: false, description: "The item." },
    cursorFieldOptions: { description: "Pass as `after` to get the items that follow this one." },
    pageInfoFieldOptions: { description: "Where this page sits in the whole list." },
    pageInfoTypeOptions: { description: "Where a page sits in a paginated list." },
    hasNextPageFieldOptions: { description: "True when more items follow this page." },
    hasPreviousPageFieldOptions: { description: "True when this page was asked for with `after`." },
    startCursorFieldOptions: { description: "The cursor of the first item of this page; null for an empty page." },
    endCursorFieldOptions: { description: "The cursor of the last item: pass it as `after` for the next page." },
  },
  errors: {
    defaultTypes: [],
    // Typed failures are answers, not errors: record which one for the request's log line and metrics.
    onResolvedError: (error) => currentRequestRecord()?.outcomes.push(error.name),
    // A ValidationFailed thrown while the arguments are validated is answered as the field's ValidationError.
    unsafelyHandleInputErrors: true,
  },
  validation: {
    // Every issue of an input type, with our codes, and paths from the argument's value (`input`) down.
    validationError: (failure) =>
      new InvalidInput(validationIssuesOf(failure.issues).map((issue) => ({ ...issue, path: issue.path.slice(1) }))),
  },
});

builder.queryType({ description: "Reads. Every field needs an API key (`Authorization: Bearer <key>`)." });
builder.mutationType({ description: "Writes. Every field needs an API key (`Authorization: Bearer <key>`)." });

builder.addScalarType("DateTime", DateTimeResolver, {});
builder.addScalarType("JSONObject", JSONObjectResolver, {});
