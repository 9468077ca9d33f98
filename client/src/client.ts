import { Client, cacheExchange, fetchExchange } from "urql";

export interface ContactsClientOptions {
  /** The GraphQL endpoint, such as `http://localhost:4000/graphql`. */
  url: string;
  /** A `sk_live_…`/`sk_test_…` key, sent as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** A fetch to use instead of the global one (tests pass the server's own). */
  fetch?: typeof fetch;
}

/**
 * An urql client for the contacts API. Its document cache refetches the queries of the hooks when a
 * mutation returns what they show (see `context` in hooks.ts); every request is a POST.
 */
export function createContactsClient({ url, apiKey, fetch }: ContactsClientOptions): Client {
  const authorization = `Bearer ${apiKey}`;
  // urql replaces the client's `fetchOptions` with a call's own (a shallow merge of the contexts), so
  // a key kept there would be dropped by a mutation that sends an Idempotency-Key: fetch adds it.
  const authorizedFetch: typeof globalThis.fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set("authorization", authorization);
    return (fetch ?? globalThis.fetch)(input, { ...init, headers });
  };
  return new Client({
    url,
    fetch: authorizedFetch,
    exchanges: [cacheExchange, fetchExchange],
    preferGetMethod: false,
  });
}
