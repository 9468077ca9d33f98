import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import { DateTimeResolver, JSONObjectResolver } from "graphql-scalars";
import type PrismaTypes from "../generated/pothos-types.js";
import { getDatamodel } from "../generated/pothos-types.js";
import type { GraphQLContext } from "../server/context.js";
import { currentRequestRecord } from "../server/observability/request-context.js";
import DatabaseTurnsPlugin from "../server/plugins/database-turns.js";

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    ID: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
  };
}>({
  plugins: [ErrorsPlugin, PrismaPlugin, RelayPlugin, DatabaseTurnsPlugin],
  defaultFieldNullability: false,
  prisma: {
    client: (context) => context.prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
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
  },
});

builder.queryType({ description: "Reads. Every field needs an API key (`Authorization: Bearer <key>`)." });
builder.mutationType({ description: "Writes. Every field needs an API key (`Authorization: Bearer <key>`)." });

builder.addScalarType("DateTime", DateTimeResolver, {});
builder.addScalarType("JSONObject", JSONObjectResolver, {});
