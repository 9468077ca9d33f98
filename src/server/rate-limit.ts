import { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Caller } from "../access/api-keys.js";
import type { RateLimitConfig, TokenBucket } from "../config.js";
import type { Logger } from "./observability/logger.js";

/** Writes and reads count requests' root fields; importRows counts the rows of importContacts batches. */
export type RequestKind = "write" | "read" | "importRows";

export type RateLimitDecision =
  | { allowed: true }
  | { allowed: false; retryAfterSeconds: number }
  /** More tokens than the bucket ever holds: no wait makes them fit, so nothing was taken. */
  | { allowed: false; burst: number; kind: RequestKind };

/** Whose buckets a request takes from: an API key's own, or one end user's of the key's client tokens. */
export type RateLimitedCaller = Pick<Caller, "apiKeyId" | "subject">;

export interface RateLimiter {
  /**
   * Takes `points` tokens (all or none) for this kind of request: from the API key's bucket, or, for
   * a client token, from its subject's bucket (the key's rates) and from the bucket all of the key's
   * tokens share (CLIENT_TOKEN_RATE_FACTOR times the key's rates).
   */
  consume(caller: RateLimitedCaller, kind: RequestKind, points?: number): Promise<RateLimitDecision>;
  /** Several kinds at once, all or none: a refusal gives back what the others took. */
  consumeAll(
    caller: RateLimitedCaller,
    demands: readonly (readonly [RequestKind, number])[],
  ): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

/**
 * Per-API-key limits, separate for writes (mutations) and reads: `rate` tokens per second, plus up
 * to `burst - rate` more that refill over ceil(burst / rate) seconds (rate-limiter-flexible's
 * bursty scheme, with tokens taken from the second window only for what the first cannot hold).
 * With a Redis URL the counters live in Redis, shared by every replica; if Redis cannot answer, the
 * request is served (fail open) and the failure is logged.
 */
export function createRateLimiter(config: RateLimitConfig, logger: Logger, redisUrl?: string): RateLimiter {
  const redis = redisUrl
    ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 1000 })
    : null;
  let lastRedisWarning = 0;
  const warnRedis = (error: unknown) => {
    if (Date.now() - lastRedisWarning < 10_000) return;
    lastRedisWarning = Date.now();
    logger.warn({ err: (error as Error)?.message }, "rate limiter store unavailable: serving requests unlimited");
  };
  // Without a listener, a lost connection would crash the process.
  redis?.on("error", warnRedis);

  const limiter = (kind: RequestKind, bucket: TokenBucket, prefix: string = kind): Bucket | null => {
    if (bucket.rate === 0) return null;
    const make = (suffix: string, points: number, duration: number): RateLimiterAbstract => {
      const options = { keyPrefix: `rl:${prefix}:${suffix}`, points, duration };
      return redis
        ? new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true })
        : new RateLimiterMemory(options);
    };
    const extra = Math.max(bucket.burst - bucket.rate, 0);
    return {
      rate: bucket.rate,
      burst: bucket.rate + extra,
      sustained: make("rate", bucket.rate, 1),
      extra: extra > 0 ? make("burst", extra, Math.max(1, Math.ceil(bucket.burst / bucket.rate))) : null,
    };
  };
  const limiters = {
    write: limiter("write", config.write),
    read: limiter("read", config.read),
    importRows: limiter("importRows", config.importRows),
  };
  const times = (bucket: TokenBucket) => ({
    rate: bucket.rate * config.clientTokenFactor,
    burst: bucket.burst * config.clientTokenFactor,
  });
  const tokenCaps = {
    write: limiter("write", times(config.write), "write-tokens"),
    read: limiter("read", times(config.read), "read-tokens"),
    importRows: limiter("importRows", times(config.importRows), "import-rows-tokens"),
  };

  /** One kind's tokens, for an API key or for one subject of its client tokens and their shared cap. */
  async function takeFor({ apiKeyId, subject }: RateLimitedCaller, bucket: Bucket, kind: RequestKind, points: number) {
    if (subject === null) return take(bucket, apiKeyId, points);
    // Per end user first: one busy user is refused without touching what the key's other users share.
    const own = await take(bucket, `${apiKeyId}:${subject}`, points);
    const cap = tokenCaps[kind];
    if (!own.allowed || !cap) return own;
    const shared = await take(cap, apiKeyId, points);
    if (!shared.allowed) {
      await own.giveBack();
      return shared;
    }
    return { allowed: true as const, giveBack: () => Promise.all([own.giveBack(), shared.giveBack()]) };
  }

  async function consumeAll(
    caller: RateLimitedCaller,
    demands: readonly (readonly [RequestKind, number])[],
  ): Promise<RateLimitDecision> {
    const limited = demands.flatMap(([kind, points]) => {
      const bucket = limiters[kind];
      return bucket && points > 0 ? [{ kind, points, bucket }] : [];
    });
    const tooLarge = limited.find(({ points, bucket }) => points > bucket.burst);
    if (tooLarge) return { allowed: false, burst: tooLarge.bucket.burst, kind: tooLarge.kind };
    const taken: Extract<Taken, { allowed: true }>[] = [];
    try {
      for (const { kind, points, bucket } of limited) {
        const result = await takeFor(caller, bucket, kind, points);
        if (!result.allowed) {
          await Promise.all(taken.map((t) => t.giveBack()));
          return result;
        }
        taken.push(result);
      }
      return { allowed: true };
    } catch (error) {
      warnRedis(error);
      return { allowed: true };
    }
  }

  return {
    consume: (caller, kind, points = 1) => consumeAll(caller, [[kind, points]]),
    consumeAll,
    async close() {
      redis?.disconnect();
    },
  };
}

interface Bucket {
  rate: number;
  burst: number;
  /** `rate` tokens per second. */
  sustained: RateLimiterAbstract;
  /** `burst - rate` more per ceil(burst / rate) seconds; null when the burst is no more than the rate. */
  extra: RateLimiterAbstract | null;
}

/**
 * Gives back what a refused consume added to a window. Not to a window about to turn: a refund that
 * landed after it turned would open the next one with extra tokens. A refund the store fails to take
 * leaves the request refused all the same (the store's failure is logged).
 */
const REFUND_MARGIN_MS = 250;
function giveBack(key: string, ...refunds: [RateLimiterAbstract, RateLimiterRes, number][]) {
  const taken = refunds.filter(([, res]) => res.msBeforeNext > REFUND_MARGIN_MS);
  return Promise.all(taken.map(([limiter, , points]) => limiter.reward(key, points))).catch(() => {});
}

const retryAfter = (...waits: number[]) => Math.max(1, Math.ceil(Math.max(...waits) / 1000));

type Taken = { allowed: true; giveBack(): Promise<unknown> } | { allowed: false; retryAfterSeconds: number };

/**
 * Takes `points` from the sustained window and, for what it cannot hold, from the extra window (each
 * an atomic increment, so concurrent requests never take more than both hold). rate-limiter-flexible
 * counts a refused consume too, so a refusal gives back what it added: a refused request costs nothing.
 */
async function take(bucket: Bucket, key: string, points: number): Promise<Taken> {
  const refused = (rejection: unknown) => {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    return rejection;
  };
  let over: RateLimiterRes;
  try {
    const taken = await bucket.sustained.consume(key, points);
    return { allowed: true, giveBack: () => giveBack(key, [bucket.sustained, taken, points]) };
  } catch (rejection) {
    over = refused(rejection);
  }
  const overflow = Math.min(points, over.consumedPoints - bucket.rate);
  if (bucket.extra) {
    try {
      const extra = bucket.extra;
      const taken = await extra.consume(key, overflow);
      return {
        allowed: true,
        giveBack: () => giveBack(key, [bucket.sustained, over, points], [extra, taken, overflow]),
      };
    } catch (rejection) {
      const extraOver = refused(rejection);
      await giveBack(key, [bucket.sustained, over, points], [bucket.extra, extraOver, overflow]);
      // A request no larger than the rate fits again once the 1-second window turns; a larger one
      // needs the extra window too.
      const waits = [over.msBeforeNext, extraOver.msBeforeNext];
      return {
        allowed: false,
        retryAfterSeconds: points <= bucket.rate ? retryAfter(Math.min(...waits)) : retryAfter(...waits),
      };
    }
  }
  await giveBack(key, [bucket.sustained, over, points]);
  return { allowed: false, retryAfterSeconds: retryAfter(over.msBeforeNext) };
}
