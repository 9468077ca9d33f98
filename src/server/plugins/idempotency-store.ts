import type { PrismaClient } from "../../generated/prisma/client.js";

/** How long a completed response is replayed. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** A request still "in progress" after this long died with its process: a retry may take over. */
const ABANDONED_AFTER_SECONDS = 60;

export type IdempotencyClaim =
  | { kind: "claimed" }
  | { kind: "replay"; response: string }
  | { kind: "reused" }
  | { kind: "in-use" };

/**
 * Stripe's semantics, stored in the database so every replica agrees: the first request with a key
 * claims it; a retry with the same input gets the stored response; with another input, "reused";
 * while the first still runs, "in-use". An expired or abandoned claim is taken over atomically.
 */
export async function claimIdempotencyKey(
  prisma: PrismaClient,
  apiKeyId: string,
  key: string,
  requestHash: string,
): Promise<IdempotencyClaim> {
  const claimed = await prisma.$queryRaw<{ key: string }[]>`
    INSERT INTO idempotency_keys (api_key_id, key, request_hash, status, expires_at)
    VALUES (${apiKeyId}::uuid, ${key}, ${requestHash}, 'in_progress',
            now() + make_interval(secs => ${IDEMPOTENCY_TTL_SECONDS}))
    ON CONFLICT (api_key_id, key) DO UPDATE
      SET request_hash = EXCLUDED.request_hash, status = 'in_progress', response = NULL,
          created_at = now(), expires_at = EXCLUDED.expires_at
      WHERE idempotency_keys.expires_at < now()
         OR (idempotency_keys.status = 'in_progress'
             AND idempotency_keys.created_at < now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS}))
    RETURNING key`;
  if (claimed.length > 0) return { kind: "claimed" };
  const existing = await prisma.idempotencyKey.findUnique({
    where: { apiKeyId_key: { apiKeyId, key } },
    select: { requestHash: true, status: true, response: true },
  });
  // Gone between the two statements (purged or released): claim it afresh.
  if (!existing) return claimIdempotencyKey(prisma, apiKeyId, key, requestHash);
  if (existing.requestHash !== requestHash) return { kind: "reused" };
  if (existing.status !== "completed" || existing.response === null) return { kind: "in-use" };
  return { kind: "replay", response: existing.response };
}

export async function completeIdempotencyKey(prisma: PrismaClient, apiKeyId: string, key: string, response: string) {
  await prisma.idempotencyKey.updateMany({
    where: { apiKeyId, key, status: "in_progress" },
    data: { status: "completed", response },
  });
}

/** Frees a claim whose request did not complete (an internal error): the client may retry. */
export async function releaseIdempotencyKey(prisma: PrismaClient, apiKeyId: string, key: string) {
  await prisma.idempotencyKey.deleteMany({ where: { apiKeyId, key, status: "in_progress" } });
}

export async function purgeExpiredIdempotencyKeys(prisma: PrismaClient): Promise<number> {
  const { count } = await prisma.idempotencyKey.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  return count;
}
