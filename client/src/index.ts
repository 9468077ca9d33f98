/**
 * @contacts-api/client: typed React hooks for the contacts API, on urql.
 *
 * The documents and their types are generated (`npm run codegen`) from schema.graphql and the
 * operations in src/operations/*.graphql into src/generated/.
 */
export {
  type Client,
  type CombinedError,
  type OperationContext,
  Provider,
  type RequestPolicy,
} from "urql";
export { type ClientToken, type ContactsClientOptions, createContactsClient } from "./client.js";
export { ContactsList, type ContactsListState } from "./contacts-list.js";
export * from "./generated/graphql.js";
export * from "./hooks.js";
export * as operations from "./operations.js";
export {
  type ArgsWithContext,
  type ContactsVariables,
  type Operation,
  type RequestContext,
  resultOf,
  run,
} from "./operations.js";
export type * from "./results.js";
