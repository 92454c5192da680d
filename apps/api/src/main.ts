import { Server } from "node:http";
import { serve } from "@hono/node-server";
import { createDb, pendingMigrations } from "@tandem/db";
import { gracefulShutdown, serveMetrics } from "@tandem/server";
import pino from "pino";
import { createApp } from "./app.ts";
import { answerClientErrors, HEADER_LIMIT_BYTES } from "./http/client-errors.ts";
import { createTokenCache } from "./auth/token-cache.ts";
import { createVerifier } from "./auth/verifier.ts";
import { loadEnv } from "./env.ts";
import { type OpenedQuotaStore, openQuotaStore, QuotaStoreConfigError } from "./http/quota-store.ts";
import { createApiMetrics } from "./metrics/metrics.ts";

const env = loadEnv();
const logger = pino(
  {
    level: env.LOG_LEVEL,
    base: { service: "tandem-api" },
    // Defence in depth: nothing logs headers today, but if someone adds them, tokens stay out.
    redact: ["req.headers.authorization", "req.headers.cookie", "*.authorization", "*.token"],
  },
  // Lines go out in batches (4 KiB, or every 100 ms) rather than one write(2) per request (why:
  // docs/decisions/007-list-path-database-tuning.md). pino flushes the rest when the process exits;
  // a SIGKILL can lose the last 100 ms.
  pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100 }),
);

let database: ReturnType<typeof createDb>;
try {
  database = createDb(env.DATABASE_URL, {
    isoInstants: true,
    preparedStatements: env.DATABASE_PREPARED_STATEMENTS === "on",
    sqliteCheckpoints: "background",
    sqliteGroupCommit: true,
  });
  const pending = await pendingMigrations(database.db);
  if (pending.length > 0) {
    logger.fatal(
      { pending },
      "the database is not migrated: run `npm run db:migrate` (npm start does it for you)",
    );
    process.exit(1);
  }
} catch (error) {
  logger.fatal({ err: error instanceof Error ? error.message : String(error) }, "cannot open the database");
  process.exit(1);
}

let quota: OpenedQuotaStore;
try {
  quota = await openQuotaStore(env, database.dialect, logger);
} catch (error) {
  if (error instanceof QuotaStoreConfigError) logger.fatal(error.message);
  else {
    logger.fatal(
      { err: error instanceof Error ? error.message : String(error) },
      "cannot set up the quota store",
    );
  }
  process.exit(1);
}
const quotaStore = quota.store;

const metrics = env.METRICS_PORT === undefined ? undefined : createApiMetrics();
if (metrics !== undefined && database.poolStats !== undefined) metrics.observePool(database.poolStats);
const tokenCache = env.AUTH_TOKEN_CACHE === "on" ? createTokenCache() : undefined;

const verifier = createVerifier({
  jwks: {
    url: env.AUTH_JWKS_URL,
    ...(metrics === undefined ? {} : { fetch: metrics.countingFetch() }),
    timeoutMs: env.AUTH_JWKS_TIMEOUT_SECONDS * 1000,
    cooldownMs: env.AUTH_JWKS_COOLDOWN_SECONDS * 1000,
    maxAgeMs: env.AUTH_JWKS_MAX_AGE_SECONDS * 1000,
  },
  issuer: env.AUTH_ISSUER,
  audience: env.AUTH_AUDIENCE,
  clockToleranceSeconds: env.AUTH_CLOCK_SKEW_SECONDS,
  maxTokenAgeSeconds: env.AUTH_MAX_TOKEN_AGE_SECONDS,
  ...(tokenCache === undefined
    ? {}
    : { tokenCache: metrics === undefined ? tokenCache : metrics.countingTokenCache(tokenCache) }),
});

const app = createApp({
  database,
  verifier,
  logger,
  config: {
    webOrigins: env.WEB_ORIGIN,
    revocationCheckSeconds: env.AUTH_REVOCATION_CHECK_SECONDS,
    listCacheBytes: env.API_LIST_CACHE_MB * 1024 * 1024,
    // `shutdown` (below, once the server exists) is only read when /ready is requested.
    isDraining: () => !shutdown.ready(),
    quota: {
      requests: env.API_QUOTA_REQUESTS,
      windowSeconds: env.API_QUOTA_WINDOW_SECONDS,
      ...(quotaStore === undefined ? {} : { store: quotaStore }),
    },
  },
  ...(metrics === undefined ? {} : { metrics }),
});

if (metrics !== undefined && env.METRICS_PORT !== undefined) {
  const metricsServer = serveMetrics({
    registry: metrics.registry,
    port: env.METRICS_PORT,
    hostname: env.METRICS_HOST,
    ...(env.METRICS_TOKEN === undefined ? {} : { token: env.METRICS_TOKEN }),
  });
  metricsServer.on("error", (error) => {
    logger.fatal({ err: error.message }, "cannot listen for metrics");
    process.exit(1);
  });
  metricsServer.unref();
}

const server = serve(
  {
    fetch: app.fetch,
    port: env.PORT,
    hostname: env.HOST,
    serverOptions: { maxHeaderSize: HEADER_LIMIT_BYTES },
  },
  (info) => {
    logger.info(
      { port: info.port, database: `${database.dialect}: ${database.location}`, issuer: env.AUTH_ISSUER },
      `Tandem API listening on http://localhost:${info.port} (docs at /docs)`,
    );
  },
);
answerClientErrors(server);
server.on("error", (error) => {
  logger.fatal({ err: error.message }, "cannot listen");
  process.exit(1);
});

if (!(server instanceof Server)) throw new Error("the API serves plain HTTP/1.1 (node:http)");
server.keepAliveTimeout = env.KEEP_ALIVE_TIMEOUT_SECONDS * 1000;
// Rolling restarts behind a load balancer (deploy/README.md): not ready first, then drain and stop.
const shutdown = gracefulShutdown(server, {
  drainSeconds: env.SHUTDOWN_DRAIN_SECONDS,
  timeoutSeconds: env.SHUTDOWN_TIMEOUT_SECONDS,
  // The balancer's and the orchestrator's checks: they come whether or not it still sends work.
  isProbe: (req) => /^\/(ready|health)(\?|$)/.test(req.url ?? ""),
  onClosed: () => Promise.all([database.destroy(), quota.close()]),
  log: (level, message) => logger[level](message),
});
process.on("SIGTERM", () => shutdown.begin("SIGTERM"));
process.on("SIGINT", () => shutdown.begin("SIGINT"));
