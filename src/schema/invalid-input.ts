import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import type { GraphQLFieldResolver, GraphQLResolveInfo } from "graphql";
import { InvalidInput, type ValidationIssue } from "../errors/validation-issues.js";

/** What a field adds to the issues of input its input type refused; it throws the answer. */
export type InvalidInputHandler<Args, Context> = (
  issues: readonly ValidationIssue[],
  args: Args,
  context: Context,
) => Promise<never>;

/**
 * Field extensions naming the field's handler: a contact write judges its custom field names by the
 * workspace's variables even when other fields failed, so that one answer lists every broken rule.
 */
export function onInvalidInput<Args, Context>(handler: InvalidInputHandler<Args, Context>) {
  return { onInvalidInput: handler };
}

/** Set in a resolver's args (instead of the input) when the input type refused its input. */
const REFUSED_INPUT = Symbol("refused input");

interface RefusedInputArgs {
  [REFUSED_INPUT]: { error: InvalidInput; args: object };
}

function refusedInputOf(args: object): RefusedInputArgs[typeof REFUSED_INPUT] | undefined {
  return (args as Partial<RefusedInputArgs>)[REFUSED_INPUT];
}

/** Whether a field's arguments are validated (plugin-validation, listed after this plugin, has added its mapper). */
function validatesArgs(fieldConfig: { argMappers: readonly unknown[] }): boolean {
  return fieldConfig.argMappers.length > 0;
}

/**
 * Input refused by its input type (plugin-validation throws an InvalidInput from its validationError
 * hook) becomes the field's ValidationFailed: through the field's `onInvalidInput` handler when it
 * has one, else as it is. plugin-errors, listed before this plugin and with
 * `unsafelyHandleInputErrors`, then answers it as the field's ValidationError.
 *
 * Pothos maps (validates) arguments before any plugin's resolver wrapper runs, so scope-auth, listed
 * after this plugin, would only see valid input. To answer a key that lacks the field's scope with
 * ForbiddenError whatever its input, a refused input runs the wrapped resolvers (scope-auth first)
 * with the refusal in place of the arguments, and the field's own resolver answers it.
 */
class InvalidInputPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  private readonly wrappedResolvers = new WeakMap<object, GraphQLFieldResolver<unknown, Types["Context"], object>>();

  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const resolve = fieldConfig.resolve as GraphQLFieldResolver<unknown, Types["Context"], object> | undefined;
    if (!resolve || !validatesArgs(fieldConfig)) return fieldConfig;
    const handler = fieldConfig.extensions?.onInvalidInput as InvalidInputHandler<object, Types["Context"]> | undefined;
    return {
      ...fieldConfig,
      resolve: (async (parent, args, context, info) => {
        const refused = refusedInputOf(args);
        if (!refused) return resolve(parent, args, context, info);
        if (handler) await handler(refused.error.issues, refused.args, context);
        throw refused.error.toValidationFailed();
      }) as typeof fieldConfig.resolve,
    };
  }

  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types["Context"], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types["Context"], object> {
    if (validatesArgs(fieldConfig)) this.wrappedResolvers.set(fieldConfig, resolver);
    return resolver;
  }

  override wrapArgMappers(
    resolver: GraphQLFieldResolver<unknown, Types["Context"], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types["Context"], object> {
    const wrapped = this.wrappedResolvers.get(fieldConfig);
    if (!resolver || !wrapped) return resolver;
    const onError = (
      error: unknown,
      parent: unknown,
      args: object,
      context: Types["Context"],
      info: GraphQLResolveInfo,
    ) => {
      if (!(error instanceof InvalidInput)) throw error;
      return wrapped(parent, { [REFUSED_INPUT]: { error, args } }, context, info);
    };
    return (parent, args, context, info) => {
      try {
        const result = resolver(parent, args, context, info);
        return result instanceof Promise
          ? result.catch((error) => onError(error, parent, args, context, info))
          : result;
      } catch (error) {
        return onError(error, parent, args, context, info);
      }
    };
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      invalidInput: InvalidInputPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin("invalidInput", InvalidInputPlugin);

export default "invalidInput" as const;
