import { LRUCache } from "lru-cache";
import type { PrismaClient } from "../generated/prisma/client.js";
import { API_KEY_PATTERN, type Caller, hashApiKey, lookUpApiKey, lookUpApiKeyById } from "./api-keys.js";
import type { ClientTokenKeys } from "./client-tokens.js";

/**
 * The longest `Authorization` header looked at. A key is about 50 characters; a client token with the
 * longest subject (255 characters) about 1,800. Longer ones are refused before any parsing, so that
 * padding cannot make the server hash, verify or match large strings.
 */
export const MAX_AUTHORIZATION_LENGTH = 2048;

const JWT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export type BearerCredential = { kind: "api_key"; key: string } | { kind: "client_token"; token: string };

/** What a `Bearer` header carries: a key, a client token, or null for none, an over-long header or anything else. */
export function bearerCredential(authorization: string | null): BearerCredential | null {
  if (!authorization || authorization.length > MAX_AUTHORIZATION_LENGTH) return null;
  const value = authorization.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (!value) return null;
  if (API_KEY_PATTERN.test(value)) return { kind: "api_key", key: value };
  return JWT_PATTERN.test(value) ? { kind: "client_token", token: value } : null;
}

/** The caller an `Authorization` header's API key names, without any cache (the demo key at start, tests). */
export async function authenticateApiKey(prisma: PrismaClient, authorization: string | null): Promise<Caller | null> {
  const credential = bearerCredential(authorization);
  return credential?.kind === "api_key" ? lookUpApiKey(prisma, hashApiKey(credential.key)) : null;
}

export type Authenticator = (authorization: string | null) => Promise<Caller | null>;

/** An authenticator that remembers valid keys; `cachedKeys()` is how many entries it holds now. */
export interface CachingAuthenticator extends Authenticator {
  cachedKeys(): number;
}

/**
 * Keys remembered per process, in each of the two caches. An entry is a key's sha256 or id and its
 * Caller (three ids and its scopes), under a kilobyte with lru-cache's bookkeeping, so both caches
 * stay within a few megabytes.
 */
const MAX_CACHED_KEYS = 10_000;

/**
 * Who a request is, from its `Authorization` header, with a short per-process memory of keys so that
 * a busy client costs no database lookup per request.
 * - An API key is remembered by its hash, so every spelling of one header (padding, `bearer`) is one
 *   entry. Unknown keys are not remembered, so a new key works at once.
 * - A client token is checked by its signature alone; its minting key is then remembered by id, as
 *   live or revoked (only a token we signed names an id, so that cache cannot be filled by strangers).
 * A revoked key, and every token it minted, keeps working at most `cacheTtlMs` (0: no cache, every
 * request looks the key up).
 */
export function createAuthenticator(
  prisma: PrismaClient,
  cacheTtlMs: number,
  tokens: ClientTokenKeys,
): CachingAuthenticator {
  // ttlAutopurge: an expired entry is deleted by a timer, not only when next read or evicted.
  const options = { max: MAX_CACHED_KEYS, ttl: cacheTtlMs, ttlAutopurge: true };
  const byHash = cacheTtlMs > 0 ? new LRUCache<string, Caller>(options) : null;
  const byId = cacheTtlMs > 0 ? new LRUCache<string, Caller | "revoked">(options) : null;

  async function apiKeyCaller(key: string): Promise<Caller | null> {
    const keyHash = hashApiKey(key);
    const cached = byHash?.get(keyHash);
    if (cached) return cached;
    const caller = await lookUpApiKey(prisma, keyHash);
    if (caller) byHash?.set(keyHash, caller);
    return caller;
  }

  async function mintingKey(apiKeyId: string): Promise<Caller | null> {
    const cached = byId?.get(apiKeyId);
    if (cached) return cached === "revoked" ? null : cached;
    const caller = await lookUpApiKeyById(prisma, apiKeyId);
    byId?.set(apiKeyId, caller ?? "revoked");
    return caller;
  }

  async function tokenCaller(token: string): Promise<Caller | null> {
    const claims = await tokens.verify(token);
    if (!claims) return null;
    const key = await mintingKey(claims.apiKeyId);
    // A workspace key mints only for its own workspace; anything else is not a token we minted.
    if (!key || (key.workspaceId !== null && key.workspaceId !== claims.workspaceId)) return null;
    return {
      apiKeyId: key.apiKeyId,
      accountId: key.accountId,
      workspaceId: claims.workspaceId,
      // Never more than the key grants now.
      scopes: claims.scopes.filter((scope) => key.scopes.includes(scope)),
      credential: "client_token",
      subject: tokens.pseudonym(claims.subject),
    };
  }

  const authenticator = async (authorization: string | null) => {
    const credential = bearerCredential(authorization);
    if (!credential) return null;
    return credential.kind === "api_key" ? apiKeyCaller(credential.key) : tokenCaller(credential.token);
  };
  return Object.assign(authenticator, { cachedKeys: () => (byHash?.size ?? 0) + (byId?.size ?? 0) });
}
