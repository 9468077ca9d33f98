import type { RequestContext } from "./operations.js";

// urql's document cache refetches a query when a mutation's result holds one of the typenames the
// query showed. An empty list shows none, and a deletion returns only an id: these name the
// typenames that must refetch each query all the same.
export const CONTACTS_CONTEXT: RequestContext = {
  additionalTypenames: ["Contact", "DeleteContactSuccess", "CustomVariable", "DeleteCustomVariableSuccess"],
};
export const CUSTOM_VARIABLES_CONTEXT: RequestContext = {
  additionalTypenames: ["CustomVariable", "DeleteCustomVariableSuccess"],
};
export const TAGS_CONTEXT: RequestContext = { additionalTypenames: ["Tag"] };

/** A query's own context with the caller's over it; the caller's typenames are added to the query's own. */
export function mergeContext(own: RequestContext, given: RequestContext | undefined): RequestContext {
  if (!given) return own;
  return {
    ...own,
    ...given,
    additionalTypenames: [...(own.additionalTypenames ?? []), ...(given.additionalTypenames ?? [])],
  };
}
