import { createHmac, createSecretKey, randomBytes, randomUUID } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { API_SCOPES, type ApiScope, isApiScope } from "./scopes.js";
import { isUuid } from "./workspace-access.js";

/**
 * Client tokens: short-lived JWTs (HS256, through jose) that a team's backend mints with its secret
 * key for one signed-in user, so that a browser never holds a secret key. A token names one
 * workspace, some scopes of its minting key, the end user (`sub`) and the minting key; it is checked
 * without the database, and ends with its minting key (see src/access/authentication.ts).
 */

export const CLIENT_TOKEN_LIFETIME_SECONDS = { min: 60, max: 24 * 60 * 60, default: 15 * 60 } as const;

const ALGORITHM = "HS256";
const ISSUER = "contacts-api";
const AUDIENCE = "contacts-api";

/** What a valid token says. */
export interface ClientTokenClaims {
  workspaceId: string;
  scopes: ApiScope[];
  /** The end user's id in the team's own app. */
  subject: string;
  /** The API key that minted it. */
  apiKeyId: string;
  expiresAt: Date;
}

export interface MintedClientToken {
  token: string;
  expiresAt: Date;
}

/** Signs new tokens with the current secret; accepts tokens signed with it or with the previous one. */
export interface ClientTokenKeys {
  sign(claims: Omit<ClientTokenClaims, "expiresAt">, lifetimeSeconds: number): Promise<MintedClientToken>;
  /** The claims of a well-formed, correctly signed, unexpired token; null for anything else. */
  verify(token: string): Promise<ClientTokenClaims | null>;
  /** A stable pseudonym of a subject, for logs and rate-limit buckets: the subject itself may be personal data. */
  pseudonym(subject: string): string;
}

export interface ClientTokenSecrets {
  current: string;
  /** Still accepted after a rotation, so that tokens signed before it keep working until they expire. */
  previous?: string | undefined;
}

/** A fresh random secret: for an in-memory database, and the one generated for an embedded one. */
export function generateClientTokenSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** `now` is the clock, in milliseconds (tests move it instead of waiting). */
export function createClientTokenKeys(secrets: ClientTokenSecrets, now: () => number = Date.now): ClientTokenKeys {
  // KeyObjects, made once: jose would otherwise import a raw secret again on every call.
  const current = createSecretKey(Buffer.from(secrets.current, "utf8"));
  const accepted = secrets.previous ? [current, createSecretKey(Buffer.from(secrets.previous, "utf8"))] : [current];

  return {
    async sign({ workspaceId, scopes, subject, apiKeyId }, lifetimeSeconds) {
      const issuedAt = Math.floor(now() / 1000);
      const expiresAt = issuedAt + lifetimeSeconds;
      const token = await new SignJWT({ workspace_id: workspaceId, scope: scopes.join(" "), api_key_id: apiKeyId })
        .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(subject)
        .setJti(randomUUID())
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .sign(current);
      return { token, expiresAt: new Date(expiresAt * 1000) };
    },

    async verify(token) {
      for (const secret of accepted) {
        try {
          const { payload } = await jwtVerify(token, secret, {
            // Only HS256: `alg: none` and every other algorithm are refused before any signature check.
            algorithms: [ALGORITHM],
            issuer: ISSUER,
            audience: AUDIENCE,
            requiredClaims: ["sub", "exp", "jti"],
            currentDate: new Date(now()),
          });
          return claimsOf(payload);
        } catch {
          // Wrong signature for this secret (try the previous one), or malformed, expired, wrong claims.
        }
      }
      return null;
    },

    pseudonym(subject) {
      // Keyed, so that a log reader cannot confirm a guessed email by hashing it.
      return createHmac("sha256", current).update(subject).digest("base64url").slice(0, 22);
    },
  };
}

/** The claims of a verified payload, or null when one has the wrong shape (a token we did not mint). */
function claimsOf(payload: Record<string, unknown>): ClientTokenClaims | null {
  const { workspace_id: workspaceId, scope, api_key_id: apiKeyId, sub: subject, exp } = payload;
  if (typeof workspaceId !== "string" || !isUuid(workspaceId)) return null;
  if (typeof apiKeyId !== "string" || !isUuid(apiKeyId)) return null;
  if (typeof scope !== "string" || typeof subject !== "string" || typeof exp !== "number") return null;
  const names = scope.split(" ");
  if (!names.every(isApiScope)) return null;
  return {
    workspaceId,
    scopes: API_SCOPES.filter((known) => names.includes(known)),
    subject,
    apiKeyId,
    expiresAt: new Date(exp * 1000),
  };
}
