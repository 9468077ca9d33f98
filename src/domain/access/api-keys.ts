import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client.js";

/** Who is calling: resolved from the API key once per request. */
export interface Caller {
  apiKeyId: string;
  accountId: string;
  /** Set for a workspace-scoped key; null for an account-scoped key. */
  workspaceId: string | null;
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

/** The caller an `Authorization` header names, or null for none, a malformed, unknown or revoked key. */
export async function authenticate(prisma: PrismaClient, authorization: string | null): Promise<Caller | null> {
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  const key = match?.[1];
  if (!key || !KEY_PATTERN.test(key)) return null;
  const apiKey = await prisma.apiKey.findUnique({
    where: { keyHash: hashApiKey(key) },
    select: { id: true, accountId: true, workspaceId: true, revokedAt: true },
  });
  if (!apiKey || apiKey.revokedAt) return null;
  return { apiKeyId: apiKey.id, accountId: apiKey.accountId, workspaceId: apiKey.workspaceId };
}

export type Authenticator = (authorization: string | null) => Promise<Caller | null>;

const MAX_CACHED_KEYS = 10_000;

/**
 * `authenticate` with a short per-process memory of valid keys, so a busy client costs no lookup
 * per request. A revoked key keeps working for at most `cacheTtlMs` (0: no cache, every request
 * looks the key up). Unknown keys are not remembered, so a new key works at once.
 */
export function createAuthenticator(prisma: PrismaClient, cacheTtlMs: number): Authenticator {
  if (cacheTtlMs <= 0) return (authorization) => authenticate(prisma, authorization);
  const cache = new Map<string, { caller: Caller; expiresAt: number }>();
  return async (authorization) => {
    const now = Date.now();
    const cached = authorization ? cache.get(authorization) : undefined;
    if (cached && cached.expiresAt > now) return cached.caller;
    const caller = await authenticate(prisma, authorization);
    if (authorization) {
      cache.delete(authorization);
      if (caller) {
        // Oldest first: Map keeps insertion order.
        if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value as string);
        cache.set(authorization, { caller, expiresAt: now + cacheTtlMs });
      }
    }
    return caller;
  };
}
