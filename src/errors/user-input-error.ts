import { GraphQLError } from "graphql";
import { ValidationFailed } from "./domain-errors.js";

/**
 * For the few fields whose result is not a union (list queries): their validation failures become
 * a GraphQL error with code BAD_USER_INPUT and the same issues, instead of a masked internal error.
 */
export async function asGraphQLError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ValidationFailed)) throw error;
    throw new GraphQLError(error.message, { extensions: { code: "BAD_USER_INPUT", issues: error.issues } });
  }
}
