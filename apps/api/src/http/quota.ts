import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors.ts";
import type { AppEnv } from "../types.ts";

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

/**
 * Where quota state lives. The in-memory store below is per instance; a store shared through the
 * database or Redis can implement this interface (hence the optional promise) without touching
 * the middleware.
 */
export interface QuotaStore {
  consume(key: string): QuotaDecision | Promise<QuotaDecision>;
}

export interface MemoryQuotaOptions {
  /** Requests allowed per window, as a burst or spread out. */
  requests: number;
  windowSeconds: number;
  /** Most users tracked at once (default 100 000); memory stays bounded whatever the traffic. */
  maxKeys?: number;
  /** Milliseconds on a monotonic clock; tests inject their own. */
  now?: () => number;
}

/** The in-process store: synchronous, with its size visible for tests and metrics. */
export interface MemoryQuotaStore extends QuotaStore {
  consume(key: string): QuotaDecision;
  readonly size: number;
}

export const DEFAULT_QUOTA_MAX_KEYS = 100_000;

// Float headroom: with an emission interval such as 60 000 / 7 ms, the sum of seven intervals can
// land a hair above the window and must not refuse the seventh request.
const EPSILON_MS = 1e-6;

/**
 * A token bucket of `requests` tokens refilled at `requests / window`, kept as GCRA: one number per
 * user, the "theoretical arrival time" (`tat`) at which the bucket would be full again. Compared
 * with a fixed window it allows no double burst at a window edge, and a refused request costs
 * nothing, so a client hammering while limited does not extend its own wait.
 *
 * Memory: an entry whose `tat` has passed describes a full bucket, exactly what a missing entry
 * means, so dropping it loses nothing. Such entries are swept once per window, and whenever the map
 * reaches `maxKeys`; if every entry is still active then, the least recently seen are dropped (those
 * users get a fresh bucket — the price of a hard bound, reached only with that many users active
 * within one window).
 *
 * @example
 * const store = createMemoryQuotaStore({ requests: 600, windowSeconds: 60 });
 * store.consume(userId); // { allowed: true, limit: 600, remaining: 599, resetSeconds: 1, … }
 */
export function createMemoryQuotaStore(options: MemoryQuotaOptions): MemoryQuotaStore {
  const { requests, windowSeconds } = options;
  if (!Number.isInteger(requests) || requests < 1) {
    throw new RangeError("requests must be a positive integer");
  }
  if (!(windowSeconds > 0)) throw new RangeError("windowSeconds must be positive");
  const maxKeys = options.maxKeys ?? DEFAULT_QUOTA_MAX_KEYS;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError("maxKeys must be a positive integer");
  // performance.now() is monotonic: a wall-clock step must not hand out or withhold quota.
  const now = options.now ?? (() => performance.now());
  const windowMs = windowSeconds * 1000;
  const interval = windowMs / requests;
  // Map iteration follows insertion order; re-inserting on every use keeps it least recent first.
  const tats = new Map<string, number>();
  let lastSweep = now();

  function sweep(at: number): void {
    lastSweep = at;
    for (const [key, tat] of tats) if (tat <= at) tats.delete(key);
  }

  function makeRoom(at: number): void {
    sweep(at);
    if (tats.size < maxKeys) return;
    // Evict a tenth at once so a full map of active users costs one sweep per many inserts.
    const target = maxKeys - Math.max(1, Math.floor(maxKeys / 10));
    for (const key of tats.keys()) {
      if (tats.size <= target) break;
      tats.delete(key);
    }
  }

  const seconds = (ms: number) => Math.max(0, Math.ceil((ms - EPSILON_MS) / 1000));

  return {
    get size() {
      return tats.size;
    },
    consume(key) {
      const at = now();
      if (at - lastSweep >= windowMs) sweep(at);
      const stored = tats.get(key);
      if (stored === undefined && tats.size >= maxKeys) makeRoom(at);
      const tat = Math.max(stored ?? at, at);
      const next = tat + interval;
      if (next - at > windowMs + EPSILON_MS) {
        tats.delete(key);
        tats.set(key, tat);
        return {
          allowed: false,
          limit: requests,
          remaining: 0,
          resetSeconds: seconds(tat - at),
          // Allowed once `next - windowMs` is reached; at least 1 s, as Retry-After is whole seconds.
          retryAfterSeconds: Math.max(1, seconds(next - windowMs - at)),
        };
      }
      tats.delete(key);
      tats.set(key, next);
      return {
        allowed: true,
        limit: requests,
        remaining: Math.floor((windowMs - (next - at)) / interval + EPSILON_MS),
        resetSeconds: seconds(next - at),
        retryAfterSeconds: 0,
      };
    },
  };
}

export interface QuotaConfig extends MemoryQuotaOptions {
  /** Replaces the in-memory store (e.g. a shared one); `requests` and `windowSeconds` still apply. */
  store?: QuotaStore;
}

/** Headers exposed to browsers through CORS, so the web app can back off. */
export const QUOTA_HEADERS = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"] as const;

/**
 * Per-user request quota, mounted after authentication so it keys on the verified user id: a
 * request refused by authentication never reaches it and costs no one anything. Every response it
 * lets through carries `RateLimit-*` headers (IETF httpapi draft); over quota is a 429 RATE_LIMITED
 * with `Retry-After`. No config or `requests: 0` turns it off.
 *
 * The default store is in memory, per instance: behind N instances a user gets up to N× the quota.
 */
export function requestQuota(config: QuotaConfig | undefined) {
  if (config === undefined || config.requests === 0) {
    return createMiddleware<AppEnv>((_c, next) => next());
  }
  const store = config.store ?? createMemoryQuotaStore(config);
  const { windowSeconds } = config;
  return createMiddleware<AppEnv>(async (c, next) => {
    const decision = await store.consume(c.get("identity").userId);
    const headers: Record<string, string> = {
      "RateLimit-Limit": String(decision.limit),
      "RateLimit-Remaining": String(decision.remaining),
      "RateLimit-Reset": String(decision.resetSeconds),
    };
    if (!decision.allowed) {
      throw new ApiError("RATE_LIMITED", {
        detail: `Too many requests: at most ${decision.limit} per ${windowSeconds} seconds; retry in ${decision.retryAfterSeconds} s`,
        headers: { ...headers, "Retry-After": String(decision.retryAfterSeconds) },
      });
    }
    await next();
    // Set after the handler so error responses (404, 400…) carry them as well.
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  });
}
