import { Redis } from "ioredis";
import {
  BurstyRateLimiter,
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
import type { RateLimitConfig, TokenBucket } from "./config.js";
import type { Logger } from "./observability/logger.js";

export type RequestKind = "write" | "read";

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Takes one token from the API key's bucket for this kind of request. */
  consume(apiKeyId: string, kind: RequestKind): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

/**
 * Per-API-key limits, separate for writes (mutations) and reads. Each is rate-limiter-flexible's
 * BurstyRateLimiter: `rate` requests per second, plus up to `burst - rate` more that refill over
 * ceil(burst / rate) seconds. With a Redis URL the counters live in Redis, shared by every replica;
 * if Redis cannot answer, the request is served (fail open) and the failure is logged.
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

  const limiter = (kind: RequestKind, bucket: TokenBucket) => {
    if (bucket.rate === 0) return null;
    const make = (suffix: string, points: number, duration: number): RateLimiterAbstract => {
      const options = { keyPrefix: `rl:${kind}:${suffix}`, points, duration };
      return redis
        ? new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true })
        : new RateLimiterMemory(options);
    };
    const extra = Math.max(bucket.burst - bucket.rate, 0);
    const sustained = make("rate", bucket.rate, 1);
    return extra > 0
      ? new BurstyRateLimiter(sustained, make("burst", extra, Math.max(1, Math.ceil(bucket.burst / bucket.rate))))
      : sustained;
  };
  const limiters = { write: limiter("write", config.write), read: limiter("read", config.read) };

  return {
    async consume(apiKeyId, kind) {
      const bucket = limiters[kind];
      if (!bucket) return { allowed: true };
      try {
        await bucket.consume(apiKeyId);
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        }
        warnRedis(rejection);
        return { allowed: true };
      }
    },
    async close() {
      redis?.disconnect();
    },
  };
}
