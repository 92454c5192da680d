import { createMiddleware } from "hono/factory";
import type { Redis } from "ioredis";
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import { ApiError } from "../errors.ts";
import type { AppEnv } from "../types.ts";
import { setResponseHeader } from "./node-headers.ts";

/** What a store answers for one request of one user. */
export interface QuotaDecision {
  /** Whether the request may proceed (it has then been counted). */
  allowed: boolean;
  /** Requests allowed per window. */
  limit: number;
  /** Requests the user could still make right now. */
  remaining: number;
  /** Whole seconds until the user's full quota is available again. */
  resetSeconds: number;
  /** Whole seconds until one more request is allowed (0 when `allowed`). */
  retryAfterSeconds: number;
}

/** Where quota state lives: this process (memory) or one place every instance shares. */
export interface QuotaStore {
  consume(key: string): QuotaDecision | Promise<QuotaDecision>;
}

/**
 * The table every instance (and the FastAPI backend) shares on PostgreSQL; its columns are
 * rate-limiter-flexible's (`key`, `points`, `expire` in epoch milliseconds).
 */
export const QUOTA_TABLE = "api_quota";
/** Prefix of every key, so the table could hold other limiters later. */
export const QUOTA_KEY_PREFIX = "api";

export interface QuotaOptions {
  /** Requests allowed per fixed window of `windowSeconds`. */
  requests: number;
  windowSeconds: number;
}

/** Throws a RangeError for a quota that cannot work. */
export function checkQuotaOptions({ requests, windowSeconds }: QuotaOptions): void {
  if (!Number.isInteger(requests) || requests < 1) {
    throw new RangeError("requests must be a positive integer");
  }
  if (!(windowSeconds > 0)) throw new RangeError("windowSeconds must be positive");
}

const wholeSeconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));

/**
 * Adapts a rate-limiter-flexible limiter to the quota's decision: a consumed point is a request,
 * a `RateLimiterRes` rejection is "over quota", anything else (the store is down and there is no
 * insurance) propagates as a 500.
 */
export function limiterQuotaStore(limiter: RateLimiterAbstract): QuotaStore {
  return {
    async consume(key) {
      try {
        const res = await limiter.consume(key);
        return {
          allowed: true,
          limit: limiter.points,
          remaining: res.remainingPoints,
          resetSeconds: wholeSeconds(res.msBeforeNext),
          retryAfterSeconds: 0,
        };
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        // Fixed window: the next request and the whole quota come back at the same moment.
        const reset = Math.max(1, wholeSeconds(error.msBeforeNext));
        return {
          allowed: false,
          limit: limiter.points,
          remaining: 0,
          resetSeconds: reset,
          retryAfterSeconds: reset,
        };
      }
    },
  };
}

/**
 * One instance's quota, in this process (rate-limiter-flexible's RateLimiterMemory). Behind N
 * instances a user gets up to N× the quota: use `createPostgresQuotaStore` (quota-postgres.ts) or
 * {@link createRedisQuotaStore} there.
 *
 * @example
 * const store = createMemoryQuotaStore({ requests: 600, windowSeconds: 60 });
 * await store.consume(userId); // { allowed: true, limit: 600, remaining: 599, resetSeconds: 60, … }
 */
export function createMemoryQuotaStore(options: QuotaOptions): QuotaStore {
  checkQuotaOptions(options);
  return limiterQuotaStore(memoryLimiter(options));
}

function memoryLimiter({ requests, windowSeconds }: QuotaOptions): RateLimiterMemory {
  return new RateLimiterMemory({ keyPrefix: QUOTA_KEY_PREFIX, points: requests, duration: windowSeconds });
}

export interface RedisQuotaOptions extends QuotaOptions {
  /** An ioredis client; give it `enableOfflineQueue: false` so a down Redis fails fast. */
  client: Redis;
  /** As for PostgreSQL: "open" (default) falls back to a per-instance quota in memory. */
  onStoreError?: "open" | "closed";
}

/**
 * The quota shared by every instance through Redis (REDIS_URL): rate-limiter-flexible's
 * RateLimiterRedis, one atomic script per request, keys `api:<userId>` expiring with the window.
 */
export function createRedisQuotaStore(options: RedisQuotaOptions): QuotaStore {
  checkQuotaOptions(options);
  const limiter = new RateLimiterRedis({
    storeClient: options.client,
    keyPrefix: QUOTA_KEY_PREFIX,
    points: options.requests,
    duration: options.windowSeconds,
    ...(options.onStoreError === "closed" ? {} : { insuranceLimiter: memoryLimiter(options) }),
  });
  return limiterQuotaStore(limiter);
}

export interface QuotaConfig extends QuotaOptions {
  /** Replaces the in-memory store (e.g. the PostgreSQL one); `requests` and `windowSeconds` still apply. */
  store?: QuotaStore;
}

/** Headers exposed to browsers through CORS, so the web app can back off. */
export const QUOTA_HEADERS = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"] as const;

/**
 * Per-user request quota, mounted after authentication so it keys on the verified user id: a
 * request refused by authentication never reaches it and costs no one anything. Every response it
 * lets through carries `RateLimit-*` headers (IETF httpapi draft); over quota is a 429 RATE_LIMITED
 * with `Retry-After`. No config or `requests: 0` turns it off.
 */
export function requestQuota(config: QuotaConfig | undefined) {
  if (config === undefined || config.requests === 0) {
    return createMiddleware<AppEnv>((_c, next) => next());
  }
  const store = config.store ?? createMemoryQuotaStore(config);
  const { windowSeconds } = config;
  return createMiddleware<AppEnv>(async (c, next) => {
    const decision = await store.consume(c.get("identity").userId);
    const limit = String(decision.limit);
    const remaining = String(decision.remaining);
    const reset = String(decision.resetSeconds);
    if (!decision.allowed) {
      throw new ApiError("RATE_LIMITED", {
        detail: `Too many requests: at most ${decision.limit} per ${windowSeconds} seconds; retry in ${decision.retryAfterSeconds} s`,
        headers: {
          "RateLimit-Limit": limit,
          "RateLimit-Remaining": remaining,
          "RateLimit-Reset": reset,
          "Retry-After": String(decision.retryAfterSeconds),
        },
      });
    }
    // Before the handler, so error responses (404, 400…) carry them as well.
    setResponseHeader(c, "RateLimit-Limit", limit);
    setResponseHeader(c, "RateLimit-Remaining", remaining);
    setResponseHeader(c, "RateLimit-Reset", reset);
    await next();
  });
}
