import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import type { GraphQLFieldResolver } from "graphql";
import pLimit, { type LimitFunction } from "p-limit";

/**
 * How many of one request's fields may read the database at once. GraphQL resolves a query's root
 * fields side by side, so without a cap one request of 15 aliases would hold 15 pooled connections
 * and every other caller would wait for them.
 */
export const DATABASE_TURNS_PER_REQUEST = 2;

/** A request's turns at the database: each field that reads it waits for one. */
export function createDatabaseTurns(): LimitFunction {
  return pLimit(DATABASE_TURNS_PER_REQUEST);
}

/** Marks a field below the root whose resolver reads the database (root query fields all do). */
export const READS_DATABASE = { readsDatabase: true } as const;

/**
 * Runs every root query field, and every field marked `READS_DATABASE`, inside one of the request's
 * database turns (`context.databaseTurns`). Mutations need none: GraphQL runs their root fields
 * one after another.
 */
class DatabaseTurnsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types["Context"], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types["Context"], object> {
    const readsDatabase = fieldConfig.kind === "Query" || fieldConfig.extensions?.readsDatabase === true;
    if (!readsDatabase) return resolver;
    return (parent, args, context, info) =>
      (context as { databaseTurns: LimitFunction }).databaseTurns(() => resolver(parent, args, context, info));
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      databaseTurns: DatabaseTurnsPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin("databaseTurns", DatabaseTurnsPlugin);

export default "databaseTurns" as const;
