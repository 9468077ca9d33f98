import { authExchange } from "@urql/exchange-auth";
import { Client, type CombinedError, cacheExchange, fetchExchange } from "urql";

/** What `getToken` gives: a token and when it expires, or a bare string used until the API refuses it. */
export type ClientToken = string | { token: string; expiresAt: string | Date };

export interface ContactsClientOptions {
  /** The GraphQL endpoint, such as `http://localhost:4000/graphql`. */
  url: string;
  /**
   * Fetches a credential, sent as `Authorization: Bearer <token>`: in a browser, a short-lived client
   * token from your backend (`{ token, expiresAt }`, as `createClientToken` answers); in a server-side
   * script, an API key. Called before the first request, before the token expires, and once after the
   * API answers 401 `UNAUTHENTICATED`; concurrent requests wait for the same call. The token is kept
   * in memory only.
   */
  getToken: () => Promise<ClientToken>;
  /** A fetch to use instead of the global one (tests pass the server's own). */
  fetch?: typeof fetch;
}

/**
 * A token is renewed this long before it expires, so a request never leaves with one about to lapse:
 * 30 s, or half the lifetime left when it arrived for a token shorter than a minute (else every
 * request would renew it).
 */
const RENEW_BEFORE_MS = 30_000;

interface HeldToken {
  authorization: string;
  /** When to ask for a new one; Infinity for a token without an expiry. */
  renewAt: number;
}

function hold(given: ClientToken): HeldToken {
  if (typeof given === "string") return { authorization: `Bearer ${given}`, renewAt: Number.POSITIVE_INFINITY };
  const expiresAt = new Date(given.expiresAt).getTime();
  if (Number.isNaN(expiresAt)) throw new TypeError(`getToken gave an expiresAt that is not a date: ${given.expiresAt}`);
  const left = Math.max(0, expiresAt - Date.now());
  return { authorization: `Bearer ${given.token}`, renewAt: expiresAt - Math.min(RENEW_BEFORE_MS, left / 2) };
}

/** The API refused the credential: HTTP 401, code UNAUTHENTICATED (expired, forged or revoked). */
function refusedCredential(error: CombinedError): boolean {
  return error.response?.status === 401 || error.graphQLErrors.some((e) => e.extensions?.code === "UNAUTHENTICATED");
}

/**
 * An urql client for the contacts API. Its document cache refetches the queries of the hooks when a
 * mutation returns what they show (see `context` in hooks.ts); every request is a POST.
 */
export function createContactsClient({ url, getToken, fetch }: ContactsClientOptions): Client {
  // @urql/exchange-auth queues operations while a token is fetched (one call for all of them) and
  // retries an operation once after a refused credential. The first token is fetched as the client is
  // made (its init): a request sent with it is retried after a 401, which one sent right after a
  // refresh is not. When that init fails, the queued requests get the error and the next one retries.
  const auth = authExchange(async (utils) => {
    let held: HeldToken | null = hold(await getToken());
    return {
      // appendHeaders adds the header to the call's own `fetchOptions` (an Idempotency-Key, say):
      // a call cannot drop it, since urql merges the call's context before this exchange runs.
      addAuthToOperation: (operation) =>
        held ? utils.appendHeaders(operation, { Authorization: held.authorization }) : operation,
      willAuthError: () => held === null || Date.now() >= held.renewAt,
      didAuthError: refusedCredential,
      refreshAuth: async () => {
        held = null;
        held = hold(await getToken());
      },
    };
  });
  return new Client({
    url,
    ...(fetch ? { fetch } : {}),
    exchanges: [cacheExchange, auth, fetchExchange],
    preferGetMethod: false,
  });
}
