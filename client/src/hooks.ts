import { useCallback, useEffect, useMemo, useSyncExternalStore } from "react";
import { type AnyVariables, type CombinedError, type RequestPolicy, useClient, useMutation, useQuery } from "urql";
import { CONTACTS_CONTEXT, CUSTOM_VARIABLES_CONTEXT, mergeContext, TAGS_CONTEXT } from "./cache-context.js";
import { ContactsList, type ContactsListState } from "./contacts-list.js";
import * as operations from "./operations.js";
import { type ArgsWithContext, type Operation, type RequestContext, resultOf, splitContext } from "./operations.js";
import type { ContactsPage } from "./results.js";

/**
 * A mutation hook: its last result and a function that runs it. After the operation's arguments the
 * function takes urql's context for that call: `createContact(input, { fetchOptions: { headers:
 * { "Idempotency-Key": key } } })` lets a retry with the same key get the first answer again.
 */
export type MutationHook<Args extends unknown[], Result> = readonly [
  MutationState<Result>,
  (...args: ArgsWithContext<Args>) => Promise<Result>,
];

export interface MutationState<Result> {
  fetching: boolean;
  /** The last result: the success or a typed error, narrowed by `switch (result.__typename)`. */
  result: Result | undefined;
  /** Set when the last call failed outside the contract (network, refused key). */
  error: CombinedError | undefined;
}

/** What a query hook takes besides its arguments, as urql's `useQuery` does. */
export interface QueryOptions {
  /** Sends nothing until it is false. */
  pause?: boolean;
  /** urql's cache use: `cache-first` (the default), `cache-and-network`, `network-only`, `cache-only`. */
  requestPolicy?: RequestPolicy;
  /** urql's context for the query (`fetchOptions`, `additionalTypenames`, …); keep it one object across renders (useMemo), as urql asks. */
  context?: RequestContext;
}

export interface QueryState<Value> {
  data: Value | undefined;
  fetching: boolean;
  error: CombinedError | undefined;
  /** Asks the server again, bypassing the cache; a context given applies to that request. */
  refetch: (context?: RequestContext) => void;
}

export interface ContactsState extends QueryState<ContactsPage> {
  /**
   * Appends the next page (after the last page's `endCursor`) to `data.edges`; `data.pageInfo` is
   * the last page's, so `data.pageInfo.hasNextPage` says whether there is more. Resolves once loaded.
   */
  fetchMore: () => Promise<void>;
  /** A page after the first is loading. */
  fetchingMore: boolean;
}

/**
 * The function a mutation hook returns resolves to the operation's result union (a typed error is
 * a result) and rejects with urql's `CombinedError` for what the contract does not type.
 */
function useOperationMutation<Data, Variables extends AnyVariables, Args extends unknown[], Result>(
  operation: Operation<Data, Variables, Args, Result>,
): MutationHook<Args, Result> {
  const { document, variables, pick } = operation;
  const [state, execute] = useMutation(document);
  const mutate = useCallback(
    async (...argsWithContext: ArgsWithContext<Args>) => {
      const [args, context] = splitContext(operation, argsWithContext);
      return resultOf(await execute(variables(...args), context), pick);
    },
    [execute, operation, variables, pick],
  );
  const result = useMemo(() => (state.data === undefined ? undefined : pick(state.data)), [state.data, pick]);
  return [{ fetching: state.fetching, result, error: state.error }, mutate];
}

/** `mergeContext`, kept one object while neither context changes (urql refetches on a new one). */
function useMergedContext(own: RequestContext, given: RequestContext | undefined): RequestContext {
  return useMemo(() => mergeContext(own, given), [own, given]);
}

function useOperationQuery<Data, Variables extends AnyVariables, Args extends unknown[], Value>(
  { document, variables, pick }: Operation<Data, Variables, Args, Value>,
  ownContext: RequestContext,
  options: QueryOptions,
  ...args: Args
): QueryState<Value> {
  const context = useMergedContext(ownContext, options.context);
  const [state, reexecute] = useQuery<Data, Variables>({
    query: document,
    variables: variables(...args),
    context,
    pause: options.pause ?? false,
    ...(options.requestPolicy ? { requestPolicy: options.requestPolicy } : {}),
  });
  const refetch = useCallback(
    (refetchContext?: RequestContext) => reexecute({ ...refetchContext, requestPolicy: "network-only" }),
    [reexecute],
  );
  const data = useMemo(() => (state.data === undefined ? undefined : pick(state.data)), [state.data, pick]);
  return { data, fetching: state.fetching, error: state.error, refetch };
}

/** `const [{ fetching }, createContact] = useCreateContact(); const result = await createContact(input);` */
export const useCreateContact = () => useOperationMutation(operations.createContact);
/** Creates or updates the live contact with the input's phone (first) or email. */
export const useUpsertContact = () => useOperationMutation(operations.upsertContact);
/** `updateContact(id, input)`: only the fields given change; null clears one. */
export const useUpdateContact = () => useOperationMutation(operations.updateContact);
/** `deleteContact(id)`: a soft delete. */
export const useDeleteContact = () => useOperationMutation(operations.deleteContact);
/**
 * `importContacts({ mode: "CREATE", contacts })`: one batch (at most 1,000 rows by default); every
 * row has its own outcome, and a failed row stops no other.
 */
export const useImportContacts = () => useOperationMutation(operations.importContacts);
export const useCreateCustomVariable = () => useOperationMutation(operations.createCustomVariable);
/** `renameCustomVariable(id, name)` */
export const useRenameCustomVariable = () => useOperationMutation(operations.renameCustomVariable);
/** `deleteCustomVariable(id)`: removes the variable and every value stored under it. */
export const useDeleteCustomVariable = () => useOperationMutation(operations.deleteCustomVariable);

/** One live contact; `data` is null when there is none the key can see. */
export const useContact = (id: string, options: QueryOptions = {}) =>
  useOperationQuery(operations.contact, CONTACTS_CONTEXT, options, id);

/**
 * Live contacts, newest first, page by page: `useContacts({ first: 10, filter: { tag: "vip" } })`
 * shows the first page; `fetchMore()` appends the next while `data.pageInfo.hasNextPage`. Every page
 * loaded stays current: a mutation that returns a contact (or deletes one) refetches them.
 */
export function useContacts(variables: operations.ContactsVariables = {}, options: QueryOptions = {}): ContactsState {
  const client = useClient();
  const { context, requestPolicy, pause = false } = options;
  // A new list when what it asks for changes; the variables are plain JSON, so their text is their identity.
  const variablesKey = JSON.stringify(variables);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `variablesKey` stands for `variables`.
  const list = useMemo(
    () => new ContactsList(client, variables, requestPolicy ? { ...context, requestPolicy } : context),
    [client, variablesKey, context, requestPolicy],
  );
  useEffect(() => {
    if (pause) return;
    list.start();
    return () => list.stop();
  }, [list, pause]);
  const state: ContactsListState = useSyncExternalStore(list.subscribe, list.getState, list.getState);
  return {
    ...state,
    // Before the effect subscribes the first page, the list is about to load, unless paused.
    fetching: state.fetching || (!pause && state.data === undefined && state.error === undefined),
    fetchMore: list.fetchMore,
    refetch: list.refetch,
  };
}

/** The custom variables of the key's workspace (or of `workspaceId`), sorted by name. */
export const useCustomVariables = (workspaceId?: string | null, options: QueryOptions = {}) =>
  useOperationQuery(operations.customVariables, CUSTOM_VARIABLES_CONTEXT, options, workspaceId);
/** The tags of the key's workspace (or of `workspaceId`), sorted like a contact's tags. */
export const useTags = (workspaceId?: string | null, options: QueryOptions = {}) =>
  useOperationQuery(operations.tags, TAGS_CONTEXT, options, workspaceId);
