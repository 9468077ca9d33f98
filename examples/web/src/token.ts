import type { ClientToken } from "@contacts-api/client";

/** The token URL could not give a token: shown as such, not as the API's failure. */
export class TokenRequestError extends Error {
  override name = "TokenRequestError";
}

/**
 * Asks the token URL for a client token (`POST`, answered `{ token, expiresAt }`). It carries no
 * credential of its own: a real backend knows its user by the session cookie it set, which a
 * same-origin request sends.
 */
export async function fetchClientToken(tokenUrl: string): Promise<ClientToken> {
  const fail = (reason: string) => new TokenRequestError(`Cannot get a token from ${tokenUrl}: ${reason}`);
  let response: Response;
  try {
    response = await fetch(tokenUrl, { method: "POST" });
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error));
  }
  const body: unknown = await response.json().catch(() => null);
  const field = (name: string): unknown =>
    typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  const token = field("token");
  const expiresAt = field("expiresAt");
  if (response.ok && typeof token === "string" && typeof expiresAt === "string") return { token, expiresAt };
  const message = field("error") ?? field("message");
  throw fail(typeof message === "string" ? message : `HTTP ${response.status}`);
}
