import type { AnyVariables, Client, OperationResult, TypedDocumentNode } from "@urql/core";
import {
  ContactDocument,
  type ContactQuery,
  ContactsDocument,
  type ContactsQuery,
  type ContactsQueryVariables,
  CreateContactDocument,
  type CreateContactInput,
  type CreateContactMutation,
  CreateCustomVariableDocument,
  type CreateCustomVariableInput,
  type CreateCustomVariableMutation,
  CustomVariablesDocument,
  type CustomVariablesQuery,
  DeleteContactDocument,
  type DeleteContactMutation,
  DeleteCustomVariableDocument,
  type DeleteCustomVariableMutation,
  RenameCustomVariableDocument,
  type RenameCustomVariableMutation,
  TagsDocument,
  type TagsQuery,
  UpdateContactDocument,
  type UpdateContactInput,
  type UpdateContactMutation,
  UpsertContactDocument,
  type UpsertContactInput,
  type UpsertContactMutation,
} from "./generated/graphql.js";

/**
 * One operation of the API: its typed document, how the caller's arguments become its variables,
 * and which part of the response is the result. The hooks (hooks.ts) and `run` share these.
 */
export interface Operation<Data, Variables extends AnyVariables, Args extends unknown[], Result> {
  document: TypedDocumentNode<Data, Variables>;
  variables: (...args: Args) => Variables;
  pick: (data: Data) => Result;
}

function operation<Data, Variables extends AnyVariables, Args extends unknown[], Result>(
  document: TypedDocumentNode<Data, Variables>,
  variables: (...args: Args) => Variables,
  pick: (data: Data) => Result,
): Operation<Data, Variables, Args, Result> {
  return { document, variables, pick };
}

export const createContact = operation(
  CreateContactDocument,
  (input: CreateContactInput) => ({ input }),
  (data: CreateContactMutation) => data.createContact,
);
export const upsertContact = operation(
  UpsertContactDocument,
  (input: UpsertContactInput) => ({ input }),
  (data: UpsertContactMutation) => data.upsertContact,
);
export const updateContact = operation(
  UpdateContactDocument,
  (id: string, input: UpdateContactInput) => ({ id, input }),
  (data: UpdateContactMutation) => data.updateContact,
);
export const deleteContact = operation(
  DeleteContactDocument,
  (id: string) => ({ id }),
  (data: DeleteContactMutation) => data.deleteContact,
);
export const createCustomVariable = operation(
  CreateCustomVariableDocument,
  (input: CreateCustomVariableInput) => ({ input }),
  (data: CreateCustomVariableMutation) => data.createCustomVariable,
);
export const renameCustomVariable = operation(
  RenameCustomVariableDocument,
  (id: string, name: string) => ({ id, name }),
  (data: RenameCustomVariableMutation) => data.renameCustomVariable,
);
export const deleteCustomVariable = operation(
  DeleteCustomVariableDocument,
  (id: string) => ({ id }),
  (data: DeleteCustomVariableMutation) => data.deleteCustomVariable,
);

export const contact = operation(
  ContactDocument,
  (id: string) => ({ id }),
  (data: ContactQuery) => data.contact,
);
/** `first` (default 20, at most 100), `after` (the previous page's `endCursor`), `filter`, `workspaceId`. */
export type ContactsVariables = ContactsQueryVariables;

export const contacts = operation(
  ContactsDocument,
  (variables: ContactsVariables = {}) => variables,
  (data: ContactsQuery) => data.contacts,
);
export const customVariables = operation(
  CustomVariablesDocument,
  (workspaceId?: string | null) => ({ workspaceId }),
  (data: CustomVariablesQuery) => data.customVariables,
);
export const tags = operation(
  TagsDocument,
  (workspaceId?: string | null) => ({ workspaceId }),
  (data: TagsQuery) => data.tags,
);

/**
 * The result of a response. A typed error (`ValidationError`, `ConflictError`, …) is a result, not
 * an exception; what is not part of the contract (the network, a refused API key: HTTP 401
 * `UNAUTHENTICATED`, an input GraphQL itself refuses) is thrown as urql's `CombinedError`.
 */
export function resultOf<Data, Result>(response: OperationResult<Data>, pick: (data: Data) => Result): Result {
  if (response.error) throw response.error;
  if (response.data === undefined || response.data === null) throw new Error("The contacts API sent no data.");
  return pick(response.data);
}

/** Runs one operation outside React: `await run(client, createContact, { email: "ada@example.com" })`. */
export async function run<Data, Variables extends AnyVariables, Args extends unknown[], Result>(
  client: Client,
  { document, variables, pick }: Operation<Data, Variables, Args, Result>,
  ...args: Args
): Promise<Result> {
  const isMutation = document.definitions.some(
    (definition) => definition.kind === "OperationDefinition" && definition.operation === "mutation",
  );
  const request = isMutation
    ? client.mutation(document, variables(...args))
    : client.query(document, variables(...args), { requestPolicy: "network-only" });
  return resultOf(await request.toPromise(), pick);
}
