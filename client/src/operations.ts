import type { AnyVariables, Client, OperationContext, OperationResult, TypedDocumentNode } from "urql";
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
  ImportContactsDocument,
  type ImportContactsInput,
  type ImportContactsMutation,
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
  /** How many arguments `variables` takes, optional ones included: the caller's next one is the context. */
  arity: Required<Args>["length"];
  variables: (...args: Args) => Variables;
  pick: (data: Data) => Result;
}

/**
 * What urql takes for one request, after the operation's own arguments: `fetchOptions` (such as an
 * `Idempotency-Key` header), `requestPolicy`, `additionalTypenames` and the rest of its context.
 */
export type RequestContext = Partial<OperationContext>;

/** An operation's arguments, then optionally the context of that one request. */
export type ArgsWithContext<Args extends unknown[]> = [...Args, context?: RequestContext];

/** The compiler checks `arity` against the parameters of `variables`. */
function operation<Data, Variables extends AnyVariables, Args extends unknown[], Result>(
  document: TypedDocumentNode<Data, Variables>,
  arity: Required<Args>["length"],
  variables: (...args: Args) => Variables,
  pick: (data: Data) => Result,
): Operation<Data, Variables, Args, Result> {
  return { document, arity, variables, pick };
}

/** Splits a call's arguments into the operation's variables and the request context that may follow. */
export function splitContext<Args extends unknown[]>(
  { arity }: { arity: number },
  args: ArgsWithContext<Args>,
): [Args, RequestContext | undefined] {
  return [args.slice(0, arity) as Args, args[arity] as RequestContext | undefined];
}

export const createContact = operation(
  CreateContactDocument,
  1,
  (input: CreateContactInput) => ({ input }),
  (data: CreateContactMutation) => data.createContact,
);
export const upsertContact = operation(
  UpsertContactDocument,
  1,
  (input: UpsertContactInput) => ({ input }),
  (data: UpsertContactMutation) => data.upsertContact,
);
export const updateContact = operation(
  UpdateContactDocument,
  2,
  (id: string, input: UpdateContactInput) => ({ id, input }),
  (data: UpdateContactMutation) => data.updateContact,
);
export const deleteContact = operation(
  DeleteContactDocument,
  1,
  (id: string) => ({ id }),
  (data: DeleteContactMutation) => data.deleteContact,
);
/** One batch of up to IMPORT_MAX_ROWS (1,000 by default) rows, each answered on its own. */
export const importContacts = operation(
  ImportContactsDocument,
  1,
  (input: ImportContactsInput) => ({ input }),
  (data: ImportContactsMutation) => data.importContacts,
);
export const createCustomVariable = operation(
  CreateCustomVariableDocument,
  1,
  (input: CreateCustomVariableInput) => ({ input }),
  (data: CreateCustomVariableMutation) => data.createCustomVariable,
);
export const renameCustomVariable = operation(
  RenameCustomVariableDocument,
  2,
  (id: string, name: string) => ({ id, name }),
  (data: RenameCustomVariableMutation) => data.renameCustomVariable,
);
export const deleteCustomVariable = operation(
  DeleteCustomVariableDocument,
  1,
  (id: string) => ({ id }),
  (data: DeleteCustomVariableMutation) => data.deleteCustomVariable,
);

export const contact = operation(
  ContactDocument,
  1,
  (id: string) => ({ id }),
  (data: ContactQuery) => data.contact,
);
/** `first` (default 20, at most 100), `after` (the previous page's `endCursor`), `filter`, `workspaceId`. */
export type ContactsVariables = ContactsQueryVariables;

export const contacts = operation(
  ContactsDocument,
  1,
  (variables: ContactsVariables = {}) => variables,
  (data: ContactsQuery) => data.contacts,
);
export const customVariables = operation(
  CustomVariablesDocument,
  1,
  (workspaceId?: string | null) => ({ workspaceId }),
  (data: CustomVariablesQuery) => data.customVariables,
);
export const tags = operation(
  TagsDocument,
  1,
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

/**
 * Runs one operation outside React: `await run(client, createContact, { email: "ada@example.com" })`;
 * a request context may follow the arguments: `run(client, createContact, input, { fetchOptions })`.
 * A query asks the server (`network-only`) unless the context names another policy.
 */
export async function run<Data, Variables extends AnyVariables, Args extends unknown[], Result>(
  client: Client,
  operation: Operation<Data, Variables, Args, Result>,
  ...argsWithContext: ArgsWithContext<Args>
): Promise<Result> {
  const { document, variables, pick } = operation;
  const [args, context] = splitContext(operation, argsWithContext);
  const isMutation = document.definitions.some(
    (definition) => definition.kind === "OperationDefinition" && definition.operation === "mutation",
  );
  const request = isMutation
    ? client.mutation(document, variables(...args), context)
    : client.query(document, variables(...args), { requestPolicy: "network-only", ...context });
  return resultOf(await request.toPromise(), pick);
}
