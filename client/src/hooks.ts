import { useCallback, useMemo } from "react";
import { type AnyVariables, type CombinedError, type OperationContext, useMutation, useQuery } from "urql";
import * as operations from "./operations.js";
import { type Operation, resultOf } from "./operations.js";

/** A mutation hook: its last result and a function that runs it. */
export type MutationHook<Args extends unknown[], Result> = readonly [
  MutationState<Result>,
  (...args: Args) => Promise<Result>,
];

export interface MutationState<Result> {
  fetching: boolean;
  /** The last result: the success or a typed error, narrowed by `switch (result.__typename)`. */
  result: Result | undefined;
  /** Set when the last call failed outside the contract (network, refused key). */
  error: CombinedError | undefined;
}

export interface QueryState<Value> {
  data: Value | undefined;
  fetching: boolean;
  error: CombinedError | undefined;
  /** Asks the server again, bypassing the cache. */
  refetch: () => void;
}

/**
 * The function a mutation hook returns resolves to the operation's result union (a typed error is
 * a result) and rejects with urql's `CombinedError` for what the contract does not type.
 */
function useOperationMutation<Data, Variables extends AnyVariables, Args extends unknown[], Result>({
  document,
  variables,
  pick,
}: Operation<Data, Variables, Args, Result>): MutationHook<Args, Result> {
  const [state, execute] = useMutation(document);
  const mutate = useCallback(
    async (...args: Args) => resultOf(await execute(variables(...args)), pick),
    [execute, variables, pick],
  );
  const result = useMemo(() => (state.data === undefined ? undefined : pick(state.data)), [state.data, pick]);
  return [{ fetching: state.fetching, result, error: state.error }, mutate];
}

function useOperationQuery<Data, Variables extends AnyVariables, Args extends unknown[], Value>(
  { document, variables, pick }: Operation<Data, Variables, Args, Value>,
  context: Partial<OperationContext>,
  pause: boolean,
  ...args: Args
): QueryState<Value> {
  const [state, reexecute] = useQuery<Data, Variables>({
    query: document,
    variables: variables(...args),
    context,
    pause,
  });
  const refetch = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);
  const data = useMemo(() => (state.data === undefined ? undefined : pick(state.data)), [state.data, pick]);
  return { data, fetching: state.fetching, error: state.error, refetch };
}

// urql's document cache refetches a query when a mutation's result holds one of the typenames the
// query showed. An empty list shows none, and a deletion returns only an id: these name the
// typenames that must refetch each query all the same.
const CONTACTS_CONTEXT: Partial<OperationContext> = {
  additionalTypenames: ["Contact", "DeleteContactSuccess", "CustomVariable", "DeleteCustomVariableSuccess"],
};
const CUSTOM_VARIABLES_CONTEXT: Partial<OperationContext> = {
  additionalTypenames: ["CustomVariable", "DeleteCustomVariableSuccess"],
};
const TAGS_CONTEXT: Partial<OperationContext> = { additionalTypenames: ["Tag"] };

/** `const [{ fetching }, createContact] = useCreateContact(); const result = await createContact(input);` */
export const useCreateContact = () => useOperationMutation(operations.createContact);
/** Creates or updates the live contact with the input's phone (first) or email. */
export const useUpsertContact = () => useOperationMutation(operations.upsertContact);
/** `updateContact(id, input)`: only the fields given change; null clears one. */
export const useUpdateContact = () => useOperationMutation(operations.updateContact);
/** `deleteContact(id)`: a soft delete. */
export const useDeleteContact = () => useOperationMutation(operations.deleteContact);
export const useCreateCustomVariable = () => useOperationMutation(operations.createCustomVariable);
/** `renameCustomVariable(id, name)` */
export const useRenameCustomVariable = () => useOperationMutation(operations.renameCustomVariable);
/** `deleteCustomVariable(id)`: removes the variable and every value stored under it. */
export const useDeleteCustomVariable = () => useOperationMutation(operations.deleteCustomVariable);

/** One live contact; `data` is null when there is none the key can see. */
export const useContact = (id: string, options: { pause?: boolean } = {}) =>
  useOperationQuery(operations.contact, CONTACTS_CONTEXT, options.pause ?? false, id);
/** A page of live contacts, newest first: `useContacts({ first: 10, filter: { tag: "vip" } })`. */
export const useContacts = (variables: operations.ContactsVariables = {}, options: { pause?: boolean } = {}) =>
  useOperationQuery(operations.contacts, CONTACTS_CONTEXT, options.pause ?? false, variables);
/** The custom variables of the key's workspace (or of `workspaceId`), sorted by name. */
export const useCustomVariables = (workspaceId?: string | null, options: { pause?: boolean } = {}) =>
  useOperationQuery(operations.customVariables, CUSTOM_VARIABLES_CONTEXT, options.pause ?? false, workspaceId);
/** The tags of the key's workspace (or of `workspaceId`), sorted like a contact's tags. */
export const useTags = (workspaceId?: string | null, options: { pause?: boolean } = {}) =>
  useOperationQuery(operations.tags, TAGS_CONTEXT, options.pause ?? false, workspaceId);
