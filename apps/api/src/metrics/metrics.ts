import type { ErrorCode } from "@tandem/contracts";
import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { TokenCache } from "../auth/token-cache.ts";
import type { AppEnv } from "../types.ts";

/** What a `pg` pool reports; SQLite has no pool (one connection in the process), so none is observed. */
export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * The API's Prometheus metrics, one registry per instance (tests build their own). The names are
 * shared with the FastAPI backend; docs/operations.md says what each means.
 *
 * @example
 * const metrics = createApiMetrics();
 * const app = createApp({ database, verifier, logger, config, metrics });
 * const text = await metrics.registry.metrics();
 */
export function createApiMetrics({ defaults = true }: { defaults?: boolean } = {}) {
  const registry = new Registry();
  // Process CPU, memory, and event-loop lag (`nodejs_eventloop_lag_*`).
  if (defaults) collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "tandem_http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "tandem_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const authFailures = new Counter({
    name: "tandem_auth_failures_total",
    help: "Requests refused by authentication or authorization, by error code",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const jwksFetches = new Counter({
    name: "tandem_jwks_fetches_total",
    help: "Fetches of the web app's key set (JWKS), by outcome (ok or error)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const cacheLookups = new Counter({
    name: "tandem_cache_lookups_total",
    help: "Lookups in the token, revocation and task list caches, by cache and result (hit or miss)",
    labelNames: ["cache", "result"] as const,
    registers: [registry],
  });

  return {
    registry,
    /** Counts and times every request by its route pattern (`/api/tasks/:id`), never the raw path. */
    middleware() {
      return createMiddleware<AppEnv>(async (c, next) => {
        const started = performance.now();
        await next();
        const labels = {
          method: c.req.method,
          route: routePath(c, -1) || "unmatched",
          status: String(c.res.status),
        };
        requests.inc(labels);
        duration.observe(labels, (performance.now() - started) / 1000);
        const status = c.res.status;
        // The code onError answered with: a refused token is thrown as a verifier error, not an ApiError.
        const reason = c.var.problem as ErrorCode | undefined;
        if ((status === 401 || status === 403) && reason !== undefined) authFailures.inc({ reason });
      });
    },
    /** `fetchImpl` counting each call and its outcome; the verifier's key set fetches through it. */
    countingFetch(fetchImpl: typeof fetch = fetch): typeof fetch {
      return async (...args) => {
        try {
          const response = await fetchImpl(...args);
          jwksFetches.inc({ outcome: response.ok ? "ok" : "error" });
          return response;
        } catch (error) {
          jwksFetches.inc({ outcome: "error" });
          throw error;
        }
      };
    },
    /** `cache` with its lookups counted as `cache="token"`. */
    countingTokenCache(cache: TokenCache): TokenCache {
      return {
        get(token, keyStillPublished) {
          const identity = cache.get(token, keyStillPublished);
          cacheLookups.inc({ cache: "token", result: identity === undefined ? "miss" : "hit" });
          return identity;
        },
        set: (...args) => cache.set(...args),
        get size() {
          return cache.size;
        },
      };
    },
    /** Records one lookup in a named cache (the revocation caches call it). */
    cacheLookup(cache: string, hit: boolean) {
      cacheLookups.inc({ cache, result: hit ? "hit" : "miss" });
    },
    /** Reports a `pg` pool's connections in use, idle and waiting clients at each scrape. */
    observePool(stats: () => PoolStats) {
      new Gauge({
        name: "tandem_db_pool_connections",
        help: "Database pool connections by state (in_use, idle) and clients waiting for one (waiting)",
        labelNames: ["state"] as const,
        registers: [registry],
        collect() {
          const pool = stats();
          this.set({ state: "in_use" }, pool.totalCount - pool.idleCount);
          this.set({ state: "idle" }, pool.idleCount);
          this.set({ state: "waiting" }, pool.waitingCount);
        },
      });
    },
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
