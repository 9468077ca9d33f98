import { Client, cacheExchange, fetchExchange } from "@urql/core";

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
  return new Client({
    url,
    fetch,
    exchanges: [cacheExchange, fetchExchange],
    preferGetMethod: false,
    fetchOptions: { headers: { authorization: `Bearer ${apiKey}` } },
  });
}
