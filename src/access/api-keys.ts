import { createHash, randomBytes } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { PrismaClient } from "../generated/prisma/client.js";
import { type ApiScope, isApiScope } from "./scopes.js";

/** Who is calling: resolved from the API key once per request. */
export interface Caller {
  apiKeyId: string;
  accountId: string;
  /** Set for a workspace-scoped key; null for an account-scoped key. */
  workspaceId: string | null;
  /** What the key may do there. */
  scopes: readonly ApiScope[];
}

export type ApiKeyMode = "live" | "test";

const KEY_PATTERN = /^sk_(live|test)_[A-Za-z0-9]{32,}$/;
const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const RANDOM_LENGTH = 40;
/** How much of a key is kept in clear, so an operator can tell keys apart: `sk_live_` and 4 more. */
const DISPLAY_PREFIX_LENGTH = 12;

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export interface NewApiKey {
  key: string;
  keyHash: string;
  displayPrefix: string;
}

export function generateApiKey(mode: ApiKeyMode = "live"): NewApiKey {
  // 248 of 256 is a multiple of 62, so rejecting bytes above it keeps every character equally likely.
  let random = "";
  while (random.length < RANDOM_LENGTH) {
    for (const byte of randomBytes(RANDOM_LENGTH * 2)) {
      if (byte < 248 && random.length < RANDOM_LENGTH) random += BASE62[byte % 62];
    }
  }
  const key = `sk_${mode}_${random}`;
  return { key, keyHash: hashApiKey(key), displayPrefix: key.slice(0, DISPLAY_PREFIX_LENGTH) };
}

/**
 * The longest `Authorization` header looked at: a real one is about 50 characters. Longer ones are
 * refused before any parsing, so padding cannot make the server hash or match large strings.
 */
export const MAX_AUTHORIZATION_LENGTH = 512;

/** The key a `Bearer` header carries, or null for none, an over-long header or a malformed key. */
function bearerKey(authorization: string | null): string | null {
  if (!authorization || authorization.length > MAX_AUTHORIZATION_LENGTH) return null;
  const key = authorization.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  return key && KEY_PATTERN.test(key) ? key : null;
}

/** The caller an `Authorization` header names, or null for none, a malformed, unknown or revoked key. */
export async function authenticate(prisma: PrismaClient, authorization: string | null): Promise<Caller | null> {
  const key = bearerKey(authorization);
  return key ? lookUp(prisma, hashApiKey(key)) : null;
}

async function lookUp(prisma: PrismaClient, keyHash: string): Promise<Caller | null> {
  const apiKey = await prisma.apiKey.findUnique({
    where: { keyHash },
    select: { id: true, accountId: true, workspaceId: true, scopes: true, revokedAt: true },
  });
  if (!apiKey || apiKey.revokedAt) return null;
  return {
    apiKeyId: apiKey.id,
    accountId: apiKey.accountId,
    workspaceId: apiKey.workspaceId,
    scopes: apiKey.scopes.filter(isApiScope),
  };
}

export type Authenticator = (authorization: string | null) => Promise<Caller | null>;

/** An authenticator that remembers valid keys; `cachedKeys()` is how many it holds now. */
export interface CachingAuthenticator extends Authenticator {
  cachedKeys(): number;
}

/**
 * Valid keys remembered per process. An entry is the key's sha256 and its Caller (three ids and its scopes), under
 * a kilobyte with lru-cache's bookkeeping, so the cache stays within a few megabytes.
 */
const MAX_CACHED_KEYS = 10_000;

/**
 * `authenticate` with a short per-process memory of valid keys, so a busy client costs no lookup
 * per request. Entries are keyed by the key's hash, so every spelling of one header (padding,
 * `bearer`) is one entry, and each is dropped when its TTL ends. A revoked key keeps working for at
 * most `cacheTtlMs` (0: no cache, every request looks the key up). Unknown keys are not
 * remembered, so a new key works at once.
 */
export function createAuthenticator(prisma: PrismaClient, cacheTtlMs: number): CachingAuthenticator {
  if (cacheTtlMs <= 0) {
    return Object.assign((authorization: string | null) => authenticate(prisma, authorization), {
      cachedKeys: () => 0,
    });
  }
  // ttlAutopurge: an expired entry is deleted by a timer, not only when next read or evicted.
  const cache = new LRUCache<string, Caller>({ max: MAX_CACHED_KEYS, ttl: cacheTtlMs, ttlAutopurge: true });
  const authenticator = async (authorization: string | null) => {
    const key = bearerKey(authorization);
    if (!key) return null;
    const keyHash = hashApiKey(key);
    const cached = cache.get(keyHash);
    if (cached) return cached;
    const caller = await lookUp(prisma, keyHash);
    if (caller) cache.set(keyHash, caller);
    return caller;
  };
  return Object.assign(authenticator, { cachedKeys: () => cache.size });
}
