import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client.js";
import { type ApiScope, isApiScope } from "./scopes.js";

/** Who is calling: resolved from the API key or client token once per request. */
export interface Caller {
  apiKeyId: string;
  accountId: string;
  /** Set for a workspace-scoped key; null for an account-scoped key. */
  workspaceId: string | null;
  /** What the key (or token) may do there. */
  scopes: readonly ApiScope[];
  /** An API key, or a client token minted by the key `apiKeyId` (it then names one workspace). */
  credential: "api_key" | "client_token";
  /** A client token's end user, as a pseudonym (see ClientTokenKeys.pseudonym); null for an API key. */
  subject: string | null;
}

export type ApiKeyMode = "live" | "test";

/** How a secret key looks: what GraphQL takes as a key, and what a browser must never send. */
export const API_KEY_PATTERN = /^sk_(live|test)_[A-Za-z0-9]{32,}$/;
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

/** The caller a key names, or null for an unknown or revoked one (by the key's sha256). */
export async function lookUpApiKey(prisma: PrismaClient, keyHash: string): Promise<Caller | null> {
  const apiKey = await prisma.apiKey.findUnique({ where: { keyHash }, select: API_KEY_GRANT });
  return apiKey && !apiKey.revokedAt ? keyCaller(apiKey) : null;
}

/** What a live key with this id grants (the minting key of a client token); null when revoked or unknown. */
export async function lookUpApiKeyById(prisma: PrismaClient, id: string): Promise<Caller | null> {
  const apiKey = await prisma.apiKey.findUnique({ where: { id }, select: API_KEY_GRANT });
  return apiKey && !apiKey.revokedAt ? keyCaller(apiKey) : null;
}

const API_KEY_GRANT = { id: true, accountId: true, workspaceId: true, scopes: true, revokedAt: true } as const;

function keyCaller(apiKey: { id: string; accountId: string; workspaceId: string | null; scopes: string[] }): Caller {
  return {
    apiKeyId: apiKey.id,
    accountId: apiKey.accountId,
    workspaceId: apiKey.workspaceId,
    scopes: apiKey.scopes.filter(isApiScope),
    credential: "api_key",
    subject: null,
  };
}
