import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import type { GraphQLFieldResolver } from "graphql";
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

/**
 * Input refused by its input type (plugin-validation throws an InvalidInput from its validationError
 * hook) becomes the field's ValidationFailed here: through the field's `onInvalidInput` handler when
 * it has one, else as it is. plugin-errors, listed before this plugin and with
 * `unsafelyHandleInputErrors`, then answers it as the field's ValidationError.
 */
class InvalidInputPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapArgMappers(
    resolver: GraphQLFieldResolver<unknown, Types["Context"], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types["Context"], object> {
    if (!resolver || fieldConfig.argMappers.length === 0) return resolver;
    const handler = fieldConfig.extensions?.onInvalidInput as InvalidInputHandler<object, Types["Context"]> | undefined;
    const onError = async (error: unknown, args: object, context: Types["Context"]): Promise<never> => {
      if (!(error instanceof InvalidInput)) throw error;
      if (handler) await handler(error.issues, args, context);
      throw error.toValidationFailed();
    };
    return (parent, args, context, info) => {
      try {
        const result = resolver(parent, args, context, info);
        return result instanceof Promise ? result.catch((error) => onError(error, args, context)) : result;
      } catch (error) {
        return onError(error, args, context);
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
